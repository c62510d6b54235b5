//! Rule 3's counting: every ballot judged (rule 2), its effective marks added into flat
//! `posts × people` arrays, then per-post [`Counts`].

use super::ballots::Ballots;
use super::counts::{Counts, NameCount, PostCounts};
use super::error::TallyError;
use super::plan::Plan;
use super::settings::{Rules, SamePersonTwoPosts};
use super::validity::{Cause, Judge, Verdict};

/// Judges and counts every ballot.
pub(super) fn count_ballots(
    plan: &Plan<'_>,
    rules: &Rules,
    ballots: &Ballots,
) -> Result<Counts, TallyError> {
    let n = plan.people();
    let cells = plan.posts.len() * n;
    let roll_down = rules.settings.same_person_two_posts == SamePersonTwoPosts::RollDown;

    // `here[p][x]`: ballots marking x effectively `for` in post p itself.
    let mut here = vec![0u64; cells];
    // `first[p][x]`: ballots whose earliest effective `for` of x is in post p (roll-down).
    let mut first = vec![0u64; if roll_down { cells } else { 0 }];
    let mut against = vec![0u64; cells];
    let mut void_parts = vec![0u64; plan.posts.len()];
    let mut counts = Counts {
        counted: ballots.len() as u64,
        ..Counts::default()
    };

    let mut judge = Judge::new(plan, rules);
    for i in 0..ballots.len() {
        if ballots.invalid[i] {
            counts.causes.flagged += 1;
            continue;
        }
        match judge.judge(i, ballots.marks_of(i), ballots)? {
            Verdict::Invalid(cause) => {
                let c = &mut counts.causes;
                *match cause {
                    Cause::ForAndAgainst => &mut c.for_and_against,
                    Cause::Overvote => &mut c.overvote,
                    Cause::TwoPosts => &mut c.two_posts,
                } += 1;
            }
            Verdict::Valid => {
                counts.valid += 1;
                counts.dropped_write_ins += judge.dropped;
                for &p in &judge.void_posts {
                    void_parts[p as usize] += 1;
                }
                for &(p, x) in &judge.effective {
                    let cell = p as usize * n + x as usize;
                    here[cell] += 1;
                    if roll_down && judge.first_post[x as usize] == p {
                        first[cell] += 1;
                    }
                }
                for &(p, x) in &judge.against {
                    against[p as usize * n + x as usize] += 1;
                }
            }
        }
    }
    let c = &counts.causes;
    counts.invalid = c.flagged + c.for_and_against + c.overvote + c.two_posts;

    // Per post, in order; with roll-down a person's votes are the running sum of `first`.
    let mut rolled = vec![0u64; if roll_down { n } else { 0 }];
    for (p, post) in plan.posts.iter().enumerate() {
        let row = p * n;
        if roll_down {
            rolled
                .iter_mut()
                .zip(&first[row..row + n])
                .for_each(|(r, f)| *r += f);
        }
        let votes = |x: usize| if roll_down { rolled[x] } else { here[row + x] };
        let counting = counts.valid - void_parts[p];
        let mut names: Vec<NameCount> = post
            .candidates
            .iter()
            .map(|&c| {
                let x = c as usize;
                NameCount {
                    name: plan.names[x].to_owned(),
                    listed: true,
                    votes: votes(x),
                    against: against[row + x],
                    abstain: counting - here[row + x] - against[row + x],
                }
            })
            .collect();
        // Others (write-ins, roll-down) only with a vote; in follow-up rounds only the
        // round's candidates can receive votes.
        if !rules.round.is_follow_up() {
            names.extend(
                (0..n)
                    .filter(|&x| !plan.listed[row + x] && votes(x) > 0)
                    .map(|x| NameCount {
                        name: plan.names[x].to_owned(),
                        listed: false,
                        votes: votes(x),
                        against: 0,
                        abstain: 0,
                    }),
            );
        }
        counts.posts.push(PostCounts {
            post: post.name.to_owned(),
            seats: post.seats,
            listed: post.candidates.len() as u64,
            void_parts: void_parts[p],
            names,
        });
    }
    Ok(counts)
}
