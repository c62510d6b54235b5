//! `loadgen`: drives the counting room of a real server (see the library, `lib.rs`, and
//! `docs/PERFORMANCE.md`).

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    loadgen::cli(loadgen::Args::parse()).await
}
