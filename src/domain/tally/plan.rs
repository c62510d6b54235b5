//! Input validation, and the interned tables the count runs on.
//!
//! Every person gets one index (the ballots' interned people first, then candidates and
//! eligible names no ballot mentions); per post, flat `posts × people` tables answer "listed
//! here?" and "may be written in here?" with one array read.

use std::collections::{HashMap, HashSet};

use super::counts::Meeting;
use super::error::TallyError;
use super::input::TallyInput;

/// "No such index" in the flat tables.
pub(super) const NONE: u32 = u32::MAX;

/// One post, with its candidates as person indices.
pub(super) struct PostPlan<'a> {
    pub name: &'a str,
    pub seats: u64,
    pub candidates: Vec<u32>,
}

/// The validated input, interned.
pub(super) struct Plan<'a> {
    /// Person index → name.
    pub names: Vec<&'a str>,
    /// The posts in the vote's order.
    pub posts: Vec<PostPlan<'a>>,
    /// The ballots' post index → the vote's post index, or [`NONE`].
    pub post_of: Vec<u32>,
    /// `posts × people`: listed candidate of the post.
    pub listed: Vec<bool>,
    /// `posts × people`: may receive write-ins in the post.
    pub eligible: Vec<bool>,
    /// The meeting's numbers with their defaults filled in.
    pub meeting: Meeting,
}

impl Plan<'_> {
    /// Number of people.
    pub fn people(&self) -> usize {
        self.names.len()
    }
}

/// Checks everything about the input except the ballots' marks (checked while counting) and
/// builds the plan.
pub(super) fn plan(input: &TallyInput) -> Result<Plan<'_>, TallyError> {
    check_posts(input)?;
    let meeting = check_numbers(input)?;

    let ballots = &input.ballots;
    let mut people = People {
        names: (0..ballots.people.len())
            .map(|i| ballots.people.name(i as u32))
            .collect(),
        extra: HashMap::new(),
        input,
    };
    let posts: Vec<PostPlan<'_>> = input
        .posts
        .iter()
        .map(|p| PostPlan {
            name: &p.post,
            seats: p.seats,
            candidates: p.candidates.iter().map(|c| people.id(c)).collect(),
        })
        .collect();
    let eligible_ids: Vec<Option<Vec<u32>>> = input
        .posts
        .iter()
        .map(|p| {
            p.eligible
                .as_ref()
                .map(|e| e.iter().map(|n| people.id(n)).collect())
        })
        .collect();

    let n = people.names.len();
    let mut listed = vec![false; posts.len() * n];
    let mut eligible = vec![false; posts.len() * n];
    for (p, post) in posts.iter().enumerate() {
        for &c in &post.candidates {
            listed[p * n + c as usize] = true;
        }
        match &eligible_ids[p] {
            None => eligible[p * n..(p + 1) * n].fill(true),
            Some(ids) => ids
                .iter()
                .for_each(|&x| eligible[p * n + x as usize] = true),
        }
    }
    let by_name: HashMap<&str, u32> = posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name, i as u32))
        .collect();
    let post_of = (0..ballots.posts.len())
        .map(|i| {
            by_name
                .get(ballots.posts.name(i as u32))
                .copied()
                .unwrap_or(NONE)
        })
        .collect();

    Ok(Plan {
        names: people.names,
        posts,
        post_of,
        listed,
        eligible,
        meeting,
    })
}

/// Gives every name one person index.
struct People<'a> {
    names: Vec<&'a str>,
    extra: HashMap<&'a str, u32>,
    input: &'a TallyInput,
}

impl<'a> People<'a> {
    fn id(&mut self, name: &'a str) -> u32 {
        if let Some(i) = self.input.ballots.people.get(name) {
            return i;
        }
        let next = self.names.len() as u32;
        let names = &mut self.names;
        *self.extra.entry(name).or_insert_with(|| {
            names.push(name);
            next
        })
    }
}

/// Post names unique, seats at least 1, candidates unique within a post.
fn check_posts(input: &TallyInput) -> Result<(), TallyError> {
    let mut seen = HashSet::new();
    for post in &input.posts {
        if !seen.insert(post.post.as_str()) {
            return Err(TallyError::DuplicatePost {
                post: post.post.clone(),
            });
        }
        if post.seats < 1 {
            return Err(TallyError::SeatsBelowOne {
                post: post.post.clone(),
            });
        }
        let mut names = HashSet::new();
        for name in &post.candidates {
            if !names.insert(name.as_str()) {
                return Err(TallyError::DuplicateCandidate {
                    post: post.post.clone(),
                    name: name.clone(),
                });
            }
        }
    }
    Ok(())
}

/// `present ≤ electorate`, `issued ≤ present`, ballots in the input `≤ collected`.
fn check_numbers(input: &TallyInput) -> Result<Meeting, TallyError> {
    check_numbers_counted(input, input.ballots.len() as u64)
}

/// The meeting's numbers of `input` checked, with `counted` ballots entered (a running tally
/// knows how many it holds without holding them).
pub(super) fn check_numbers_counted(
    input: &TallyInput,
    counted: u64,
) -> Result<Meeting, TallyError> {
    let (electorate, present) = (input.electorate, input.present);
    if present > electorate {
        return Err(TallyError::PresentExceedsElectorate {
            present,
            electorate,
        });
    }
    let issued = input.ballots_issued.unwrap_or(present);
    if issued > present {
        return Err(TallyError::IssuedExceedsPresent { issued, present });
    }
    let collected = input.ballots_collected.unwrap_or(counted);
    if counted > collected {
        return Err(TallyError::BallotsExceedCollected { counted, collected });
    }
    Ok(Meeting {
        electorate,
        present,
        ballots_issued: issued,
        ballots_collected: collected,
    })
}
