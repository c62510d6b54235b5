//! around the count: proxies (委托投票), mobile ballot boxes, one participation per
//! voter, the participation quorum, write-in winners who are not voters, and certificate
//! numbers (选民证, 当选证书). The count itself is the tally engine's; the staff conflict rule is
//! [`crate::domain::counting::staff_conflict`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::election_rules::VotingMode;
use super::{PersonRef, SOURCE_LAW, SOURCE_PLAN, SOURCE_RULES, verdict};
use crate::domain::person::RELATIONS;
use crate::domain::rules::RuleCheck;
use crate::domain::tally::{Comparison, law};

/// a mobile ballot box (流动票箱) is attended by at least this many scrutineers.
pub const MOBILE_BOX_SCRUTINEERS_MIN: u32 = 3;

/// R-7's statutory rules: a failure blocks and the street cannot override it (the vote is
/// valid only if more than half of the electorate votes).
pub const STATUTORY_RULES: &[&str] = &["R-7.quorum"];

/// True when `check` is one of the residents' statutory rules.
pub fn is_statutory(check: &RuleCheck) -> bool {
    STATUTORY_RULES.contains(&check.rule.as_str())
}

/// Whether `a` and `b` are near relatives (spouse, parent, child or sibling: the relation
/// kinds of [`RELATIONS`]) by the stored `(person, person, kind)` relations, in either direction.
pub fn is_near_relative(relations: &[(i64, i64, &str)], a: i64, b: i64) -> bool {
    relations.iter().any(|&(x, y, kind)| {
        ((x, y) == (a, b) || (x, y) == (b, a)) && RELATIONS.iter().any(|(k, _)| *k == kind)
    })
}

/// What a proxy request is checked against.
#[derive(Clone, Copy, Debug)]
pub struct ProxyBook<'a> {
    /// The registered voters (person ids).
    pub voters: &'a BTreeSet<i64>,
    /// The official candidates (person ids).
    pub candidates: &'a BTreeSet<i64>,
    /// Relations between people: `(person, person, kind)`, kinds as in [`RELATIONS`].
    pub relations: &'a [(i64, i64, &'a str)],
    /// The proxies already approved: `(principal, proxy)`.
    pub approved: &'a [(i64, i64)],
    /// The most principals per proxy (the rules' setting).
    pub limit: u32,
}

/// a written proxy is given to a near relative who is a registered voter and not a
/// candidate, holding fewer than `limit` principals already; the principal is a registered
/// voter who has no other proxy.
pub fn check_proxy(book: &ProxyBook, principal: &PersonRef, proxy: &PersonRef) -> RuleCheck {
    let (a, b) = (principal.person_id, proxy.person_id);
    let held = book.approved.iter().filter(|(_, p)| *p == b).count();
    let relative = is_near_relative(book.relations, a, b);
    let mut reasons = Vec::new();
    if a == b {
        reasons.push("委托人与受托人为同一人".to_string());
    }
    if !book.voters.contains(&a) {
        reasons.push(format!("委托人{}不是本社区登记选民", principal.name));
    }
    if book.approved.iter().any(|(p, _)| *p == a) {
        reasons.push(format!("委托人{}已委托他人", principal.name));
    }
    if !relative {
        reasons.push(format!(
            "受托人{}不是委托人的近亲属（配偶、父母、子女、兄弟姐妹）",
            proxy.name
        ));
    }
    if !book.voters.contains(&b) {
        reasons.push(format!("受托人{}不是本社区登记选民", proxy.name));
    }
    if book.candidates.contains(&b) {
        reasons.push(format!("受托人{}是候选人", proxy.name));
    }
    if held >= book.limit as usize {
        reasons.push(format!(
            "受托人{}已接受 {held} 人委托，每人接受委托不得超过 {} 人",
            proxy.name, book.limit
        ));
    }
    let ok = reasons.is_empty();
    let message = if ok {
        format!(
            "委托投票（R-7）：{}委托近亲属{}投票，受托人已接受 {held} 人委托（上限 {} 人），符合。",
            principal.name, proxy.name, book.limit
        )
    } else {
        format!(
            "委托投票（R-7）：{}委托{}投票，不符合：{}。",
            principal.name,
            proxy.name,
            reasons.join("；")
        )
    };
    RuleCheck::new(
        "R-7.proxy",
        ok,
        &format!("{SOURCE_PLAN}；{SOURCE_RULES}"),
        message,
        &[
            ("principal_id", a.into()),
            ("proxy_id", b.into()),
            ("near_relative", relative.into()),
            ("principals_held", held.into()),
            ("limit", book.limit.into()),
        ],
    )
}

