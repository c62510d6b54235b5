//! Rule 4: the threshold per round, preset and majority setting.

use super::*;

/// One post of 1 seat among 张三 and 李四; `for_zhang` ballots for 张三, the rest blank.
fn one_seat(preset: Preset, present: u64, for_zhang: usize) -> TallyInput {
    let mut input = vote(
        preset,
        present,
        present,
        vec![post("主任", 1, &["张三", "李四"])],
    );
    add(&mut input, for_zhang, &vote_for("主任", &["张三"]));
    add(&mut input, present as usize - for_zhang, &Ballot::blank());
    input
}

#[test]
fn exactly_half_never_elects_with_gt() {
    let result = run(&one_seat(Preset::Party, 10, 5));
    assert_eq!(post_of(&result, "主任").threshold, 6);
    assert!(post_of(&result, "主任").elected.is_empty());
    assert!(
        !run(&one_seat(Preset::Residents, 10, 5)).posts[0]
            .elected
            .iter()
            .any(|n| n == "张三")
    );
}

#[test]
fn one_more_than_half_elects_with_gt() {
    assert_eq!(
        run(&one_seat(Preset::Party, 10, 6)).posts[0].elected,
        names(&["张三"])
    );
    assert_eq!(
        run(&one_seat(Preset::Party, 11, 6)).posts[0].elected,
        names(&["张三"])
    );
    assert!(
        run(&one_seat(Preset::Party, 11, 5)).posts[0]
            .elected
            .is_empty()
    );
}

#[test]
fn exactly_half_elects_with_ge() {
    let mut input = one_seat(Preset::Party, 10, 5);
    input.settings.majority = Some(Comparison::Ge);
    let result = run(&input);
    assert_eq!(post_of(&result, "主任").threshold, 5);
    assert_eq!(post_of(&result, "主任").elected, names(&["张三"]));
    assert!(result.explanation.iter().any(|s| s.contains("半数以上")));
}

#[test]
fn one_below_half_does_not_elect_with_ge() {
    let mut input = one_seat(Preset::Residents, 10, 4);
    input.settings.majority = Some(Comparison::Ge);
    assert!(run(&input).posts[0].elected.is_empty());
}

#[test]
fn a_ge_majority_of_nobody_still_needs_one_vote() {
    let mut input = vote(
        Preset::Party,
        0,
        0,
        vec![post("主任", 1, &["张三", "李四"])],
    );
    input.settings.quorum = Some(Comparison::Ge);
    input.settings.majority = Some(Comparison::Ge);
    let result = run(&input);
    assert!(result.valid);
    assert_eq!(post_of(&result, "主任").threshold, 1);
    assert!(post_of(&result, "主任").elected.is_empty());
}

/// The example: 20 members due, 17 present, one 委员 seat; 甲 gets `for_jia` votes and
/// 乙 the rest of the 17 ballots.
fn due_twenty(for_jia: usize) -> TallyInput {
    let mut input = vote(Preset::Party, 20, 17, vec![post("委员", 1, &["甲", "乙"])]);
    add(&mut input, for_jia, &vote_for("委员", &["甲"]));
    add(&mut input, 17 - for_jia, &vote_for("委员", &["乙"]));
    input
}

#[test]
fn the_party_majority_is_of_members_due_to_attend_by_default() {
    let result = run(&due_twenty(10));
    let post = post_of(&result, "委员");
    assert_eq!(post.threshold, 11, "more than half of 20 due");
    assert!(post.elected.is_empty(), "10 of 20 due is not a majority");
    assert_eq!(post.unfilled, 1);
    assert!(
        result
            .explanation
            .iter()
            .any(|s| s.contains("2020年《中国共产党基层组织选举工作条例》")
                && s.contains("应到会有选举权的党员 20 人的半数，即至少 11 票")),
        "{:?}",
        result.explanation
    );
}

#[test]
fn eleven_of_twenty_due_elects_and_exactly_half_does_not() {
    assert_eq!(
        post_of(&run(&due_twenty(11)), "委员").elected,
        names(&["甲"])
    );
    // Exactly half of the members due: never elected under the default.
    let mut input = vote(Preset::Party, 20, 20, vec![post("委员", 1, &["甲", "乙"])]);
    add(&mut input, 10, &vote_for("委员", &["甲"]));
    add(&mut input, 10, &Ballot::blank());
    assert!(post_of(&run(&input), "委员").elected.is_empty());
}

