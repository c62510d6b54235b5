//! Counting-day rules that are not the tally itself: the states of a vote, what a keyed ballot
//! entry means (normalised so that two counters' entries of one paper ballot compare), how the
//! entries of one ballot are reconciled (双人录入), and who may not serve as staff.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::tally::{Ballot, PostMarks};

/// The states of a vote (一次投票).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VoteState {
    /// 准备: being defined; ballots printed.
    Draft,
    /// 投票中: voters present and ballots issued are recorded.
    Voting,
    /// 计票中: the box check is recorded; ballots are entered.
    Counting,
    /// 待确认: nothing pending; awaiting the two signatures.
    Review,
    /// 已确认: signed and locked.
    Certified,
}

impl VoteState {
    /// Parses the API form.
    pub fn parse(s: &str) -> Option<VoteState> {
        match s {
            "draft" => Some(VoteState::Draft),
            "voting" => Some(VoteState::Voting),
            "counting" => Some(VoteState::Counting),
            "review" => Some(VoteState::Review),
            "certified" => Some(VoteState::Certified),
            _ => None,
        }
    }
    /// The API form.
    pub fn as_str(self) -> &'static str {
        match self {
            VoteState::Draft => "draft",
            VoteState::Voting => "voting",
            VoteState::Counting => "counting",
            VoteState::Review => "review",
            VoteState::Certified => "certified",
        }
    }
    /// The UI label.
    pub fn label(self) -> &'static str {
        match self {
            VoteState::Draft => "准备",
            VoteState::Voting => "投票中",
            VoteState::Counting => "计票中",
            VoteState::Review => "待确认",
            VoteState::Certified => "已确认",
        }
    }
    /// Whether `self → to` is a step of the state machine (reopening a certified vote, back to
    /// counting, is a separate, street-only action; review may return to counting).
    pub fn can_go(self, to: VoteState) -> bool {
        use VoteState::*;
        matches!(
            (self, to),
            (Draft, Voting)
                | (Voting, Counting)
                | (Counting, Review)
                | (Review, Counting)
                | (Review, Certified)
        )
    }
}

/// A ballot as a counter keys it: marks, or invalid with a reason, or undecided (待定).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryBallot {
    /// The marks per post.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub marks: BTreeMap<String, PostMarks>,
    /// Invalid (无效票).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invalid: bool,
    /// Why invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Undecided (待定): its validity is for the committee to decide.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undecided: bool,
}

