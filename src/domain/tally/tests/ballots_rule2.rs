//! Rule 2: ballot validity, overvotes, write-ins, `eligible`, one person in two posts.

use super::*;

/// A party vote of 10 present for 2 seats among 张三, 李四, 王五, with the given ballots.
fn party_vote(ballots: &[Ballot]) -> TallyInput {
    let mut input = vote(
        Preset::Party,
        10,
        10,
        vec![post("委员", 2, &["张三", "李四", "王五"])],
    );
    input.ballots = ballots.iter().collect();
    input
}

/// A residents' vote of 主任 (1 seat) then 委员 (2 seats).
fn residents_vote(ballots: &[Ballot]) -> TallyInput {
    let mut input = vote(
        Preset::Residents,
        20,
        10,
        vec![
            post("主任", 1, &["张三", "李四"]),
            post("委员", 2, &["王五", "赵六", "孙七"]),
        ],
    );
    input.ballots = ballots.iter().collect();
    input
}

#[test]
fn a_name_marked_both_for_and_against_in_one_post_invalidates_the_whole_ballot() {
    let ballot = vote_for("委员", &["张三"]).with_against("委员", &["张三"]);
    let result = run(&party_vote(&[ballot, vote_for("委员", &["李四"])]));
    assert_eq!((result.ballots.valid, result.ballots.invalid), (1, 1));
    assert_eq!(votes(&result, "委员", "张三"), 0);
}

#[test]
fn for_in_one_post_and_against_the_same_name_in_another_is_valid() {
    let mut input = vote(
        Preset::Residents,
        10,
        10,
        vec![
            post("主任", 1, &["张三", "李四"]),
            post("委员", 2, &["张三", "王五", "赵六"]),
        ],
    );
    input
        .ballots
        .push(&vote_for("主任", &["张三"]).with_against("委员", &["张三"]));
    assert_eq!(run(&input).ballots.valid, 1);
}

#[test]
fn as_many_for_names_as_seats_is_valid() {
    let result = run(&party_vote(&[vote_for("委员", &["张三", "李四"])]));
    assert_eq!(result.ballots.valid, 1);
}

#[test]
fn an_overvote_by_one_invalidates_the_whole_ballot_in_ballot_mode() {
    let result = run(&residents_vote(&[vote_for(
        "委员",
        &["王五", "赵六", "孙七"],
    )
    .with_for("主任", &["张三"])]));
    assert_eq!((result.ballots.valid, result.ballots.invalid), (0, 1));
    assert_eq!(votes(&result, "主任", "张三"), 0);
    assert_eq!(post_of(&result, "委员").void_parts, 0);
}

#[test]
fn an_overvote_by_one_voids_only_that_post_in_post_mode() {
    let mut input = residents_vote(&[
        vote_for("委员", &["王五", "赵六", "孙七"]).with_for("主任", &["张三"]),
        vote_for("委员", &["王五"]).with_against("委员", &["赵六"]),
    ]);
    input.settings.overvote = Some(Overvote::Post);
    let result = run(&input);
    assert_eq!((result.ballots.valid, result.ballots.invalid), (2, 0));
    assert_eq!(votes(&result, "主任", "张三"), 1);
    let members = post_of(&result, "委员");
    assert_eq!(members.void_parts, 1);
    // The void part gives nothing: 王五 has 1 vote, and only one ballot counts for abstentions.
    let wang = line(&result, "委员", "王五").unwrap();
    assert_eq!((wang.votes, wang.against, wang.abstain), (1, 0, 0));
    let sun = line(&result, "委员", "孙七").unwrap();
    assert_eq!((sun.votes, sun.against, sun.abstain), (0, 0, 1));
    assert!(
        result
            .explanation
            .iter()
            .any(|s| s.contains("本职位部分作废"))
    );
}