/// a mobile ballot box needs the street's approval and at least 3 scrutineers.
pub fn check_mobile_box(approved: bool, scrutineers: u32) -> RuleCheck {
    let ok = approved && scrutineers >= MOBILE_BOX_SCRUTINEERS_MIN;
    let message = format!(
        "流动票箱（R-7）：{}，监票人 {scrutineers} 名，须经街道批准且监票人不少于 {MOBILE_BOX_SCRUTINEERS_MIN} 名，{}。",
        if approved {
            "已经街道批准"
        } else {
            "未经街道批准"
        },
        verdict(ok)
    );
    RuleCheck::new(
        "R-7.mobile_box",
        ok,
        SOURCE_PLAN,
        message,
        &[
            ("approved", approved.into()),
            ("scrutineers", scrutineers.into()),
            ("min", MOBILE_BOX_SCRUTINEERS_MIN.into()),
        ],
    )
}

/// How a voter took part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipationChannel {
    /// At the central polling station (中心会场), by the voter certificate.
    Station,
    /// Through an approved proxy.
    Proxy,
    /// At an approved mobile ballot box.
    MobileBox,
}

impl ParticipationChannel {
    /// The label.
    pub const fn label(self) -> &'static str {
        match self {
            ParticipationChannel::Station => "中心投票站",
            ParticipationChannel::Proxy => "委托投票",
            ParticipationChannel::MobileBox => "流动票箱",
        }
    }
}

/// One voter's participation: the voter whose vote it is (for a proxy, the principal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    /// The voter (person id).
    pub voter: i64,
    /// How.
    pub channel: ParticipationChannel,
}

/// a voter takes part once; a second participation — the same voter certificate again, or
/// by another channel — is refused.
pub fn check_participation(
    recorded: &[Participation],
    voter: &PersonRef,
    channel: ParticipationChannel,
) -> RuleCheck {
    let earlier = recorded.iter().find(|p| p.voter == voter.person_id);
    let message = match earlier {
        None => format!(
            "参加投票登记（R-7）：{}经{}参加投票，此前未参加，符合。",
            voter.name,
            channel.label()
        ),
        Some(p) => format!(
            "参加投票登记（R-7）：{}已经{}参加投票，每名选民只能投票一次，不得再经{}参加。",
            voter.name,
            p.channel.label(),
            channel.label()
        ),
    };
    RuleCheck::new(
        "R-7.once",
        earlier.is_none(),
        SOURCE_PLAN,
        message,
        &[
            ("voter_id", voter.person_id.into()),
            ("channel", channel.label().into()),
            ("earlier", earlier.map(|p| p.channel.label()).into()),
        ],
    )
}

/// the vote is valid only if more than half of the mode's electorate took part (exactly
/// half is not enough), or at least half under the `ge` setting. Uses the tally engine's
/// fraction, so this is the same threshold the count applies.
pub fn check_quorum(mode: VotingMode, electorate: u64, present: u64, cmp: Comparison) -> RuleCheck {
    let f = law::RESIDENTS_QUORUM;
    let (required, verb) = match cmp {
        Comparison::Gt => (f.more_than(electorate), "超过"),
        Comparison::Ge => (f.at_least(electorate), "不少于"),
    };
    let ok = present >= required;
    let who = mode.electorate_label();
    let message = format!(
        "参加投票人数（R-7）：{who} {electorate} 人，参加投票 {present} 人，须{verb}{who}的{}即至少 {required} 人，{}。",
        f.zh,
        if ok {
            "选举有效"
        } else {
            "未达到，选举无效"
        }
    );
    RuleCheck::new(
        "R-7.quorum",
        ok,
        SOURCE_LAW,
        message,
        &[
            ("electorate", electorate.into()),
            ("present", present.into()),
            ("required", required.into()),
        ],
    )
}

