//! Rules 5 and 6: filling the seats, ties at the last seat, shortfalls and follow-up rounds.

use super::*;

/// A party vote of `present` members for `seats` seats, decided from per-candidate totals as
/// a tally sheet gives them (the tally-sheet path into rules 1 and 4–6).
fn sheet(round: Round, present: u64, seats: u64, tally: &[(&str, u64)]) -> TallyResult {
    let rules = Rules {
        preset: Preset::Party,
        settings: Settings::defaults(Preset::Party),
        round,
    };
    let meeting = Meeting {
        electorate: present,
        present,
        ballots_issued: present,
        ballots_collected: present,
    };
    let names = tally
        .iter()
        .map(|(name, votes)| NameCount {
            name: (*name).to_owned(),
            listed: true,
            votes: *votes,
            against: 0,
            abstain: present - votes,
        })
        .collect();
    let counts = Counts {
        counted: present,
        valid: present,
        posts: vec![PostCounts {
            post: "委员".into(),
            seats,
            listed: tally.len() as u64,
            void_parts: 0,
            names,
        }],
        ..Counts::default()
    };
    decide(&rules, &meeting, &counts)
}

/// A first round decided from a tally sheet.
fn party(present: u64, seats: u64, tally: &[(&str, u64)]) -> TallyResult {
    sheet(Round::First, present, seats, tally)
}

#[test]
fn more_passers_than_seats_elect_the_most_voted() {
    let result = party(40, 2, &[("张三", 30), ("李四", 25), ("王五", 21)]);
    let p = post_of(&result, "委员");
    assert_eq!(p.threshold, 21);
    assert_eq!(p.elected, names(&["张三", "李四"]));
    assert!(p.tie.is_empty());
    assert_eq!((p.unfilled, p.next_round.clone()), (0, None));
}

#[test]
fn seats_plus_one_tied_at_the_last_seat_go_to_a_tie_revote() {
    let result = party(40, 2, &[("张三", 30), ("李四", 22), ("王五", 22)]);
    let p = post_of(&result, "委员");
    assert_eq!(p.elected, names(&["张三"]));
    // Tied names in surname-stroke order: 王 (4 strokes) before 李 (7).
    assert_eq!(p.tie, names(&["王五", "李四"]));
    assert_eq!(p.unfilled, 0);
    assert_eq!(
        p.next_round,
        Some(NextRound {
            round: Round::TieRevote,
            seats: 1,
            candidates: names(&["王五", "李四"])
        })
    );
    assert_eq!(line(&result, "委员", "王五").unwrap().status, Status::Tie);
    assert!(result.explanation.iter().any(|s| s.contains("重新投票")));
}

#[test]
fn a_tie_spanning_every_seat_re_votes_for_all_of_them() {
    let result = party(40, 2, &[("张三", 21), ("李四", 21), ("王五", 21)]);
    let p = post_of(&result, "委员");
    assert!(p.elected.is_empty());
    assert_eq!(p.tie.len(), 3);
    assert_eq!(p.next_round.as_ref().map(|n| n.seats), Some(2));
}

#[test]
fn a_tie_below_the_threshold_is_a_shortfall_not_a_tie() {
    let result = party(40, 2, &[("张三", 30), ("李四", 5), ("王五", 5)]);
    let p = post_of(&result, "委员");
    assert_eq!(p.elected, names(&["张三"]));
    assert!(p.tie.is_empty());
    assert_eq!(p.unfilled, 1);
    assert_eq!(p.next_round.as_ref().unwrap().round, Round::Supplementary);
}

#[test]
fn a_tie_above_the_last_seat_elects_everyone_tied() {
    let result = party(40, 2, &[("张三", 25), ("李四", 25), ("王五", 21)]);
    assert_eq!(post_of(&result, "委员").elected.len(), 2);
    assert!(post_of(&result, "委员").tie.is_empty());
}

#[test]
fn a_party_shortfall_of_one_lists_two_candidates_for_the_further_election() {
    let result = party(
        40,
        2,
        &[("张三", 30), ("李四", 15), ("王五", 10), ("赵六", 5)],
    );
    let next = post_of(&result, "委员").next_round.clone().unwrap();
    // 1 + max(1, ⌈20% × 1⌉) = 2.
    assert_eq!(
        next,
        NextRound {
            round: Round::Supplementary,
            seats: 1,
            candidates: names(&["李四", "王五"])
        }
    );
}

#[test]
fn a_party_shortfall_of_six_lists_eight_candidates() {
    let pool = [
        ("丁一", 30),
        ("王二", 9),
        ("李三", 8),
        ("张四", 7),
        ("赵五", 6),
        ("孙六", 5),
        ("周七", 4),
        ("吴八", 3),
        ("郑九", 2),
        ("冯十", 1),
    ];
    let result = party(55, 7, &pool);
    let p = post_of(&result, "委员");
    assert_eq!((p.elected.len(), p.unfilled), (1, 6));
    // 6 + ⌈20% × 6⌉ = 8.
    assert_eq!(p.next_round.as_ref().unwrap().candidates.len(), 8);
}

