//! the residents' election committee (居民选举委员会) — 5–9 members, exactly one chair,
//! alternates (候补委员) in order; a member nominated as a candidate steps down and the next
//! alternate takes the seat.

use std::collections::{BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::{SOURCE_PLAN, verdict};
use crate::domain::rules::RuleCheck;

/// the fewest members of the election committee.
pub const COMMITTEE_MIN: usize = 5;
/// the most members of the election committee.
pub const COMMITTEE_MAX: usize = 9;
/// the committee has exactly this many chairs (主任).
pub const COMMITTEE_CHAIRS: usize = 1;

/// A member or alternate of the election committee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeMember {
    /// The person's id.
    pub person_id: i64,
    /// 姓名.
    pub name: String,
    /// Whether this member chairs the committee (never set on an alternate).
    #[serde(default)]
    pub chair: bool,
}

/// the committee's size (5–9) and its one chair.
pub fn check_committee(members: &[CommitteeMember]) -> Vec<RuleCheck> {
    let n = members.len();
    let size_ok = (COMMITTEE_MIN..=COMMITTEE_MAX).contains(&n);
    let size = RuleCheck::new(
        "R-2.size",
        size_ok,
        SOURCE_PLAN,
        format!(
            "居民选举委员会人数（R-2）：{n} 人，应为 {COMMITTEE_MIN}–{COMMITTEE_MAX} 人，{}。",
            verdict(size_ok)
        ),
        &[
            ("members", n.into()),
            ("min", COMMITTEE_MIN.into()),
            ("max", COMMITTEE_MAX.into()),
        ],
    );
    let chairs: Vec<&str> = members
        .iter()
        .filter(|m| m.chair)
        .map(|m| m.name.as_str())
        .collect();
    let chair_ok = chairs.len() == COMMITTEE_CHAIRS;
    let who = if chairs.is_empty() {
        String::new()
    } else {
        format!("（{}）", chairs.join("、"))
    };
    let chair = RuleCheck::new(
        "R-2.chair",
        chair_ok,
        SOURCE_PLAN,
        format!(
            "居民选举委员会主任（R-2）：{} 人{who}，应为 {COMMITTEE_CHAIRS} 人，{}。",
            chairs.len(),
            verdict(chair_ok)
        ),
        &[
            ("chairs", chairs.len().into()),
            ("required", COMMITTEE_CHAIRS.into()),
        ],
    );
    vec![size, chair]
}

/// One seat change of [`step_down_candidates`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Substitution {
    /// The member nominated as a candidate, who steps down.
    pub stepped_down: CommitteeMember,
    /// The alternate who takes the seat; `None` when no alternate is left.
    pub replaced_by: Option<CommitteeMember>,
    /// The record, one Chinese sentence.
    pub message: String,
}

/// The committee after the candidates stepped down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reshuffle {
    /// The new membership, each successor in the seat of the member it replaces.
    pub members: Vec<CommitteeMember>,
    /// The alternates still waiting, in order.
    pub alternates: Vec<CommitteeMember>,
    /// The changes, in the members' order.
    pub substitutions: Vec<Substitution>,
    /// Alternates passed over because they are candidates themselves.
    pub passed_over: Vec<CommitteeMember>,
}