/// a winner (typically a write-in) who is not a registered voter of the community is
/// flagged before sign-off; the election committee records its decision with a reason.
pub fn check_elected_is_voter(name: &str, registered: bool) -> RuleCheck {
    let message = if registered {
        format!("当选人选民资格（R-7）：{name}是本社区登记选民，符合。")
    } else {
        format!(
            "当选人选民资格（R-7）：{name}不是本社区登记选民，须由居民选举委员会作出决定并说明理由。"
        )
    };
    RuleCheck::new(
        "R-7.elected_voter",
        registered,
        SOURCE_LAW,
        message,
        &[("registered", registered.into())],
    )
}

/// The kinds of numbered certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// 选民证.
    Voter,
    /// 当选证书.
    Election,
}

impl CertificateKind {
    /// The number's prefix.
    pub const fn prefix(self) -> &'static str {
        match self {
            CertificateKind::Voter => "XM",
            CertificateKind::Election => "DX",
        }
    }

    /// The label.
    pub const fn label(self) -> &'static str {
        match self {
            CertificateKind::Voter => "选民证",
            CertificateKind::Election => "当选证书",
        }
    }
}

/// A certificate number, stable and unique per (kind, community, term, sequence):
/// `XM-<community>-<term, 2 digits>-<sequence, 5 digits>`, e.g. `XM-XH-08-00012`.
pub fn certificate_number(kind: CertificateKind, community: &str, term: u32, seq: u32) -> String {
    format!("{}-{community}-{term:02}-{seq:05}", kind.prefix())
}