#[test]
fn void_parts_are_counted_only_on_ballots_that_are_otherwise_valid() {
    let mut input = residents_vote(&[vote_for("委员", &["王五", "赵六", "孙七"])
        .with_for("主任", &["张三"])
        .with_against("主任", &["张三"])]);
    input.settings.overvote = Some(Overvote::Post);
    let result = run(&input);
    assert_eq!(result.ballots.invalid, 1);
    assert_eq!(post_of(&result, "委员").void_parts, 0);
}

#[test]
fn an_overvote_reached_through_a_write_in_counts() {
    let ballot = vote_for("主任", &["张三"]).with_write_in("主任", &["周八"]);
    let result = run(&residents_vote(&[ballot]));
    assert_eq!(result.ballots.invalid, 1);
}

#[test]
fn a_ballot_flagged_invalid_is_invalid_whatever_it_marks() {
    let mut ballot = vote_for("没有的职位", &["谁"]);
    ballot.invalid = true;
    let result = run(&party_vote(&[ballot, Ballot::invalid()]));
    assert_eq!((result.ballots.valid, result.ballots.invalid), (0, 2));
}

#[test]
fn a_ballot_with_no_marks_is_valid_and_abstains_on_everyone() {
    let result = run(&party_vote(&[Ballot::blank()]));
    assert_eq!(result.ballots.valid, 1);
    let zhang = line(&result, "委员", "张三").unwrap();
    assert_eq!((zhang.votes, zhang.against, zhang.abstain), (0, 0, 1));
}

#[test]
fn a_name_repeated_inside_one_list_counts_once() {
    let mut input = party_vote(&[]);
    input.posts[0].seats = 1;
    input
        .ballots
        .push(&vote_for("委员", &["张三", "张三"]).with_against("委员", &["李四", "李四"]));
    let result = run(&input);
    assert_eq!(result.ballots.valid, 1);
    assert_eq!(votes(&result, "委员", "张三"), 1);
    assert_eq!(line(&result, "委员", "李四").unwrap().against, 1);
}

#[test]
fn one_person_marked_for_in_two_posts_invalidates_the_ballot_by_default() {
    let mut input = vote(
        Preset::Residents,
        10,
        10,
        vec![
            post("主任", 1, &["张三", "李四"]),
            post("委员", 2, &["张三", "王五", "赵六"]),
        ],
    );
    input
        .ballots
        .push(&vote_for("主任", &["张三"]).with_for("委员", &["张三"]));
    input
        .ballots
        .push(&vote_for("主任", &["张三"]).with_write_in("委员", &["李四"]));
    let result = run(&input);
    assert_eq!(
        result.ballots.invalid, 1,
        "only the first ballot names one person twice"
    );
}

#[test]
fn party_write_ins_beyond_the_against_marks_are_dropped() {
    let ballot = vote_for("委员", &["张三"])
        .with_against("委员", &["李四"])
        .with_write_in("委员", &["周八", "吴九"]);
    let result = run(&party_vote(&[ballot]));
    assert_eq!(result.ballots.valid, 1);
    assert_eq!(votes(&result, "委员", "周八"), 1);
    assert!(line(&result, "委员", "吴九").is_none());
    assert!(line(&result, "委员", "周八").unwrap().write_in);
}

#[test]
fn a_party_write_in_without_an_against_mark_is_dropped() {
    let result = run(&party_vote(&[
        Ballot::blank().with_write_in("委员", &["周八"])
    ]));
    assert!(line(&result, "委员", "周八").is_none());
}

#[test]
fn residents_write_ins_count_without_against_marks() {
    let result = run(&residents_vote(&[
        Ballot::blank().with_write_in("委员", &["周八", "吴九"])
    ]));
    assert_eq!(votes(&result, "委员", "周八"), 1);
    assert_eq!(votes(&result, "委员", "吴九"), 1);
    let zhou = line(&result, "委员", "周八").unwrap();
    assert_eq!((zhou.against, zhou.abstain), (0, 0));
}

