//! The ballots of one count in a compact, interned form.
//!
//! Every post name and person name is interned once, when the ballot is added (while the JSON
//! is read, or through [`Ballots::push`]); a ballot is then a run of small fixed-size marks in
//! one flat vector. Counting works on indices only and allocates nothing per ballot. Names
//! repeated inside one `for`, `against` or `write_in` list are kept once, as the rules say.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::input::{Ballot, ObjectOnly, PostMarks};

/// What a mark says about a name in a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// The start of a post's part, so that an empty part still names its post.
    Part,
    /// 赞成.
    For,
    /// 不赞成.
    Against,
    /// 另选他人.
    WriteIn,
}

/// The `person` of a [`Kind::Part`] mark.
pub(super) const NO_PERSON: u32 = u32::MAX;

/// One mark: a kind, an interned post and an interned person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Mark {
    pub post: u32,
    pub person: u32,
    pub kind: Kind,
}

/// A table of distinct strings, each with a stable index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Interner {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl Interner {
    /// The index of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = u32::try_from(self.names.len()).expect("fewer than 2^32 distinct names");
        self.names.push(name.into());
        self.index.insert(name.into(), i);
        i
    }

    /// The index of `name`, if present.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// The name at index `i`.
    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// How many distinct names.
    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// The ballots of a count, in entry order. Build with [`Ballots::push`] or from JSON (an array
/// of ballot objects); read back with [`Ballots::get`] or [`Ballots::iter`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Ballots {
    pub(super) posts: Interner,
    pub(super) people: Interner,
    /// Per ballot: declared invalid by the election committee.
    pub(super) invalid: Vec<bool>,
    /// Per ballot: the end of its marks in `marks` (its start is the previous ballot's end).
    ends: Vec<usize>,
    pub(super) marks: Vec<Mark>,
}

impl fmt::Debug for Ballots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Ballots {
    /// No ballots.
    pub fn new() -> Ballots {
        Ballots::default()
    }

    /// How many ballots.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no ballots.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Adds a ballot at the end.
    pub fn push(&mut self, ballot: &Ballot) {
        for (post, marks) in &ballot.marks {
            let post = self.posts.intern(post);
            self.marks.push(Mark {
                post,
                person: NO_PERSON,
                kind: Kind::Part,
            });
            self.push_list(post, Kind::For, &marks.for_names);
            self.push_list(post, Kind::Against, &marks.against);
            self.push_list(post, Kind::WriteIn, &marks.write_in);
        }
        self.invalid.push(ballot.invalid);
        self.ends.push(self.marks.len());
    }

    fn push_list(&mut self, post: u32, kind: Kind, names: &[String]) {
        let start = self.marks.len();
        for name in names {
            let person = self.people.intern(name);
            // A name repeated inside one list counts once.
            if !self.marks[start..].iter().any(|m| m.person == person) {
                self.marks.push(Mark { post, person, kind });
            }
        }
    }

    /// The marks of ballot `i`, grouped by post, each group a [`Kind::Part`] mark followed by
    /// the `for`, `against` and `write_in` marks in that order.
    pub(super) fn marks_of(&self, i: usize) -> &[Mark] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.marks[start..self.ends[i]]
    }

    /// Ballot `i` rebuilt in its input shape (repeated names already removed).
    pub fn get(&self, i: usize) -> Ballot {
        let mut ballot = Ballot {
            invalid: self.invalid[i],
            ..Ballot::default()
        };
        for m in self.marks_of(i) {
            let entry: &mut PostMarks = ballot
                .marks
                .entry(self.posts.name(m.post).to_owned())
                .or_default();
            if m.kind == Kind::Part {
                continue;
            }
            let name = self.people.name(m.person).to_owned();
            match m.kind {
                Kind::Part => {}
                Kind::For => entry.for_names.push(name),
                Kind::Against => entry.against.push(name),
                Kind::WriteIn => entry.write_in.push(name),
            }
        }
        ballot
    }

    /// Every ballot, rebuilt in its input shape.
    pub fn iter(&self) -> impl Iterator<Item = Ballot> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl<'a> FromIterator<&'a Ballot> for Ballots {
    fn from_iter<I: IntoIterator<Item = &'a Ballot>>(iter: I) -> Ballots {
        let mut ballots = Ballots::new();
        iter.into_iter().for_each(|b| ballots.push(b));
        ballots
    }
}

impl FromIterator<Ballot> for Ballots {
    fn from_iter<I: IntoIterator<Item = Ballot>>(iter: I) -> Ballots {
        let mut ballots = Ballots::new();
        iter.into_iter().for_each(|b| ballots.push(&b));
        ballots
    }
}

impl Serialize for Ballots {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Ballots {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Ballots, D::Error> {
        struct BallotsVisitor;

        impl<'de> Visitor<'de> for BallotsVisitor {
            type Value = Ballots;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of ballots")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ballots, A::Error> {
                let mut ballots = Ballots::new();
                // Each ballot is read, interned and dropped: memory stays compact.
                while let Some(ObjectOnly(ballot)) = seq.next_element::<ObjectOnly<Ballot>>()? {
                    ballots.push(&ballot);
                }
                Ok(ballots)
            }
        }

        deserializer.deserialize_seq(BallotsVisitor)
    }
}
