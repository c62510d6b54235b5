//! Runs the real `huanjie tally` binary: every worked example in `tests/fixtures/tally` against
//! its hand-worked expected output, standard input with `-`, and malformed inputs (exit 2,
//! nothing on standard output).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tally")
}

/// Runs `huanjie tally ARG`, feeding `stdin` when given.
fn huanjie_tally(arg: &str, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .args(["tally", arg])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the huanjie binary starts");
    {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes())
                .expect("stdin accepts the input");
        }
    }
    child
        .wait_with_output()
        .expect("the huanjie binary finishes")
}

/// The names `NAME` of every `NAME.input.json`, sorted.
fn example_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .expect("the fixtures folder exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".input.json").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The explanation is checked for shape only: non-empty Chinese sentences.
fn assert_chinese_sentences(explanation: &Value, example: &str) {
    let lines = explanation
        .as_array()
        .unwrap_or_else(|| panic!("{example}: explanation is an array"));
    assert!(!lines.is_empty(), "{example}: explanation is empty");
    for line in lines {
        let s = line
            .as_str()
            .unwrap_or_else(|| panic!("{example}: explanation holds strings"));
        assert!(
            has_chinese(s) && s.ends_with('。'),
            "{example}: not a Chinese sentence: {s}"
        );
    }
}

#[test]
fn every_worked_example_gives_its_hand_worked_result() {
    let names = example_names();
    assert!(
        names.len() >= 8,
        "at least 8 worked examples, found {names:?}"
    );
    for name in &names {
        let input = fixtures().join(format!("{name}.input.json"));
        let output = huanjie_tally(input.to_str().expect("a UTF-8 path"), None);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: exit code; stderr: {stderr}"
        );

        let mut actual: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{name}: standard output is JSON: {e}"));
        let text = std::fs::read_to_string(fixtures().join(format!("{name}.expected.json")))
            .unwrap_or_else(|e| panic!("{name}: expected file: {e}"));
        let mut expected: Value = serde_json::from_str(&text).expect("expected file is JSON");

        let explanation = actual.as_object_mut().and_then(|o| o.remove("explanation"));
        assert_chinese_sentences(&explanation.unwrap_or(Value::Null), name);
        expected
            .as_object_mut()
            .expect("expected is an object")
            .remove("explanation");
        assert_eq!(
            actual, expected,
            "{name}: result differs from the hand-worked one"
        );
    }
}

#[test]
fn a_dash_reads_the_input_from_standard_input() {
    let input = fixtures().join("tie_at_last_seat.input.json");
    let text = std::fs::read_to_string(&input).expect("fixture readable");
    let from_stdin = huanjie_tally("-", Some(&text));
    let from_file = huanjie_tally(input.to_str().expect("a UTF-8 path"), None);
    assert_eq!(from_stdin.status.code(), Some(0));
    assert!(!from_stdin.stdout.is_empty());
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

/// Malformed inputs, each with what is wrong with it.
fn malformed() -> Vec<(&'static str, String)> {
    let good = std::fs::read_to_string(fixtures().join("party_first_round.input.json"))
        .expect("fixture readable");
    let value: Value = serde_json::from_str(&good).expect("fixture is JSON");
    let with = |key: &str, new: Value| {
        let mut v = value.clone();
        v[key] = new;
        v.to_string()
    };
    let mut unknown_name = value.clone();
    unknown_name["ballots"][0]["marks"]["委员"]["for"] = serde_json::json!(["不存在"]);
    vec![
        ("not JSON", "{\"preset\": ".to_owned()),
        ("empty", String::new()),
        ("unknown preset", with("preset", "village".into())),
        ("unknown round", with("round", "third".into())),
        (
            "unknown setting",
            with("settings", serde_json::json!({"quorom": "ge"})),
        ),
        (
            "unknown setting value",
            with("settings", serde_json::json!({"quorum": "more"})),
        ),
        ("negative number", with("electorate", (-1).into())),
        ("present above electorate", with("present", 13.into())),
        (
            "ballot not an object",
            with("ballots", serde_json::json!([1])),
        ),
        ("for a name not listed", unknown_name.to_string()),
    ]
}

fn assert_exit_2_quietly(output: &Output, case: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{case}: exit code; stderr: {stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "{case}: nothing on standard output"
    );
    assert!(
        has_chinese(&stderr),
        "{case}: a Chinese message on standard error: {stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(|c: char| c.is_ascii_alphabetic())),
        "{case}: an English message on standard error: {stderr}"
    );
}

#[test]
fn malformed_input_on_standard_input_exits_2_with_nothing_on_standard_output() {
    for (case, text) in malformed() {
        assert_exit_2_quietly(&huanjie_tally("-", Some(&text)), case);
    }
}

#[test]
fn a_malformed_input_file_exits_2_with_nothing_on_standard_output() {
    let dir = std::env::temp_dir();
    for (i, (case, text)) in malformed().into_iter().enumerate() {
        let path = dir.join(format!("huanjie-tally-cli-{}-{i}.json", std::process::id()));
        std::fs::write(&path, text).expect("temporary file writable");
        let output = huanjie_tally(path.to_str().expect("a UTF-8 path"), None);
        let _ = std::fs::remove_file(&path);
        assert_exit_2_quietly(&output, case);
    }
}