/// every member who is among `candidates` (person ids) steps down and the next alternate
/// in order who is not a candidate takes the seat. A successor never inherits the chair: when
/// the chair steps down the committee has none until it elects one ([`check_committee`] then
/// fails). Applying it again with the same candidates changes nothing.
pub fn step_down_candidates(
    members: &[CommitteeMember],
    alternates: &[CommitteeMember],
    candidates: &BTreeSet<i64>,
) -> Reshuffle {
    let (passed_over, queue): (Vec<_>, Vec<_>) = alternates
        .iter()
        .cloned()
        .partition(|a| candidates.contains(&a.person_id));
    let mut queue: VecDeque<CommitteeMember> = queue
        .into_iter()
        .map(|a| CommitteeMember { chair: false, ..a })
        .collect();
    let mut new_members = Vec::with_capacity(members.len());
    let mut substitutions = Vec::new();
    for m in members {
        if !candidates.contains(&m.person_id) {
            new_members.push(m.clone());
            continue;
        }
        let next = queue.pop_front();
        let chair_note = if m.chair {
            "（原任选举委员会主任，主任须重新推选）"
        } else {
            ""
        };
        let message = match &next {
            Some(a) => format!(
                "居民选举委员会成员变动（R-2）：{}被提名为候选人，退出选举委员会{chair_note}，由候补委员{}依次递补。",
                m.name, a.name
            ),
            None => format!(
                "居民选举委员会成员变动（R-2）：{}被提名为候选人，退出选举委员会{chair_note}，已无候补委员可递补。",
                m.name
            ),
        };
        if let Some(a) = &next {
            new_members.push(a.clone());
        }
        substitutions.push(Substitution {
            stepped_down: m.clone(),
            replaced_by: next,
            message,
        });
    }
    Reshuffle {
        members: new_members,
        alternates: queue.into(),
        substitutions,
        passed_over,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(ids: std::ops::RangeInclusive<i64>) -> Vec<CommitteeMember> {
        ids.map(|i| CommitteeMember {
            person_id: i,
            name: format!("成员{i}"),
            chair: i == 1,
        })
        .collect()
    }

    #[test]
    fn four_members_fail_five_and_nine_pass_ten_fail() {
        assert!(!check_committee(&people(1..=4))[0].passed);
        assert!(check_committee(&people(1..=5))[0].passed);
        assert!(check_committee(&people(1..=9))[0].passed);
        let c = &check_committee(&people(1..=10))[0];
        assert!(!c.passed);
        assert_eq!(c.numbers["members"], 10);
    }

    #[test]
    fn the_committee_needs_exactly_one_chair() {
        let mut m = people(1..=5);
        assert!(check_committee(&m)[1].passed);
        m[2].chair = true;
        assert!(!check_committee(&m)[1].passed);
        m[0].chair = false;
        m[2].chair = false;
        let c = &check_committee(&m)[1];
        assert!(!c.passed && c.message.contains("0 人"));
    }

    #[test]
    fn a_member_nominated_as_candidate_is_replaced_by_the_next_alternate_in_place() {
        let members = people(1..=5);
        let r = step_down_candidates(&members, &people(11..=12), &BTreeSet::from([3]));
        let ids: Vec<_> = r.members.iter().map(|m| m.person_id).collect();
        assert_eq!(ids, [1, 2, 11, 4, 5]);
        assert_eq!(r.alternates.len(), 1);
        assert_eq!(r.substitutions.len(), 1);
        assert!(
            r.substitutions[0]
                .message
                .contains("由候补委员成员11依次递补")
        );
        let again = step_down_candidates(&r.members, &r.alternates, &BTreeSet::from([3]));
        assert_eq!(again.members, r.members);
        assert!(again.substitutions.is_empty());
    }

    #[test]
    fn an_alternate_who_is_a_candidate_is_passed_over() {
        let alternates = people(11..=12);
        let r = step_down_candidates(&people(1..=5), &alternates, &BTreeSet::from([2, 11]));
        assert_eq!(r.members[1].person_id, 12);
        assert_eq!(r.passed_over[0].person_id, 11);
        assert!(r.alternates.is_empty());
    }

    #[test]
    fn a_chair_who_steps_down_leaves_the_chair_empty_and_without_alternates_the_seat() {
        let r = step_down_candidates(&people(1..=5), &[], &BTreeSet::from([1]));
        assert_eq!(r.members.len(), 4);
        assert_eq!(r.substitutions[0].replaced_by, None);
        assert!(r.substitutions[0].message.contains("主任须重新推选"));
        let checks = check_committee(&r.members);
        assert!(!checks[0].passed && !checks[1].passed);
    }
}
