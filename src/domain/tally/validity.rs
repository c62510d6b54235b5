//! Rule 2: the validity of one ballot, and its effective `for` names per post.
//!
//! The [`Judge`] keeps its buffers between ballots and marks names with "stamps" (the number
//! of the ballot or post part being judged) instead of clearing sets, so judging a ballot
//! allocates nothing once the buffers have grown.

use super::ballots::{Ballots, Kind, Mark};
use super::error::TallyError;
use super::plan::{NONE, Plan};
use super::settings::{Overvote, Rules, SamePersonTwoPosts};

/// Why a ballot is wholly invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cause {
    /// Rule 2a: a name both `for` and `against` in one post.
    ForAndAgainst,
    /// Rule 2c with `overvote: ballot`.
    Overvote,
    /// Rule 2d with `same_person_two_posts: invalid`.
    TwoPosts,
}

/// The verdict on one ballot not flagged invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Valid: its marks are in the judge's buffers.
    Valid,
    /// Wholly invalid, for the first cause found.
    Invalid(Cause),
}

/// Judges ballots one after the other; after a `Valid` verdict its public buffers hold the
/// ballot's effective marks.
pub(super) struct Judge<'p, 'a> {
    plan: &'p Plan<'a>,
    count_write_ins: bool,
    requires_against: bool,
    overvote_voids_post: bool,
    two_posts_invalid: bool,
    for_stamp: Vec<u64>,
    against_stamp: Vec<u64>,
    person_stamp: Vec<u64>,
    part: u64,
    ballot: u64,
    /// Per person: the earliest post in which the current ballot marks them effectively `for`.
    pub first_post: Vec<u32>,
    /// The current ballot's effective `for` names: (post, person), unique.
    pub effective: Vec<(u32, u32)>,
    /// The current ballot's `against` marks outside void parts: (post, person).
    pub against: Vec<(u32, u32)>,
    /// The posts whose part of the current ballot is void (`overvote: post`).
    pub void_posts: Vec<u32>,
    /// Write-ins of the current ballot that count for nothing.
    pub dropped: u64,
}

impl<'p, 'a> Judge<'p, 'a> {
    /// A judge for the plan's people and posts under the given rules.
    pub fn new(plan: &'p Plan<'a>, rules: &Rules) -> Judge<'p, 'a> {
        let n = plan.people();
        let s = &rules.settings;
        Judge {
            plan,
            // Follow-up rounds: only the round's candidates can receive votes.
            count_write_ins: s.write_ins && !rules.round.is_follow_up(),
            requires_against: s.write_in_requires_against,
            overvote_voids_post: s.overvote == Overvote::Post,
            two_posts_invalid: s.same_person_two_posts == SamePersonTwoPosts::Invalid,
            for_stamp: vec![0; n],
            against_stamp: vec![0; n],
            person_stamp: vec![0; n],
            part: 0,
            ballot: 0,
            first_post: vec![NONE; n],
            effective: Vec::new(),
            against: Vec::new(),
            void_posts: Vec::new(),
            dropped: 0,
        }
    }

    /// Judges ballot `index` (0-based), whose marks are `marks`. Every mark is checked even
    /// after a cause of invalidity is found, so that malformed input is always reported.
    pub fn judge(
        &mut self,
        index: usize,
        marks: &[Mark],
        ballots: &Ballots,
    ) -> Result<Verdict, TallyError> {
        self.effective.clear();
        self.against.clear();
        self.void_posts.clear();
        self.dropped = 0;
        self.ballot += 1;
        let mut cause = None;

        let mut rest = marks;
        while let Some(head) = rest.first() {
            let len = rest
                .iter()
                .position(|m| m.post != head.post)
                .unwrap_or(rest.len());
            let (part, tail) = rest.split_at(len);
            rest = tail;
            let post = self.plan.post_of[head.post as usize];
            if post == NONE {
                return Err(TallyError::UnknownPost {
                    ballot: index + 1,
                    post: ballots.posts.name(head.post).to_owned(),
                });
            }
            if let Some(c) = self.judge_part(index, post, part)? {
                cause.get_or_insert(c);
            }
        }

        // Rule 2d, and the earliest post of each person for roll-down.
        for &(post, person) in &self.effective {
            let x = person as usize;
            if self.person_stamp[x] == self.ballot {
                if self.two_posts_invalid {
                    cause.get_or_insert(Cause::TwoPosts);
                }
                self.first_post[x] = self.first_post[x].min(post);
            } else {
                self.person_stamp[x] = self.ballot;
                self.first_post[x] = post;
            }
        }
        Ok(cause.map_or(Verdict::Valid, Verdict::Invalid))
    }

    /// Rules 2a–2c for one post's part of a ballot.
    fn judge_part(
        &mut self,
        index: usize,
        post: u32,
        part: &[Mark],
    ) -> Result<Option<Cause>, TallyError> {
        self.part += 1;
        let stamp = self.part;
        let plan = self.plan;
        let row = post as usize * plan.people();
        let effective_start = self.effective.len();
        let against_start = self.against.len();
        let mut cause = None;
        let mut against_names = 0usize;

        for m in part {
            let x = m.person as usize;
            match m.kind {
                Kind::Part | Kind::WriteIn => continue,
                Kind::For | Kind::Against if !plan.listed[row + x] => {
                    return Err(TallyError::UnknownName {
                        ballot: index + 1,
                        post: plan.posts[post as usize].name.to_owned(),
                        name: plan.names[x].to_owned(),
                        list: if m.kind == Kind::For {
                            "for"
                        } else {
                            "against"
                        },
                    });
                }
                Kind::For => {
                    if self.against_stamp[x] == stamp {
                        cause = Some(Cause::ForAndAgainst);
                    }
                    if self.for_stamp[x] != stamp {
                        self.for_stamp[x] = stamp;
                        self.effective.push((post, m.person));
                    }
                }
                Kind::Against => {
                    if self.for_stamp[x] == stamp {
                        cause = Some(Cause::ForAndAgainst);
                    }
                    if self.against_stamp[x] != stamp {
                        self.against_stamp[x] = stamp;
                        self.against.push((post, m.person));
                        against_names += 1;
                    }
                }
            }
        }

        // Rule 2b, in the order written.
        let mut unlisted_taken = 0usize;
        for m in part.iter().filter(|m| m.kind == Kind::WriteIn) {
            let x = m.person as usize;
            if !self.count_write_ins
                || !plan.eligible[row + x]
                || self.against_stamp[x] == stamp
                || plan.names[x].trim().is_empty()
            {
                self.dropped += 1;
            } else if plan.listed[row + x] {
                // Counts as `for` that candidate, once.
                if self.for_stamp[x] != stamp {
                    self.for_stamp[x] = stamp;
                    self.effective.push((post, m.person));
                }
            } else if self.requires_against && unlisted_taken >= against_names {
                self.dropped += 1;
            } else if self.for_stamp[x] != stamp {
                self.for_stamp[x] = stamp;
                self.effective.push((post, m.person));
                unlisted_taken += 1;
            }
        }

        // Rule 2c.
        let seats = plan.posts[post as usize].seats;
        if (self.effective.len() - effective_start) as u64 > seats {
            if self.overvote_voids_post {
                self.effective.truncate(effective_start);
                self.against.truncate(against_start);
                self.void_posts.push(post);
            } else {
                cause.get_or_insert(Cause::Overvote);
            }
        }
        Ok(cause)
    }
}