#[test]
fn a_write_in_of_a_name_marked_against_in_the_post_is_dropped() {
    let ballot = Ballot::blank()
        .with_against("委员", &["张三"])
        .with_write_in("委员", &["张三"]);
    let result = run(&party_vote(&[ballot]));
    assert_eq!(votes(&result, "委员", "张三"), 0);
    assert_eq!(result.ballots.valid, 1);
}

#[test]
fn a_write_in_of_a_listed_candidate_counts_for_them_without_using_an_against_mark() {
    let ballot = Ballot::blank()
        .with_against("委员", &["王五"])
        .with_write_in("委员", &["张三", "周八"]);
    let result = run(&party_vote(&[ballot]));
    assert_eq!(votes(&result, "委员", "张三"), 1);
    assert!(!line(&result, "委员", "张三").unwrap().write_in);
    assert_eq!(votes(&result, "委员", "周八"), 1);
}

#[test]
fn a_write_in_of_a_candidate_already_marked_for_counts_once() {
    let mut input = party_vote(&[]);
    input.posts[0].seats = 1;
    input
        .ballots
        .push(&vote_for("委员", &["张三"]).with_write_in("委员", &["张三"]));
    let result = run(&input);
    assert_eq!(result.ballots.valid, 1, "one effective name for one seat");
    assert_eq!(votes(&result, "委员", "张三"), 1);
}

#[test]
fn with_write_ins_off_every_write_in_is_dropped() {
    let mut input = residents_vote(&[Ballot::blank().with_write_in("委员", &["周八", "王五"])]);
    input.settings.write_ins = Some(false);
    let result = run(&input);
    assert!(line(&result, "委员", "周八").is_none());
    assert_eq!(votes(&result, "委员", "王五"), 0);
    assert!(
        result
            .explanation
            .iter()
            .any(|s| s.contains("本次选举另选他人一律不计"))
    );
}

#[test]
fn write_ins_are_dropped_in_a_tie_revote() {
    let mut input = residents_vote(&[Ballot::blank().with_write_in("委员", &["周八"])]);
    input.round = Round::TieRevote;
    let result = run(&input);
    assert!(line(&result, "委员", "周八").is_none());
}

#[test]
fn write_ins_are_dropped_in_a_supplementary_round() {
    let mut input = party_vote(&[Ballot::blank()
        .with_against("委员", &["张三"])
        .with_write_in("委员", &["周八", "李四"])]);
    input.round = Round::Supplementary;
    let result = run(&input);
    assert!(line(&result, "委员", "周八").is_none());
    assert_eq!(
        votes(&result, "委员", "李四"),
        0,
        "not even a write-in of a listed candidate"
    );
    assert!(
        result
            .explanation
            .iter()
            .any(|s| s.contains("另选他人一律不计"))
    );
}

#[test]
fn write_ins_naming_someone_outside_eligible_are_dropped() {
    let mut input = vote(Preset::Party, 10, 10, vec![post("书记", 1, &["张三"])]);
    input.posts[0].eligible = Some(names(&["张三", "李四", "王五"]));
    input.ballots.push(
        &Ballot::blank()
            .with_against("书记", &["张三"])
            .with_write_in("书记", &["李四"]),
    );
    input.ballots.push(
        &Ballot::blank()
            .with_against("书记", &["张三"])
            .with_write_in("书记", &["周八"]),
    );
    let result = run(&input);
    assert_eq!(votes(&result, "书记", "李四"), 1);
    assert!(line(&result, "书记", "周八").is_none());
}

#[test]
fn an_empty_eligible_list_drops_every_write_in() {
    let mut input = residents_vote(&[Ballot::blank().with_write_in("主任", &["张三"])]);
    input.posts[0].eligible = Some(Vec::new());
    assert_eq!(votes(&run(&input), "主任", "张三"), 0);
}

#[test]
fn a_blank_write_in_names_nobody_and_is_dropped() {
    let result = run(&residents_vote(&[
        Ballot::blank().with_write_in("委员", &["", " "])
    ]));
    assert_eq!(post_of(&result, "委员").candidates.len(), 3);
}
