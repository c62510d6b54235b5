//! Malformed inputs: each is an error with a Chinese and an English message, never a result.

use super::*;

fn minimal() -> serde_json::Value {
    serde_json::json!({
        "preset": "party",
        "electorate": 3,
        "present": 3,
        "posts": [{"post": "委员", "seats": 1, "candidates": ["张三", "李四"]}],
        "ballots": [
            {"marks": {"委员": {"for": ["张三"]}}},
            {"invalid": true},
            {"marks": {"委员": {"for": ["张三"]}}}
        ]
    })
}

fn error_of(value: &serde_json::Value) -> TallyError {
    tally_json(&value.to_string()).expect_err("malformed input")
}

fn with(path: &[&str], new: serde_json::Value) -> serde_json::Value {
    let mut v = minimal();
    let mut cursor = &mut v;
    for key in &path[..path.len() - 1] {
        cursor = match key.parse::<usize>() {
            Ok(i) => &mut cursor[i],
            Err(_) => &mut cursor[*key],
        };
    }
    let last = path[path.len() - 1];
    match last.parse::<usize>() {
        Ok(i) => cursor[i] = new,
        Err(_) => cursor[last] = new,
    }
    v
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn the_minimal_input_is_well_formed() {
    let json = tally_json(&minimal().to_string()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["posts"][0]["elected"], serde_json::json!(["张三"]));
    assert_eq!(value["posts"][0]["next_round"], serde_json::Value::Null);
    assert_eq!(value["posts"][0]["candidates"][0]["for"], 2);
    assert!(json.contains('\n'), "pretty JSON");
}

#[test]
fn every_error_has_a_chinese_and_an_english_message() {
    let cases = [
        with(&["preset"], "village".into()),
        with(&["round"], "third".into()),
        with(&["settings"], serde_json::json!({"quorum": "gte"})),
        with(&["settings"], serde_json::json!({"quorom": "ge"})),
        with(&["present"], (-1).into()),
        with(&["extra"], 1.into()),
        with(&["ballots"], serde_json::json!([3])),
        with(&["posts", "0", "seats"], 0.into()),
    ];
    for case in &cases {
        let e = error_of(case);
        assert!(is_chinese(&e.zh()), "{}", e.zh());
        assert!(
            e.en().starts_with(|c: char| c.is_ascii_alphabetic()),
            "{}",
            e.en()
        );
    }
}

#[test]
fn malformed_json_is_a_syntax_error() {
    let e = tally_json("{\"preset\": \"party\",").unwrap_err();
    assert!(matches!(e, TallyError::Syntax { .. }));
    assert!(e.zh().contains("JSON"));
}

#[test]
fn an_unknown_preset_setting_value_or_round_is_a_shape_error() {
    for case in [
        with(&["preset"], "village".into()),
        with(&["round"], "third".into()),
        with(&["settings"], serde_json::json!({"overvote": "paper"})),
    ] {
        let e = error_of(&case);
        assert!(matches!(e, TallyError::Shape { .. }), "{e:?}");
        assert!(e.zh().contains("未知的取值"), "{}", e.zh());
    }
    let e = error_of(&with(&["settings"], serde_json::json!({"quorom": "ge"})));
    assert!(e.zh().contains("quorom"));
}

#[test]
fn a_negative_number_is_an_error() {
    for field in [
        "electorate",
        "present",
        "ballots_issued",
        "ballots_collected",
    ] {
        let e = error_of(&with(&[field], (-3).into()));
        assert!(e.zh().contains("负数"), "{field}: {}", e.zh());
    }
    assert!(
        error_of(&with(&["posts", "0", "seats"], (-1).into()))
            .zh()
            .contains("负数")
    );
}

#[test]
fn a_post_with_no_seat_is_an_error() {
    let e = error_of(&with(&["posts", "0", "seats"], 0.into()));
    assert_eq!(
        e,
        TallyError::SeatsBelowOne {
            post: "委员".into()
        }
    );
}

#[test]
fn a_candidate_listed_twice_in_a_post_is_an_error() {
    let e = error_of(&with(
        &["posts", "0", "candidates"],
        serde_json::json!(["张三", "张三"]),
    ));
    assert!(matches!(e, TallyError::DuplicateCandidate { .. }));
}

#[test]
fn a_post_name_used_twice_is_an_error() {
    let p = serde_json::json!({"post": "委员", "seats": 1, "candidates": ["王五"]});
    let mut v = minimal();
    v["posts"].as_array_mut().unwrap().push(p);
    assert_eq!(
        error_of(&v),
        TallyError::DuplicatePost {
            post: "委员".into()
        }
    );
}

#[test]
fn more_present_than_the_electorate_is_an_error() {
    let e = error_of(&with(&["present"], 11.into()));
    assert_eq!(
        e,
        TallyError::PresentExceedsElectorate {
            present: 11,
            electorate: 3
        }
    );
}

#[test]
fn more_ballots_issued_than_present_is_an_error() {
    let e = error_of(&with(&["ballots_issued"], 4.into()));
    assert_eq!(
        e,
        TallyError::IssuedExceedsPresent {
            issued: 4,
            present: 3
        }
    );
}

#[test]
fn more_ballots_in_the_input_than_collected_is_an_error() {
    let e = error_of(&with(&["ballots_collected"], 1.into()));
    assert_eq!(
        e,
        TallyError::BallotsExceedCollected {
            counted: 3,
            collected: 1
        }
    );
}

#[test]
fn a_ballot_that_is_not_an_object_is_an_error() {
    for ballot in [
        serde_json::json!([true]),
        serde_json::json!("张三"),
        serde_json::json!(null),
    ] {
        let e = error_of(&with(&["ballots", "0"], ballot));
        assert!(e.zh().contains("选票应为 JSON 对象"), "{}", e.zh());
    }
    let e = error_of(&with(
        &["ballots", "0", "marks", "委员"],
        serde_json::json!([["张三"]]),
    ));
    assert!(e.zh().contains("应为 JSON 对象"), "{}", e.zh());
    let e = error_of(&with(
        &["posts", "0"],
        serde_json::json!(["委员", 1, ["张三"]]),
    ));
    assert!(e.zh().contains("应为 JSON 对象"), "{}", e.zh());
}

#[test]
fn a_valid_ballot_naming_an_unknown_post_is_an_error() {
    // Even an empty part names its post.
    let e = error_of(&with(
        &["ballots", "0", "marks"],
        serde_json::json!({"主任": {}}),
    ));
    assert_eq!(
        e,
        TallyError::UnknownPost {
            ballot: 1,
            post: "主任".into()
        }
    );
}

#[test]
fn a_valid_ballot_marking_an_unlisted_name_for_or_against_is_an_error() {
    let e = error_of(&with(
        &["ballots", "0", "marks", "委员"],
        serde_json::json!({"for": ["周八"]}),
    ));
    assert!(matches!(
        e,
        TallyError::UnknownName {
            ballot: 1,
            list: "for",
            ..
        }
    ));
    let e = error_of(&with(
        &["ballots", "0", "marks", "委员"],
        serde_json::json!({"against": ["周八"]}),
    ));
    assert!(matches!(
        e,
        TallyError::UnknownName {
            list: "against",
            ..
        }
    ));
    assert!(e.zh().contains("周八"));
}

#[test]
fn a_ballot_flagged_invalid_is_not_checked_for_names() {
    let v = with(
        &["ballots", "1"],
        serde_json::json!({"invalid": true, "marks": {"主任": {"for": ["谁"]}}}),
    );
    assert!(tally_json(&v.to_string()).is_ok());
}

#[test]
fn an_error_on_a_later_ballot_is_found_even_after_an_invalid_mark() {
    // The first post part is invalid (for and against), but the unknown post still errs.
    let v = with(
        &["ballots", "0", "marks"],
        serde_json::json!({"委员": {"for": ["张三"], "against": ["张三"]}, "监委": {}}),
    );
    assert!(matches!(error_of(&v), TallyError::UnknownPost { .. }));
}

#[test]
fn an_unknown_field_in_a_ballot_or_its_marks_is_an_error() {
    assert!(matches!(
        error_of(&with(&["ballots", "0", "abstain"], true.into())),
        TallyError::Shape { .. }
    ));
    assert!(matches!(
        error_of(&with(
            &["ballots", "0", "marks", "委员", "abstain"],
            serde_json::json!([])
        )),
        TallyError::Shape { .. }
    ));
}

#[test]
fn a_missing_required_field_is_an_error() {
    let mut v = minimal();
    v.as_object_mut().unwrap().remove("posts");
    assert!(error_of(&v).zh().contains("缺少必填字段「posts」"));
}

#[test]
fn an_input_survives_a_round_trip_through_json() {
    let input: TallyInput = serde_json::from_value(minimal()).unwrap();
    let again: TallyInput = serde_json::from_str(&serde_json::to_string(&input).unwrap()).unwrap();
    assert_eq!(input, again);
    assert_eq!(run(&input), run(&again));
}

#[test]
fn a_document_that_is_not_an_object_is_an_error() {
    for text in ["[]", "[\"party\"]", "3", "null"] {
        assert!(
            matches!(tally_json(text), Err(TallyError::Shape { .. })),
            "{text}"
        );
    }
}
