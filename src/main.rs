//! The `huanjie` binary: parses the command line and hands over to the library.

/// An allocator that returns freed memory to the system (see `Cargo.toml`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    huanjie::cli::main()
}