/// Normalises a written name: NFKC, surrounding and inner white space removed.
pub fn normalize_name(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn clean(names: &[String]) -> Vec<String> {
    let mut v: Vec<String> = names
        .iter()
        .map(|n| normalize_name(n))
        .filter(|n| !n.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

impl EntryBallot {
    /// How a scrutineer reads this entry, in Chinese: per post the names marked 赞成, 不赞成
    /// and written in; or 无效票 with its reason, or 待定.
    pub fn describe(&self) -> String {
        if self.undecided {
            return "待定".into();
        }
        if self.invalid {
            return match self.reason.as_deref().map(str::trim) {
                Some(r) if !r.is_empty() => format!("无效票（{r}）"),
                _ => "无效票".into(),
            };
        }
        let parts: Vec<String> = self
            .marks
            .iter()
            .map(|(post, m)| {
                let mut bits = Vec::new();
                if !m.for_names.is_empty() {
                    bits.push(format!("赞成 {}", m.for_names.join("、")));
                }
                if !m.against.is_empty() {
                    bits.push(format!("不赞成 {}", m.against.join("、")));
                }
                if !m.write_in.is_empty() {
                    bits.push(format!("另选 {}", m.write_in.join("、")));
                }
                if bits.is_empty() {
                    bits.push("未画记号".into());
                }
                format!("{post}：{}", bits.join("；"))
            })
            .collect();
        if parts.is_empty() {
            "未画任何记号".into()
        } else {
            parts.join("　")
        }
    }

    /// The canonical form: names normalised, lists sorted and deduplicated, empty posts
    /// dropped; an invalid or undecided ballot carries no marks. Two entries of one paper
    /// ballot agree exactly when their canonical forms are equal (an invalid ballot's reason
    /// is kept but not compared).
    pub fn canonical(&self) -> EntryBallot {
        if self.undecided {
            return EntryBallot {
                undecided: true,
                ..Default::default()
            };
        }
        if self.invalid {
            let reason = self
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string);
            return EntryBallot {
                invalid: true,
                reason,
                ..Default::default()
            };
        }
        let marks = self
            .marks
            .iter()
            .map(|(post, m)| {
                (
                    post.clone(),
                    PostMarks {
                        for_names: clean(&m.for_names),
                        against: clean(&m.against),
                        write_in: clean(&m.write_in),
                    },
                )
            })
            .filter(|(_, m)| {
                !(m.for_names.is_empty() && m.against.is_empty() && m.write_in.is_empty())
            })
            .collect();
        EntryBallot {
            marks,
            ..Default::default()
        }
    }

    /// Whether two entries say the same of the paper ballot.
    pub fn agrees_with(&self, other: &EntryBallot) -> bool {
        let (a, b) = (self.canonical(), other.canonical());
        a.marks == b.marks && a.invalid == b.invalid && a.undecided == b.undecided
    }

    /// The tally engine's form (only for a ballot that is not undecided).
    pub fn to_tally(&self) -> Ballot {
        let c = self.canonical();
        Ballot {
            invalid: c.invalid,
            marks: c.marks,
        }
    }
}

/// Where ballot *k* of a table stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BallotStatus {
    /// Double entry: one of the two entries is in.
    Pending,
    /// Double entry: both entries agree; it counts.
    Agreed,
    /// Double entry: the entries differ; a scrutineer reads the paper ballot.
    Disputed,
    /// Keyed as 待定: the committee decides.
    Undecided,
    /// Counts (single entry, or resolved, or decided).
    Counted,
}

impl BallotStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            BallotStatus::Pending => "pending",
            BallotStatus::Agreed => "agreed",
            BallotStatus::Disputed => "disputed",
            BallotStatus::Undecided => "undecided",
            BallotStatus::Counted => "counted",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<BallotStatus> {
        [
            BallotStatus::Pending,
            BallotStatus::Agreed,
            BallotStatus::Disputed,
            BallotStatus::Undecided,
            BallotStatus::Counted,
        ]
        .into_iter()
        .find(|b| b.as_str() == s)
    }
    /// Whether the ballot counts in the tally.
    pub fn counts(self) -> bool {
        matches!(self, BallotStatus::Agreed | BallotStatus::Counted)
    }
    /// UI label.
    pub fn label(self) -> &'static str {
        match self {
            BallotStatus::Pending => "待另一人录入",
            BallotStatus::Agreed => "两人一致",
            BallotStatus::Disputed => "两人不一致",
            BallotStatus::Undecided => "待定",
            BallotStatus::Counted => "已计入",
        }
    }
}

/// Reconciles the live entries of ballot *k* of a table: the status and, when it counts or
/// awaits a decision, the ballot.
pub fn reconcile(
    double_entry: bool,
    entries: &[EntryBallot],
) -> Option<(BallotStatus, Option<EntryBallot>)> {
    let first = entries.first()?;
    let agreed = |b: &EntryBallot| {
        let c = b.canonical();
        if c.undecided {
            (BallotStatus::Undecided, Some(c))
        } else {
            (
                if double_entry {
                    BallotStatus::Agreed
                } else {
                    BallotStatus::Counted
                },
                Some(c),
            )
        }
    };
    if !double_entry {
        return Some(agreed(first));
    }
    Some(match entries {
        [_] => (BallotStatus::Pending, None),
        [a, b] if a.agrees_with(b) => agreed(a),
        _ => (BallotStatus::Disputed, None),
    })
}

/// A person as the staffing rule sees them: a name, and the person record where known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Someone {
    /// The name as given.
    pub name: String,
    /// The person, if given as a person of the community.
    pub person_id: Option<i64>,
}