#[test]
fn the_present_setting_is_the_1990_reading_and_elects_on_members_present() {
    let mut input = due_twenty(10);
    input.settings.majority_base = Some(MajorityBase::Present);
    let result = run(&input);
    let post = post_of(&result, "委员");
    assert_eq!(post.threshold, 9, "more than half of 17 present");
    assert_eq!(post.elected, names(&["甲"]));
    assert!(
        result.explanation.iter().any(|s| s
            .contains("1990年《中国共产党基层组织选举工作暂行条例》")
            && s.contains("实到会有选举权的党员 17 人")),
        "{:?}",
        result.explanation
    );
}

#[test]
fn the_present_base_counts_members_present_although_fewer_ballots_are_entered() {
    let mut input = one_seat(Preset::Party, 10, 6);
    input.electorate = 12;
    input.settings.majority_base = Some(MajorityBase::Present);
    input.ballots_collected = Some(10);
    input.ballots = input.ballots.iter().take(9).collect();
    // present 10 → 6 needed, although only 9 ballots are entered so far.
    assert_eq!(run(&input).posts[0].threshold, 6);
}

#[test]
fn majority_base_due_compares_with_the_electorate() {
    let mut input = one_seat(Preset::Party, 10, 6);
    input.electorate = 12;
    input.settings.majority_base = Some(MajorityBase::Due);
    let result = run(&input);
    assert_eq!(post_of(&result, "主任").threshold, 7);
    assert!(post_of(&result, "主任").elected.is_empty());
}

#[test]
fn the_residents_majority_counts_invalid_ballots_in_the_base() {
    let mut input = vote(
        Preset::Residents,
        20,
        12,
        vec![post("主任", 1, &["张三", "李四"])],
    );
    add(&mut input, 6, &vote_for("主任", &["张三"]));
    add(&mut input, 4, &vote_for("主任", &["李四"]));
    add(&mut input, 2, &Ballot::invalid());
    let result = run(&input);
    // 12 ballots cast (2 invalid): 7 needed, 张三's 6 of the 10 valid are not enough.
    assert_eq!(post_of(&result, "主任").threshold, 7);
    assert!(post_of(&result, "主任").elected.is_empty());
    assert!(
        result
            .explanation
            .iter()
            .any(|s| s.contains("无效选票应计入选票总数"))
    );
    input.settings.majority_base = Some(MajorityBase::Present);
    assert_eq!(run(&input).posts[0].threshold, 7, "12 present as well");
}

#[test]
fn exactly_one_third_of_the_ballots_cast_elects_in_a_residents_further_election() {
    let mut input = vote(
        Preset::Residents,
        59,
        30,
        vec![post("委员", 1, &["张三", "李四"])],
    );
    input.round = Round::Supplementary;
    add(&mut input, 10, &vote_for("委员", &["张三"]));
    add(&mut input, 9, &vote_for("委员", &["李四"]));
    add(&mut input, 11, &Ballot::invalid());
    let result = run(&input);
    assert_eq!(post_of(&result, "委员").threshold, 10);
    assert_eq!(post_of(&result, "委员").elected, names(&["张三"]));
}

#[test]
fn one_vote_short_of_a_third_does_not_elect_in_a_residents_further_election() {
    let mut input = vote(
        Preset::Residents,
        62,
        31,
        vec![post("委员", 1, &["张三", "李四"])],
    );
    input.round = Round::Supplementary;
    add(&mut input, 10, &vote_for("委员", &["张三"]));
    add(&mut input, 21, &Ballot::blank());
    let result = run(&input);
    // ⌈31 / 3⌉ = 11.
    assert_eq!(post_of(&result, "委员").threshold, 11);
    assert!(post_of(&result, "委员").elected.is_empty());
    assert_eq!(
        post_of(&result, "委员").next_round,
        None,
        "the meeting decides"
    );
}

#[test]
fn a_party_further_election_still_needs_a_majority() {
    let mut input = one_seat(Preset::Party, 30, 10);
    input.round = Round::Supplementary;
    let result = run(&input);
    assert_eq!(post_of(&result, "主任").threshold, 16);
    assert!(post_of(&result, "主任").elected.is_empty());
}

#[test]
fn one_vote_is_enough_in_a_tie_revote_and_none_is_not() {
    let mut input = one_seat(Preset::Party, 10, 1);
    input.round = Round::TieRevote;
    let result = run(&input);
    assert_eq!(post_of(&result, "主任").threshold, 1);
    assert_eq!(post_of(&result, "主任").elected, names(&["张三"]));

    let mut nobody = one_seat(Preset::Party, 10, 0);
    nobody.round = Round::TieRevote;
    let result = run(&nobody);
    assert!(post_of(&result, "主任").elected.is_empty());
    // Another re-vote among the round's non-elected candidates.
    let next = post_of(&result, "主任").next_round.clone().unwrap();
    assert_eq!((next.round, next.seats), (Round::TieRevote, 1));
    assert_eq!(next.candidates, names(&["李四", "张三"]));
}
