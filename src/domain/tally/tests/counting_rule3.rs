//! Rule 3: counting in post order, abstentions, people decided in earlier posts, roll-down.

use super::*;

/// Residents: 主任 (1 seat: 张三, 李四), 副主任 (1 seat: 王五, 赵六), 委员 (2 seats: 孙七, 周八, 吴九).
fn three_posts() -> TallyInput {
    vote(
        Preset::Residents,
        19,
        10,
        vec![
            post("主任", 1, &["张三", "李四"]),
            post("副主任", 1, &["王五", "赵六"]),
            post("委员", 2, &["孙七", "周八", "吴九"]),
        ],
    )
}

#[test]
fn abstain_counts_valid_ballots_that_mark_a_candidate_neither_for_nor_against() {
    let mut input = three_posts();
    add(&mut input, 3, &vote_for("主任", &["张三"]));
    add(
        &mut input,
        2,
        &Ballot::blank().with_against("主任", &["张三"]),
    );
    add(&mut input, 1, &Ballot::invalid());
    add(&mut input, 4, &Ballot::blank());
    let result = run(&input);
    let zhang = line(&result, "主任", "张三").unwrap();
    assert_eq!((zhang.votes, zhang.against, zhang.abstain), (3, 2, 4));
    let li = line(&result, "主任", "李四").unwrap();
    assert_eq!((li.votes, li.against, li.abstain), (0, 0, 9));
}

#[test]
fn a_person_elected_in_an_earlier_post_is_not_counted_or_listed_later() {
    let mut input = three_posts();
    add(&mut input, 6, &vote_for("主任", &["张三"]));
    add(
        &mut input,
        4,
        &Ballot::blank().with_write_in("副主任", &["张三"]),
    );
    let result = run(&input);
    assert_eq!(post_of(&result, "主任").elected, names(&["张三"]));
    assert!(line(&result, "副主任", "张三").is_none());
    assert!(post_of(&result, "副主任").elected.is_empty());
    assert!(
        result
            .explanation
            .iter()
            .any(|s| s.contains("不再计入「副主任」"))
    );
}

#[test]
fn a_person_tied_in_an_earlier_post_is_not_counted_later() {
    let mut input = three_posts();
    add(
        &mut input,
        6,
        &vote_for("主任", &["张三"]).with_write_in("副主任", &["李四"]),
    );
    add(&mut input, 6, &vote_for("主任", &["李四"]));
    input.present = 12;
    input.settings.majority = Some(Comparison::Ge);
    let result = run(&input);
    // Same votes: surname-stroke order, 李 (7 strokes, 横 first) before 张 (7, 折 first).
    assert_eq!(post_of(&result, "主任").tie, names(&["李四", "张三"]));
    assert!(line(&result, "副主任", "李四").is_none());
}

#[test]
fn people_who_are_not_listed_have_no_against_and_no_abstain() {
    let mut input = three_posts();
    add(
        &mut input,
        2,
        &Ballot::blank().with_write_in("委员", &["郑十"]),
    );
    add(&mut input, 3, &Ballot::blank());
    let zheng = line(&run(&input), "委员", "郑十").cloned().unwrap();
    assert_eq!(
        (zheng.votes, zheng.against, zheng.abstain, zheng.write_in),
        (2, 0, 0, true)
    );
}

#[test]
fn with_roll_down_a_losing_director_candidates_votes_count_toward_later_posts() {
    let mut input = three_posts();
    input.settings.same_person_two_posts = Some(SamePersonTwoPosts::RollDown);
    add(&mut input, 6, &vote_for("主任", &["张三"]));
    add(
        &mut input,
        4,
        &vote_for("主任", &["李四"]).with_for("副主任", &["王五"]),
    );
    let result = run(&input);
    assert_eq!(post_of(&result, "主任").elected, names(&["张三"]));
    // 李四's four 主任 votes roll down to 副主任 (and on to 委员); 张三 is elected, so not listed.
    assert_eq!(votes(&result, "副主任", "李四"), 4);
    assert!(line(&result, "副主任", "李四").unwrap().write_in);
    assert!(line(&result, "副主任", "张三").is_none());
    // Both roll on to 委员, where neither is listed.
    assert_eq!(votes(&result, "委员", "王五"), 4);
    assert_eq!(votes(&result, "委员", "李四"), 4);
}

#[test]
fn with_roll_down_one_ballot_counts_once_for_a_person_marked_in_two_posts() {
    let mut input = three_posts();
    input.settings.same_person_two_posts = Some(SamePersonTwoPosts::RollDown);
    add(
        &mut input,
        3,
        &vote_for("主任", &["李四"]).with_write_in("副主任", &["李四"]),
    );
    add(&mut input, 7, &vote_for("主任", &["张三"]));
    let result = run(&input);
    assert_eq!(result.ballots.invalid, 0, "roll_down makes two posts legal");
    assert_eq!(votes(&result, "副主任", "李四"), 3);
    assert_eq!(votes(&result, "委员", "李四"), 3);
    assert!(
        result
            .explanation
            .iter()
            .any(|s| s.contains("本次规定采用顺延计票"))
    );
}

#[test]
fn with_roll_down_a_void_part_rolls_nothing_down() {
    let mut input = three_posts();
    input.settings.same_person_two_posts = Some(SamePersonTwoPosts::RollDown);
    input.settings.overvote = Some(Overvote::Post);
    add(&mut input, 1, &vote_for("主任", &["张三", "李四"]));
    let result = run(&input);
    assert_eq!(post_of(&result, "主任").void_parts, 1);
    assert_eq!(votes(&result, "副主任", "张三"), 0);
    assert_eq!(votes(&result, "副主任", "李四"), 0);
}

#[test]
fn in_a_follow_up_round_only_listed_candidates_receive_rolled_down_votes() {
    let mut input = three_posts();
    input.round = Round::Supplementary;
    input.settings.same_person_two_posts = Some(SamePersonTwoPosts::RollDown);
    add(&mut input, 10, &vote_for("主任", &["李四"]));
    let result = run(&input);
    assert!(line(&result, "副主任", "李四").is_none());
}
