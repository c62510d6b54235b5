//! Property tests: the five properties of issue 3's acceptance.

use proptest::prelude::*;
use proptest::sample::subsequence;

use super::*;

const POOL: [&str; 8] = [
    "丁一",
    "王二",
    "李三",
    "张四",
    "赵五",
    "孙六",
    "欧阳七",
    "周八",
];
const WRITE_INS: [&str; 4] = ["吴九", "郑十", "李三", "丁一"];

fn owned(list: Vec<&str>) -> Vec<String> {
    list.into_iter().map(str::to_owned).collect()
}

fn arb_overrides() -> impl Strategy<Value = SettingsOverrides> {
    (
        proptest::option::of(prop_oneof![Just(Comparison::Gt), Just(Comparison::Ge)]),
        proptest::option::of(prop_oneof![Just(Comparison::Gt), Just(Comparison::Ge)]),
        proptest::option::of(prop_oneof![
            Just(MajorityBase::Present),
            Just(MajorityBase::Due),
            Just(MajorityBase::Cast)
        ]),
        proptest::option::of(prop_oneof![Just(Overvote::Ballot), Just(Overvote::Post)]),
        proptest::option::of(prop_oneof![
            Just(SamePersonTwoPosts::Invalid),
            Just(SamePersonTwoPosts::RollDown)
        ]),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(quorum, majority, majority_base, overvote, two, write_ins, requires)| {
                SettingsOverrides {
                    quorum,
                    majority,
                    majority_base,
                    box_check: None,
                    overvote,
                    same_person_two_posts: two,
                    write_ins,
                    write_in_requires_against: requires,
                }
            },
        )
}

fn arb_posts(max_posts: usize) -> impl Strategy<Value = Vec<PostInput>> {
    proptest::collection::vec((1u64..=3, subsequence(POOL.to_vec(), 1..=5)), 1..=max_posts)
        .prop_map(|posts| {
            posts
                .into_iter()
                .enumerate()
                .map(|(i, (seats, candidates))| PostInput {
                    post: ["主任", "副主任", "委员"][i].to_owned(),
                    seats,
                    candidates: owned(candidates),
                    eligible: None,
                })
                .collect()
        })
}

pub(super) fn arb_ballot(posts: &[PostInput]) -> impl Strategy<Value = Ballot> + use<> {
    let parts: Vec<_> = posts
        .iter()
        .map(|p| {
            let c: Vec<String> = p.candidates.clone();
            let n = c.len();
            (
                any::<bool>(),
                subsequence(c.clone(), 0..=n),
                subsequence(c, 0..=n.min(2)),
                subsequence(WRITE_INS.to_vec(), 0..=2),
                Just(p.post.clone()),
            )
        })
        .collect();
    (prop::bool::weighted(0.1), parts).prop_map(|(invalid, parts)| {
        let mut ballot = Ballot {
            invalid,
            ..Ballot::default()
        };
        for (present, for_names, against, write_in, post) in parts {
            if present {
                let marks = PostMarks {
                    for_names,
                    against,
                    write_in: owned(write_in),
                };
                ballot.marks.insert(post, marks);
            }
        }
        ballot
    })
}