#[test]
fn a_residents_shortfall_lists_one_more_candidate_than_missing_seats() {
    let mut input = vote(
        Preset::Residents,
        100,
        60,
        vec![post("委员", 3, &["张三", "李四", "王五", "赵六", "孙七"])],
    );
    add(&mut input, 31, &vote_for("委员", &["张三"]));
    add(&mut input, 15, &vote_for("委员", &["李四", "王五"]));
    add(&mut input, 14, &vote_for("委员", &["赵六"]));
    let result = run(&input);
    let next = post_of(&result, "委员").next_round.clone().unwrap();
    assert_eq!(next.seats, 2);
    // 2 + 1 = 3: 王五 15 and 李四 15 (王 has 4 strokes, 李 7), 赵六 14.
    assert_eq!(next.candidates, names(&["王五", "李四", "赵六"]));
}

#[test]
fn anyone_tied_with_the_last_one_taken_joins_the_further_election() {
    let result = party(
        40,
        2,
        &[("张三", 30), ("李四", 15), ("王五", 10), ("赵六", 10)],
    );
    assert_eq!(
        post_of(&result, "委员")
            .next_round
            .as_ref()
            .unwrap()
            .candidates
            .len(),
        3
    );
}

#[test]
fn listed_candidates_with_no_votes_can_join_the_further_election() {
    let mut input = vote(
        Preset::Residents,
        19,
        10,
        vec![post("委员", 2, &["张三", "李四", "王五"])],
    );
    add(&mut input, 6, &vote_for("委员", &["张三"]));
    add(&mut input, 4, &Ballot::blank());
    let result = run(&input);
    let next = post_of(&result, "委员").next_round.clone().unwrap();
    // Both have no vote: surname-stroke order, 王 (4 strokes) before 李 (7).
    assert_eq!(next.candidates, names(&["王五", "李四"]));
}

#[test]
fn someone_elected_in_a_later_post_is_never_a_further_election_candidate() {
    let mut input = vote(
        Preset::Residents,
        19,
        10,
        vec![
            post("副主任", 2, &["张三", "李四", "王五"]),
            post("委员", 1, &["赵六", "孙七"]),
        ],
    );
    add(
        &mut input,
        6,
        &vote_for("副主任", &["张三"]).with_write_in("委员", &["王五"]),
    );
    add(&mut input, 4, &vote_for("副主任", &["李四"]));
    let result = run(&input);
    assert_eq!(post_of(&result, "委员").elected, names(&["王五"]));
    let next = post_of(&result, "副主任").next_round.clone().unwrap();
    // 王五 (0 votes here) would be taken, but is elected as 委员.
    assert_eq!(
        next,
        NextRound {
            round: Round::Supplementary,
            seats: 1,
            candidates: names(&["李四"])
        }
    );
}

#[test]
fn an_uncontested_post_that_falls_short_derives_no_follow_up() {
    let mut input = vote(Preset::Party, 10, 10, vec![post("书记", 1, &["张三"])]);
    add(&mut input, 5, &vote_for("书记", &["张三"]));
    add(
        &mut input,
        5,
        &Ballot::blank().with_against("书记", &["张三"]),
    );
    let result = run(&input);
    let p = post_of(&result, "书记");
    assert_eq!((p.unfilled, p.next_round.clone()), (1, None));
    assert!(result.explanation.iter().any(
        |s| s.contains("等额") && s.contains("先差额选举产生委员，再等额选举产生书记、副书记")
    ));
}

#[test]
fn an_uncontested_residents_post_that_falls_short_cites_the_residents_rules_not_the_party_plan() {
    let mut input = vote(Preset::Residents, 10, 10, vec![post("主任", 1, &["张三"])]);
    add(&mut input, 5, &vote_for("主任", &["张三"]));
    add(&mut input, 5, &Ballot::blank());
    let result = run(&input);
    let p = post_of(&result, "主任");
    assert_eq!((p.unfilled, p.next_round.clone()), (1, None));
    let line = result
        .explanation
        .iter()
        .find(|s| s.contains("等额选举"))
        .expect("the shortfall of an uncontested post is explained");
    assert!(
        line.contains("本次选举办法") && line.contains("居民选举委员会"),
        "{line}"
    );
    assert!(
        !line.contains("书记"),
        "no Party rule for a residents' post: {line}"
    );
}

#[test]
fn a_further_election_that_falls_short_derives_no_follow_up() {
    let p = sheet(Round::Supplementary, 40, 1, &[("张三", 10), ("李四", 9)])
        .posts
        .remove(0);
    assert_eq!((p.unfilled, p.next_round), (1, None));
}

#[test]
fn a_tie_revote_that_ties_again_goes_to_another_tie_revote() {
    let p = sheet(Round::TieRevote, 40, 1, &[("张三", 10), ("李四", 10)])
        .posts
        .remove(0);
    assert_eq!(p.next_round.unwrap().round, Round::TieRevote);
}

#[test]
fn output_lists_candidates_by_votes_then_surname_strokes() {
    let result = party(
        40,
        2,
        &[("张三", 5), ("王五", 30), ("李四", 5), ("丁一", 5)],
    );
    let order: Vec<&str> = post_of(&result, "委员")
        .candidates
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(order, ["王五", "丁一", "李四", "张三"]);
}
