//! Rule 1: quorum and the ballot box, and what a void round reports.

use super::*;

fn party_round(electorate: u64, present: u64) -> TallyInput {
    let mut input = vote(
        Preset::Party,
        electorate,
        present,
        vec![post("委员", 1, &["张三", "李四"])],
    );
    add(&mut input, present as usize, &vote_for("委员", &["张三"]));
    input
}

fn residents_round(electorate: u64, present: u64) -> TallyInput {
    let mut input = vote(
        Preset::Residents,
        electorate,
        present,
        vec![post("主任", 1, &["张三", "李四"])],
    );
    add(&mut input, present as usize, &vote_for("主任", &["张三"]));
    input
}

#[test]
fn exactly_four_fifths_present_fails_the_party_quorum_with_gt() {
    let result = run(&party_round(50, 40));
    assert!(!result.valid);
    assert_eq!(result.void_reasons, vec![VoidReason::QuorumNotMet]);
    assert_eq!(
        result.quorum,
        QuorumReport {
            electorate: 50,
            present: 40,
            required: 41,
            met: false
        }
    );
}

#[test]
fn one_more_than_four_fifths_meets_the_party_quorum_with_gt() {
    let result = run(&party_round(50, 41));
    assert!(result.valid);
    assert!(result.quorum.met);
    assert_eq!(result.quorum.required, 41);
}

#[test]
fn exactly_four_fifths_present_meets_the_party_quorum_with_ge() {
    let mut input = party_round(50, 40);
    input.settings.quorum = Some(Comparison::Ge);
    let result = run(&input);
    assert!(result.valid);
    assert_eq!(result.quorum.required, 40);
    assert!(result.explanation[0].contains("《中国共产党基层组织选举工作条例》"));
}

#[test]
fn one_below_four_fifths_fails_the_party_quorum_with_ge() {
    let mut input = party_round(50, 39);
    input.settings.quorum = Some(Comparison::Ge);
    assert_eq!(run(&input).void_reasons, vec![VoidReason::QuorumNotMet]);
}

#[test]
fn a_non_integer_four_fifths_rounds_the_same_way_for_gt_and_ge() {
    // 4/5 of 52 is 41.6: more than that and at least that are both 42.
    let gt = run(&party_round(52, 42));
    assert_eq!(gt.quorum.required, 42);
    let mut input = party_round(52, 41);
    input.settings.quorum = Some(Comparison::Ge);
    assert_eq!(
        run(&input).quorum,
        QuorumReport {
            electorate: 52,
            present: 41,
            required: 42,
            met: false
        }
    );
}

#[test]
fn exactly_half_of_the_electorate_fails_the_residents_quorum_with_gt() {
    let result = run(&residents_round(100, 50));
    assert!(!result.valid);
    assert_eq!(result.quorum.required, 51);
}

#[test]
fn exactly_half_of_the_electorate_meets_the_residents_quorum_with_ge() {
    let mut input = residents_round(100, 50);
    input.settings.quorum = Some(Comparison::Ge);
    let result = run(&input);
    assert!(result.valid);
    assert_eq!(result.quorum.required, 50);
}

#[test]
fn more_than_half_of_the_electorate_meets_the_residents_quorum() {
    assert!(run(&residents_round(100, 51)).valid);
    assert!(run(&residents_round(101, 51)).valid);
    assert!(!run(&residents_round(101, 50)).valid);
}

#[test]
fn a_void_round_elects_nobody_but_still_reports_the_tallies() {
    let result = run(&party_round(50, 40));
    let p = post_of(&result, "委员");
    assert!(p.elected.is_empty() && p.tie.is_empty());
    assert_eq!(p.unfilled, 1);
    assert_eq!(p.next_round, None);
    assert_eq!(votes(&result, "委员", "张三"), 40);
    assert!(p.candidates.iter().all(|c| c.status == Status::NotElected));
    assert!(result.explanation.iter().any(|s| s.contains("无效")));
}

#[test]
fn more_ballots_collected_than_voters_present_void_the_round() {
    let mut input = party_round(50, 45);
    input.ballots_collected = Some(46);
    let result = run(&input);
    assert_eq!(result.void_reasons, vec![VoidReason::BallotsExceedVoters]);
    assert!(post_of(&result, "委员").elected.is_empty());
}

#[test]
fn as_many_ballots_collected_as_voters_present_is_a_valid_round() {
    let mut input = party_round(50, 45);
    input.ballots_collected = Some(45);
    assert!(run(&input).valid);
}

#[test]
fn with_box_check_issued_more_ballots_collected_than_issued_void_the_round() {
    let mut input = party_round(50, 45);
    input.ballots_issued = Some(44);
    input.ballots_collected = Some(45);
    assert!(run(&input).valid, "voters is the default check");
    input.settings.box_check = Some(BoxCheck::Issued);
    assert_eq!(
        run(&input).void_reasons,
        vec![VoidReason::BallotsExceedVoters]
    );
}

#[test]
fn both_void_reasons_are_listed_quorum_first() {
    let mut input = party_round(50, 40);
    input.ballots_collected = Some(41);
    assert_eq!(
        run(&input).void_reasons,
        vec![VoidReason::QuorumNotMet, VoidReason::BallotsExceedVoters]
    );
}

#[test]
fn fewer_ballots_than_collected_give_a_provisional_result_with_final_thresholds() {
    let mut input = residents_round(100, 60);
    input.ballots_collected = Some(60);
    let mut partial = input.clone();
    partial.ballots = input.ballots.iter().take(31).collect();
    let result = run(&partial);
    assert!(result.provisional);
    assert_eq!(
        result.ballots,
        BallotReport {
            collected: 60,
            counted: 31,
            valid: 31,
            invalid: 0
        }
    );
    // The threshold already uses the 60 ballots collected: 31 votes elect.
    assert_eq!(post_of(&result, "主任").threshold, 31);
    assert_eq!(post_of(&result, "主任").elected, names(&["张三"]));
    assert!(result.explanation.iter().any(|s| s.contains("临时结果")));
    assert!(!run(&input).provisional);
}

#[test]
fn the_default_settings_follow_the_issue_for_each_preset() {
    let party = Settings::defaults(Preset::Party);
    assert_eq!(party.quorum, Comparison::Gt);
    assert_eq!(party.majority, Comparison::Gt);
    assert_eq!(party.majority_base, MajorityBase::Due);
    assert_eq!(party.box_check, BoxCheck::Voters);
    assert_eq!(party.overvote, Overvote::Ballot);
    assert_eq!(party.same_person_two_posts, SamePersonTwoPosts::Invalid);
    assert!(party.write_ins && party.write_in_requires_against);
    let residents = Settings::defaults(Preset::Residents);
    assert_eq!(residents.majority_base, MajorityBase::Cast);
    assert!(residents.write_ins && !residents.write_in_requires_against);
    assert_eq!(
        Settings {
            majority_base: MajorityBase::Cast,
            write_in_requires_against: false,
            ..party
        },
        residents
    );
}

#[test]
fn overrides_replace_only_the_settings_they_name() {
    let overrides = SettingsOverrides {
        majority: Some(Comparison::Ge),
        ..SettingsOverrides::default()
    };
    let s = Settings::resolve(Preset::Residents, &overrides);
    assert_eq!(
        s,
        Settings {
            majority: Comparison::Ge,
            ..Settings::defaults(Preset::Residents)
        }
    );
}
