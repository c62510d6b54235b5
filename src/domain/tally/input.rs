//! The input document of `huanjie tally`, exactly as the JSON contract of issue 3 describes it.
//!
//! Unknown fields are rejected everywhere: a misspelt `ballots_colected` or setting would
//! otherwise be silently ignored and change the result.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::ballots::Ballots;
use super::settings::{Preset, Round, SettingsOverrides};

/// One count: the vote's posts, the meeting's numbers and the ballots entered so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyInput {
    /// Party (党员大会) or residents (居委会直接选举).
    pub preset: Preset,
    /// Overrides of the preset's default settings.
    #[serde(default, deserialize_with = "object")]
    pub settings: SettingsOverrides,
    /// First round, tie re-vote or further election.
    #[serde(default)]
    pub round: Round,
    /// Party: 应到会有选举权人数; residents: the registered voters of the voting mode.
    pub electorate: u64,
    /// Party: 实到会有选举权人数; residents: the voters who took part.
    pub present: u64,
    /// Ballots issued; defaults to `present`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ballots_issued: Option<u64>,
    /// Ballots taken from the box; defaults to the number of ballots in the input. More than
    /// the ballots entered means counting is still going on (a provisional result).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ballots_collected: Option<u64>,
    /// The posts of the vote, decided in this order.
    #[serde(deserialize_with = "objects")]
    pub posts: Vec<PostInput>,
    /// The ballots entered so far.
    pub ballots: Ballots,
}

/// One post (职位) of the vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    /// The post's name, e.g. "委员" or "主任"; the key of the ballots' `marks`.
    pub post: String,
    /// Seats to fill, at least 1.
    pub seats: u64,
    /// The candidates printed on the ballot (the round's candidates in a follow-up round).
    pub candidates: Vec<String>,
    /// When present, only these people can receive write-ins in this post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<Vec<String>>,
}

/// One paper ballot as entered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// Declared invalid by the election committee; the marks are then ignored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invalid: bool,
    /// The marks per post name.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "object_values"
    )]
    pub marks: BTreeMap<String, PostMarks>,
}

/// The marks of one ballot in one post.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostMarks {
    /// Listed candidates marked 赞成 (○).
    #[serde(rename = "for", default, skip_serializing_if = "Vec::is_empty")]
    pub for_names: Vec<String>,
    /// Listed candidates marked 不赞成 (×).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub against: Vec<String>,
    /// Names written in (另选他人), in the order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub write_in: Vec<String>,
}

impl Ballot {
    /// A ballot declared invalid by the election committee.
    pub fn invalid() -> Ballot {
        Ballot {
            invalid: true,
            marks: BTreeMap::new(),
        }
    }

    /// A ballot with no marks (valid, abstaining on everyone).
    pub fn blank() -> Ballot {
        Ballot::default()
    }

    /// This ballot with `names` marked `for` in `post` (added to any marks already there).
    pub fn with_for(mut self, post: &str, names: &[&str]) -> Ballot {
        let m = self.marks.entry(post.to_owned()).or_default();
        m.for_names.extend(names.iter().map(|n| (*n).to_owned()));
        self
    }

    /// This ballot with `names` marked `against` in `post`.
    pub fn with_against(mut self, post: &str, names: &[&str]) -> Ballot {
        let m = self.marks.entry(post.to_owned()).or_default();
        m.against.extend(names.iter().map(|n| (*n).to_owned()));
        self
    }

    /// This ballot with `names` written in under `post`.
    pub fn with_write_in(mut self, post: &str, names: &[&str]) -> Ballot {
        let m = self.marks.entry(post.to_owned()).or_default();
        m.write_in.extend(names.iter().map(|n| (*n).to_owned()));
        self
    }
}

/// A value that must be a JSON object: serde's derived structs would also accept an array of
/// the fields in order, which the contract does not allow (e.g. "a ballot that is not an
/// object" is an input error).
pub(super) struct ObjectOnly<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let name = std::any::type_name::<T>().rsplit("::").next().unwrap_or("");
                write!(f, "a JSON object (struct {name})")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(ObjectOnly)
    }
}

fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    ObjectOnly::deserialize(d).map(|o| o.0)
}

fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    let list: Vec<ObjectOnly<T>> = Vec::deserialize(d)?;
    Ok(list.into_iter().map(|o| o.0).collect())
}

fn object_values<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<BTreeMap<String, T>, D::Error> {
    let map: BTreeMap<String, ObjectOnly<T>> = BTreeMap::deserialize(d)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.0)).collect())
}