/// Reads a certificate number back (as scanned or typed: surrounding blanks ignored, the
/// prefix in either case): kind, community code, term, sequence.
pub fn parse_certificate_number(s: &str) -> Option<(CertificateKind, String, u32, u32)> {
    let t = s.trim();
    let (prefix, rest) = t.split_once('-')?;
    let kind = [CertificateKind::Voter, CertificateKind::Election]
        .into_iter()
        .find(|k| k.prefix().eq_ignore_ascii_case(prefix))?;
    let (rest, seq) = rest.rsplit_once('-')?;
    let (community, term) = rest.rsplit_once('-')?;
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if community.is_empty() || !digits(term) || !digits(seq) {
        return None;
    }
    Some((
        kind,
        community.to_string(),
        term.parse().ok()?,
        seq.parse().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Book {
        voters: BTreeSet<i64>,
        candidates: BTreeSet<i64>,
        relations: Vec<(i64, i64, &'static str)>,
        approved: Vec<(i64, i64)>,
    }

    impl Book {
        fn new() -> Book {
            Book {
                voters: (1..=10).collect(),
                candidates: BTreeSet::from([9]),
                relations: vec![
                    (1, 2, "parent"),
                    (1, 3, "parent"),
                    (1, 4, "spouse"),
                    (1, 5, "sibling"),
                    (9, 6, "child"),
                ],
                approved: vec![],
            }
        }
        fn book(&self) -> ProxyBook<'_> {
            ProxyBook {
                voters: &self.voters,
                candidates: &self.candidates,
                relations: &self.relations,
                approved: &self.approved,
                limit: 3,
            }
        }
    }

    fn p(id: i64) -> PersonRef {
        PersonRef::new(id, &format!("选民{id}"))
    }

    #[test]
    fn a_fourth_principal_for_one_proxy_is_refused() {
        let mut b = Book::new();
        for principal in [2, 3, 4] {
            let c = check_proxy(&b.book(), &p(principal), &p(1));
            assert!(c.passed, "{}", c.message);
            b.approved.push((principal, 1));
        }
        let c = check_proxy(&b.book(), &p(5), &p(1));
        assert!(!c.passed);
        assert_eq!(c.numbers["principals_held"], 3);
        assert!(c.message.contains("不得超过 3 人"), "{}", c.message);
    }

    #[test]
    fn a_proxy_must_be_a_near_relative_a_voter_and_not_a_candidate() {
        let mut b = Book::new();
        let c = check_proxy(&b.book(), &p(7), &p(1));
        assert!(!c.passed && c.message.contains("不是委托人的近亲属"));
        let c = check_proxy(&b.book(), &p(6), &p(9));
        assert!(!c.passed && c.message.contains("是候选人"));
        b.voters.remove(&2);
        let c = check_proxy(&b.book(), &p(1), &p(2));
        assert!(!c.passed && c.message.contains("受托人选民2不是本社区登记选民"));
        assert!(
            check_proxy(&b.book(), &p(3), &p(1)).passed,
            "converse direction"
        );
    }

    #[test]
    fn a_principal_gives_one_proxy_only() {
        let mut b = Book::new();
        b.approved.push((1, 2));
        assert!(!check_proxy(&b.book(), &p(1), &p(3)).passed);
    }

    #[test]
    fn a_mobile_box_needs_approval_and_three_scrutineers() {
        assert!(!check_mobile_box(true, 2).passed);
        assert!(check_mobile_box(true, 3).passed);
        assert!(!check_mobile_box(false, 3).passed);
    }

    #[test]
    fn a_voter_certificate_used_twice_is_refused() {
        let recorded = [Participation {
            voter: 1,
            channel: ParticipationChannel::Proxy,
        }];
        let c = check_participation(&recorded, &p(1), ParticipationChannel::Station);
        assert!(!c.passed && c.message.contains("已经委托投票参加投票"));
        assert!(check_participation(&recorded, &p(2), ParticipationChannel::Station).passed);
    }

    #[test]
    fn exactly_half_of_the_electorate_is_no_quorum_and_one_more_is() {
        let m = VotingMode::AllVoters;
        let c = check_quorum(m, 100, 50, Comparison::Gt);
        assert!(!c.passed);
        assert_eq!(c.numbers["required"], 51);
        assert!(check_quorum(m, 100, 51, Comparison::Gt).passed);
        assert!(check_quorum(m, 100, 50, Comparison::Ge).passed);
        let c = check_quorum(VotingMode::Representatives, 31, 16, Comparison::Gt);
        assert!(c.passed && c.message.contains("居民代表 31 人"));
    }

    #[test]
    fn the_quorum_is_statutory_and_a_proxy_is_not() {
        assert!(is_statutory(&check_quorum(
            VotingMode::AllVoters,
            10,
            5,
            Comparison::Gt
        )));
        assert!(!is_statutory(&check_mobile_box(true, 2)));
    }

    #[test]
    fn a_winner_not_registered_here_is_flagged() {
        assert!(check_elected_is_voter("张三", true).passed);
        assert!(!check_elected_is_voter("王五", false).passed);
    }

    #[test]
    fn certificate_numbers_are_stable_and_read_back() {
        let n = certificate_number(CertificateKind::Voter, "XH", 8, 12);
        assert_eq!(n, "XM-XH-08-00012");
        assert_eq!(
            parse_certificate_number(" xm-XH-08-00012 "),
            Some((CertificateKind::Voter, "XH".into(), 8, 12))
        );
        let e = certificate_number(CertificateKind::Election, "A-1", 8, 3);
        assert_eq!(
            parse_certificate_number(&e),
            Some((CertificateKind::Election, "A-1".into(), 8, 3))
        );
        assert_eq!(parse_certificate_number("XM-XH-08-"), None);
        assert_eq!(parse_certificate_number("ZZ-XH-08-1"), None);
    }

    #[test]
    fn only_the_four_near_relations_count() {
        assert!(is_near_relative(&[(1, 2, "sibling")], 2, 1));
        assert!(!is_near_relative(&[(1, 2, "cousin")], 1, 2));
    }
}