/// R-7 / P-6: who may not be scrutineer, counter or 唱票人. A candidate of one of the meeting's
/// votes may not; in residents' meetings neither may a candidate's spouse, parent, child or
/// sibling (`relations`: pairs of person ids that are so related). Returns the reason.
pub fn staff_conflict(
    residents: bool,
    staff: &Someone,
    candidates: &[Someone],
    relations: &[(i64, i64)],
) -> Option<String> {
    for c in candidates {
        let same = match (staff.person_id, c.person_id) {
            (Some(a), Some(b)) => a == b,
            _ => normalize_name(&staff.name) == normalize_name(&c.name),
        };
        if same {
            return Some(format!(
                "{}是本次会议的候选人，不能担任监票、计票或唱票工作",
                staff.name
            ));
        }
        if residents
            && let (Some(a), Some(b)) = (staff.person_id, c.person_id)
            && relations
                .iter()
                .any(|&(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
        {
            return Some(format!(
                "{}是候选人{}的近亲属（配偶、父母、子女或兄弟姐妹），不能担任监票、计票或唱票工作",
                staff.name, c.name
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(post: &str, f: &[&str], w: &[&str]) -> EntryBallot {
        let m = PostMarks {
            for_names: f.iter().map(|s| s.to_string()).collect(),
            against: vec![],
            write_in: w.iter().map(|s| s.to_string()).collect(),
        };
        EntryBallot {
            marks: [(post.to_string(), m)].into_iter().collect(),
            ..Default::default()
        }
    }

    #[test]
    fn entries_in_another_order_and_width_agree() {
        let a = marks("委员", &["张三", "李四"], &["王五"]);
        let b = marks("委员", &["李四", "张三", "张三"], &[" 王\u{3000}五 "]);
        assert!(a.agrees_with(&b));
        assert!(!a.agrees_with(&marks("委员", &["张三"], &["王五"])));
    }

    #[test]
    fn fullwidth_letters_are_folded_by_nfkc() {
        assert_eq!(normalize_name("ＡＢ 张"), "AB张");
    }

    #[test]
    fn double_entry_counts_a_ballot_only_when_both_agree() {
        let a = marks("委员", &["张三"], &[]);
        assert_eq!(
            reconcile(true, std::slice::from_ref(&a)).unwrap().0,
            BallotStatus::Pending
        );
        assert_eq!(
            reconcile(true, &[a.clone(), a.clone()]).unwrap().0,
            BallotStatus::Agreed
        );
        assert_eq!(
            reconcile(true, &[a.clone(), marks("委员", &["李四"], &[])])
                .unwrap()
                .0,
            BallotStatus::Disputed
        );
        assert_eq!(reconcile(false, &[a]).unwrap().0, BallotStatus::Counted);
        assert_eq!(reconcile(true, &[]), None);
    }

    #[test]
    fn two_undecided_entries_await_the_committee() {
        let u = EntryBallot {
            undecided: true,
            ..Default::default()
        };
        assert_eq!(
            reconcile(true, &[u.clone(), u]).unwrap().0,
            BallotStatus::Undecided
        );
    }

    #[test]
    fn invalid_entries_agree_whatever_their_reasons() {
        let a = EntryBallot {
            invalid: true,
            reason: Some("字迹无法辨认".into()),
            ..Default::default()
        };
        let b = EntryBallot {
            invalid: true,
            reason: Some("多画".into()),
            ..Default::default()
        };
        assert!(a.agrees_with(&b));
    }

    #[test]
    fn the_state_machine_moves_forward_only_by_its_steps() {
        use VoteState::*;
        assert!(
            Draft.can_go(Voting)
                && Voting.can_go(Counting)
                && Counting.can_go(Review)
                && Review.can_go(Certified)
        );
        assert!(
            !Draft.can_go(Counting) && !Certified.can_go(Counting) && !Counting.can_go(Certified)
        );
    }

    #[test]
    fn a_candidate_cannot_serve_and_in_residents_votes_neither_can_a_relative() {
        let cand = [Someone {
            name: "张三".into(),
            person_id: Some(1),
        }];
        let spouse = Someone {
            name: "李梅".into(),
            person_id: Some(2),
        };
        let rel = [(2, 1)];
        assert!(
            staff_conflict(
                false,
                &Someone {
                    name: "张三".into(),
                    person_id: None
                },
                &cand,
                &rel
            )
            .is_some()
        );
        assert!(
            staff_conflict(true, &spouse, &cand, &rel)
                .unwrap()
                .contains("近亲属")
        );
        assert!(
            staff_conflict(false, &spouse, &cand, &rel).is_none(),
            "in Party votes only candidates are excluded"
        );
        assert!(
            staff_conflict(
                true,
                &Someone {
                    name: "王五".into(),
                    person_id: Some(3)
                },
                &cand,
                &rel
            )
            .is_none()
        );
    }
}
