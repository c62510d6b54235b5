//! Rule 6 for a seat left vacant after the count (an elected write-in not confirmed by the
//! residents' election committee): the further election's candidates.

use std::collections::HashSet;

use super::*;

fn line(name: &str, votes: u64, write_in: bool, status: Status) -> CandidateResult {
    CandidateResult {
        name: name.into(),
        votes,
        against: 0,
        abstain: 0,
        write_in,
        status,
    }
}

fn post(candidates: Vec<CandidateResult>) -> PostResult {
    PostResult {
        post: "委员".into(),
        seats: 3,
        threshold: 51,
        void_parts: 0,
        elected: vec![],
        tie: vec![],
        unfilled: 0,
        next_round: None,
        candidates,
    }
}

#[test]
fn one_vacant_seat_takes_the_two_best_not_elected_and_skips_the_unconfirmed() {
    let p = post(vec![
        line("王一", 80, false, Status::Elected),
        line("外来人", 70, true, Status::Elected),
        line("李二", 60, false, Status::Elected),
        line("张三", 40, false, Status::NotElected),
        line("赵四", 30, false, Status::NotElected),
        line("钱五", 20, false, Status::NotElected),
    ]);
    let skip: HashSet<&str> = ["王一", "外来人", "李二"].into();
    assert_eq!(
        further_candidates(Preset::Residents, &p, &skip, 1),
        vec!["张三", "赵四"],
        "1 vacant seat: 1 + 1 candidates"
    );
}

#[test]
fn a_tie_at_the_last_candidate_taken_brings_everyone_tied_and_unvoted_write_ins_are_left_out() {
    let p = post(vec![
        line("王一", 80, false, Status::Elected),
        line("外来人", 70, true, Status::Elected),
        line("张三", 40, false, Status::NotElected),
        line("赵四", 30, false, Status::NotElected),
        line("钱五", 30, false, Status::NotElected),
        line("孙六", 0, true, Status::NotElected),
    ]);
    let skip: HashSet<&str> = ["王一", "外来人"].into();
    assert_eq!(
        further_candidates(Preset::Residents, &p, &skip, 1),
        vec!["张三", "赵四", "钱五"]
    );
    assert_eq!(
        further_candidates(Preset::Residents, &p, &skip, 5),
        vec!["张三", "赵四", "钱五"],
        "a pool smaller than wanted is taken whole, without the write-in who got no vote"
    );
}
