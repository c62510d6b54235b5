//! The running tally ([`LiveTally`]) against a full recount: after any sequence of entries,
//! replacements (a dispute decided), removals (a ballot voided or disputed) and a meeting's
//! numbers changed, its result is the engine's over the ballots it holds.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::props::{arb_ballot, arb_input};
use super::*;

/// One change: the ballot now counted under a key (of eight), or none.
type Op = (u8, Option<Ballot>);

fn arb_case() -> impl Strategy<Value = (TallyInput, Vec<Op>, u64)> {
    arb_input(None, 3).prop_flat_map(|input| {
        let ops = proptest::collection::vec(
            (
                0u8..8,
                proptest::option::weighted(0.75, arb_ballot(&input.posts)),
            ),
            0..40,
        );
        (Just(input), ops, 0u64..3)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_running_tally_equals_a_full_recount_after_any_entries_voids_and_decisions(
        (input, ops, late) in arb_case()
    ) {
        let mut vote = input.clone();
        vote.ballots = Ballots::new();
        vote.ballots_collected = None;
        let mut live = LiveTally::new(vote.clone()).expect("a well-formed vote");
        let mut held: BTreeMap<u8, Ballot> = BTreeMap::new();
        for (key, ballot) in ops {
            let mut next = held.clone();
            match &ballot {
                Some(b) => next.insert(key, b.clone()),
                None => next.remove(&key),
            };
            let mut full = vote.clone();
            full.ballots = next.values().collect();
            match live.set(key, ballot.as_ref()) {
                Ok(()) => held = next,
                // A ballot the engine refuses is refused by the recount too, and changes nothing.
                Err(_) => prop_assert!(tally(&full).is_err()),
            }
        }
        // Ballots still in the box: the result is provisional on both sides.
        let mut meeting = vote.clone();
        meeting.ballots_collected = Some(held.len() as u64 + late);
        live.set_meeting(&meeting);
        let mut full = meeting;
        full.ballots = held.values().collect();
        prop_assert_eq!(live.len(), held.len());
        prop_assert_eq!(live.result().unwrap(), tally(&full).unwrap());
    }
}
