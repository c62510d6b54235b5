//! Benchmark of the tally engine (not a test): 1,000,000 deterministic random ballots of 9
//! candidates for 7 seats, tallied three times; prints the best rate in ballots per second.
//!
//! Run with `cargo run --release --bin tally_bench`. Only `tally()` is timed: the input is
//! built (and its names interned) beforehand, as the JSON reader would.

use std::time::{Duration, Instant};

use huanjie::domain::tally::{Ballot, Ballots, PostInput, Preset, TallyInput, tally};

const BALLOTS: usize = 1_000_000;
const SEATS: u64 = 7;
const CANDIDATES: [&str; 9] = [
    "丁一", "王二", "李三", "张四", "赵五", "孙六", "周七", "吴八", "郑九",
];
const POST: &str = "委员";
const RUNS: usize = 3;

/// A tiny xorshift64* generator: deterministic, no crate needed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One random ballot: each candidate marked for, against or nothing with their own odds, now
/// and then a write-in beside an against mark, an overvote, or a ballot declared invalid.
fn random_ballot(rng: &mut XorShift) -> Ballot {
    if rng.chance(1) {
        return Ballot::invalid();
    }
    let mut for_names = Vec::new();
    let mut against = Vec::new();
    for (i, name) in CANDIDATES.iter().enumerate() {
        let r = rng.next() % 100;
        // Candidate i is marked for with probability 90 - 7i percent.
        if r < 90 - 7 * i as u64 {
            for_names.push(*name);
        } else if r < 96 - 6 * i as u64 {
            against.push(*name);
        }
    }
    let mut ballot = Ballot::blank()
        .with_for(POST, &for_names)
        .with_against(POST, &against);
    if !against.is_empty() && rng.chance(5) {
        ballot = ballot.with_write_in(POST, &["冯十"]);
    }
    ballot
}

fn main() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let build = Instant::now();
    let mut ballots = Ballots::new();
    for _ in 0..BALLOTS {
        ballots.push(&random_ballot(&mut rng));
    }
    let input = TallyInput {
        preset: Preset::Party,
        settings: Default::default(),
        round: Default::default(),
        electorate: BALLOTS as u64 + BALLOTS as u64 / 10,
        present: BALLOTS as u64,
        ballots_issued: None,
        ballots_collected: None,
        posts: vec![PostInput {
            post: POST.to_owned(),
            seats: SEATS,
            candidates: CANDIDATES.iter().map(|c| (*c).to_owned()).collect(),
            eligible: None,
        }],
        ballots,
    };
    println!(
        "built {BALLOTS} ballots of {} candidates for {SEATS} seats in {:.2?}",
        CANDIDATES.len(),
        build.elapsed()
    );

    let mut best = Duration::MAX;
    let mut result = None;
    for run in 1..=RUNS {
        let start = Instant::now();
        let r = tally(&input).expect("the benchmark input is well-formed");
        let took = start.elapsed();
        println!(
            "run {run}: {took:.2?} ({:.0} ballots/s)",
            BALLOTS as f64 / took.as_secs_f64()
        );
        best = best.min(took);
        result = Some(r);
    }
    let result = result.expect("at least one run");
    println!(
        "valid {} / invalid {}; elected: {}",
        result.ballots.valid,
        result.ballots.invalid,
        result.posts[0].elected.join("、")
    );
    println!(
        "best of {RUNS}: {:.0} ballots/s ({:.2?} for {BALLOTS} ballots)",
        BALLOTS as f64 / best.as_secs_f64(),
        best
    );
}