/// Any well-formed input: posts, settings, round, ballots, meeting numbers.
pub(super) fn arb_input(
    preset: Option<Preset>,
    max_posts: usize,
) -> impl Strategy<Value = TallyInput> {
    let preset = match preset {
        Some(p) => Just(p).boxed(),
        None => prop_oneof![Just(Preset::Party), Just(Preset::Residents)].boxed(),
    };
    (preset, arb_overrides(), arb_posts(max_posts)).prop_flat_map(|(preset, settings, posts)| {
        let ballots = proptest::collection::vec(arb_ballot(&posts), 0..30);
        let round = prop_oneof![
            Just(Round::First),
            Just(Round::TieRevote),
            Just(Round::Supplementary)
        ];
        (
            Just(preset),
            Just(settings),
            Just(posts),
            ballots,
            round,
            0u64..4,
            0u64..10,
            0u64..2,
        )
            .prop_map(
                |(preset, settings, posts, ballots, round, slack, absent, late)| {
                    let n = ballots.len() as u64;
                    let present = n + slack;
                    TallyInput {
                        preset,
                        settings,
                        round,
                        electorate: present + absent,
                        present,
                        ballots_issued: None,
                        ballots_collected: if late > 0 { Some(n + late) } else { None },
                        posts,
                        ballots: ballots.iter().collect(),
                    }
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn shuffling_the_ballots_never_changes_the_result(
        (input, order) in arb_input(None, 3).prop_flat_map(|input| {
            let n = input.ballots.len();
            (Just(input), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        })
    ) {
        let mut shuffled = input.clone();
        let all: Vec<Ballot> = input.ballots.iter().collect();
        shuffled.ballots = order.iter().map(|&i| &all[i]).collect();
        prop_assert_eq!(run(&input), run(&shuffled));
    }

    #[test]
    fn no_post_elects_more_than_its_seats(input in arb_input(None, 3)) {
        let result = run(&input);
        for p in &result.posts {
            prop_assert!(p.elected.len() as u64 <= p.seats);
            prop_assert!(p.elected.len() as u64 + p.unfilled <= p.seats);
        }
    }

    #[test]
    fn every_vote_count_is_at_most_the_valid_ballots(input in arb_input(None, 3)) {
        let result = run(&input);
        for p in &result.posts {
            for c in &p.candidates {
                prop_assert!(c.votes <= result.ballots.valid, "{:?}", c);
                prop_assert!(c.against <= result.ballots.valid);
                prop_assert!(c.abstain <= result.ballots.valid);
            }
        }
    }

    #[test]
    fn an_added_invalid_ballot_never_elects_anyone_new_in_a_single_post_residents_round(
        input in arb_input(Some(Preset::Residents), 1)
    ) {
        let mut more = input.clone();
        more.ballots.push(&Ballot::invalid());
        if let Some(c) = more.ballots_collected.as_mut() {
            *c = (*c).max(more.ballots.len() as u64);
        }
        let before = run(&input);
        let after = run(&more);
        for name in &after.posts[0].elected {
            prop_assert!(before.posts[0].elected.contains(name), "{} newly elected", name);
        }
    }

    #[test]
    fn a_candidate_marked_for_on_every_valid_ballot_is_elected(
        (input, favourite) in (prop_oneof![Just(Preset::Party), Just(Preset::Residents)], 1u64..=3, 1usize..=4, 1usize..30)
            .prop_flat_map(|(preset, seats, others, n)| {
                let candidates: Vec<String> = owned(POOL[..=others].to_vec());
                let picks = proptest::collection::vec(
                    (subsequence(candidates[1..].to_vec(), 0..=(seats as usize - 1).min(others)),
                     subsequence(candidates[1..].to_vec(), 0..=1)),
                    n,
                );
                (Just(preset), Just(seats), Just(candidates), picks, 0u64..=(n as u64 / 5))
            })
            .prop_map(|(preset, seats, candidates, picks, absent)| {
                let favourite = candidates[0].clone();
                let mut input = vote(preset, picks.len() as u64 + absent, picks.len() as u64,
                    vec![PostInput { post: "委员".into(), seats, candidates, eligible: None }]);
                for (mut for_names, against) in picks {
                    for_names.push(favourite.clone());
                    let against = against.into_iter().filter(|a| !for_names.contains(a)).collect();
                    let mut ballot = Ballot::default();
                    ballot.marks.insert("委员".into(), PostMarks { for_names, against, write_in: vec![] });
                    input.ballots.push(&ballot);
                }
                (input, favourite)
            })
    ) {
        let result = run(&input);
        prop_assume!(result.valid);
        prop_assert_eq!(result.ballots.invalid, 0);
        prop_assert!(result.posts[0].elected.contains(&favourite), "{:?}", result.posts[0]);
    }
}
