//! The driver's arguments, checked on the built binary without starting a server. Having an
//! integration test also makes `cargo test --workspace` build `target/debug/loadgen`, which
//! `.ci/run` then runs with `--smoke` (with the features of the test build, so nothing is
//! compiled twice).

use std::process::Command;

fn loadgen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .args(args)
        .output()
        .expect("loadgen runs")
}

#[test]
fn help_names_the_modes() {
    let out = loadgen(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--database",
        "--instances",
        "--communities",
        "--counters-per-community",
        "--smoke",
    ] {
        assert!(text.contains(option), "{option} missing from --help");
    }
}

#[test]
fn bad_layouts_are_refused_before_anything_starts() {
    for args in [
        &["--instances", "2"][..],
        &["--seats", "10", "--candidates", "9"][..],
        &["--counters-per-community", "0"][..],
    ] {
        let out = loadgen(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
