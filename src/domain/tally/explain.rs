//! The `explanation` of a result: one Chinese sentence per rule applied, naming the rule's
//! source and its numbers, so that a scrutineer can check the count by hand.

use super::counts::{Counts, NameCount, PostCounts};
use super::law::{
    self, SRC_PARTY_1990, SRC_PARTY_2020, SRC_PLAN, SRC_RESIDENTS_LAW, SRC_RULES,
    SRC_VILLAGE_LAW_15,
};
use super::output::{NextRound, QuorumReport, VoidReason};
use super::rules::supplementary_size;
use super::settings::{
    BoxCheck, Comparison, MajorityBase, Overvote, Preset, Round, Rules, SamePersonTwoPosts,
};

/// Rule 1, quorum.
pub(super) fn quorum(rules: &Rules, q: &QuorumReport) -> String {
    let fraction = rules.preset.quorum_fraction();
    let verdict = if q.met {
        "达到法定人数"
    } else {
        "未达到法定人数，选举无效"
    };
    let (source, verb) = match (rules.preset, rules.settings.quorum) {
        (Preset::Party, Comparison::Gt) => (format!("{SRC_PARTY_1990}和{SRC_PLAN}"), "超过"),
        (Preset::Party, Comparison::Ge) => {
            (format!("{SRC_PARTY_2020}（本次按“不少于”计算）"), "不少于")
        }
        (Preset::Residents, Comparison::Gt) => (format!("{SRC_RESIDENTS_LAW}和{SRC_PLAN}"), "超过"),
        (Preset::Residents, Comparison::Ge) => {
            (format!("{SRC_RULES}（本次按“不少于”计算）"), "不少于")
        }
    };
    match rules.preset {
        Preset::Party => format!(
            "依据{source}，有选举权的到会人数须{verb}应到会人数的{}：应到会 {} 人，实到会 {} 人，至少需 {} 人，{verdict}。",
            fraction.zh, q.electorate, q.present, q.required
        ),
        Preset::Residents => format!(
            "依据{source}，参加投票的选民须{verb}登记选民的{}：登记选民 {} 人，参加投票 {} 人，至少需 {} 人，{verdict}。",
            fraction.zh, q.electorate, q.present, q.required
        ),
    }
}

/// Rule 1, the ballot box.
pub(super) fn box_check(rules: &Rules, collected: u64, limit: u64, ok: bool) -> String {
    let source = match rules.preset {
        Preset::Party => SRC_PARTY_1990,
        Preset::Residents => SRC_RULES,
    };
    let what = match (rules.settings.box_check, rules.preset) {
        (BoxCheck::Voters, Preset::Party) => format!("实到会人数 {limit} 人"),
        (BoxCheck::Voters, Preset::Residents) => format!("参加投票人数 {limit} 人"),
        (BoxCheck::Issued, _) => format!("发出的选票 {limit} 张（本次按发出的选票数核对）"),
    };
    let verdict = if ok {
        "符合规定"
    } else {
        "多于投票人数，选举无效，应重新选举"
    };
    format!("依据{source}，收回的选票不得多于{what}：收回 {collected} 张，{verdict}。")
}

/// Rule 1, a void round.
pub(super) fn void(reasons: &[VoidReason]) -> String {
    let why: Vec<&str> = reasons
        .iter()
        .map(|r| match r {
            VoidReason::QuorumNotMet => "到会人数不足",
            VoidReason::BallotsExceedVoters => "收回选票多于投票人数",
        })
        .collect();
    format!(
        "本轮选举因{}无效，不产生当选人，应按原方案重新投票，以下得票仅供参考。",
        why.join("且")
    )
}

/// A provisional count.
pub(super) fn provisional(counted: u64, collected: u64) -> String {
    format!(
        "计票尚未结束：已录入 {counted} 张，共收回 {collected} 张，以下为临时结果，各项门槛已按收回的选票总数和到会人数计算。"
    )
}

/// Rule 2, the ballots.
pub(super) fn ballots(rules: &Rules, counts: &Counts) -> String {
    let source = match (rules.preset, rules.settings.overvote) {
        (Preset::Party, Overvote::Ballot) => {
            format!("{SRC_PARTY_1990}（每一选票所选人数多于规定应选人数的为无效票）")
        }
        (_, Overvote::Post) => format!("{SRC_RULES}（本次规定只作废所选人数超额的职位部分）"),
        (Preset::Residents, Overvote::Ballot) => SRC_RULES.to_owned(),
    };
    let c = &counts.causes;
    let parts: Vec<String> = [
        (c.flagged, "经选举委员会认定无效"),
        (c.for_and_against, "对同一人既划赞成又划不赞成"),
        (c.overvote, "一个职位所选人数多于应选名额"),
        (c.two_posts, "同一人在两个职位被选"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, why)| format!("{why} {n} 张"))
    .collect();
    let detail = if parts.is_empty() {
        String::new()
    } else {
        format!("（{}）", parts.join("，"))
    };
    format!(
        "依据{source}，已计的 {} 张选票中有效票 {} 张、无效票 {} 张{detail}。",
        counts.counted, counts.valid, counts.invalid
    )
}

/// Rule 2b, write-ins; nothing when write-ins counted freely and none was dropped.
pub(super) fn write_ins(rules: &Rules, counts: &Counts) -> Option<String> {
    let dropped = counts.dropped_write_ins;
    let s = &rules.settings;
    if rules.round.is_follow_up() {
        let (source, what) = match (rules.preset, rules.round) {
            (Preset::Party, Round::TieRevote) => (SRC_PARTY_1990, "就票数相等的被选举人重新投票"),
            (Preset::Party, _) => (SRC_PARTY_1990, "另行选举"),
            (Preset::Residents, Round::TieRevote) => (SRC_RULES, "就票数相等的候选人重新投票"),
            (Preset::Residents, _) => (SRC_VILLAGE_LAW_15, "另行选举"),
        };
        return Some(format!(
            "本轮为{what}，依据{source}只能在本轮候选人中投票，另选他人一律不计（{dropped} 个）。"
        ));
    }
    if !s.write_ins {
        return Some(format!(
            "依据{SRC_PLAN}“在已确定的候选人名单中”选举的规定，本次选举另选他人一律不计（{dropped} 个）。"
        ));
    }
    if s.write_in_requires_against {
        let source = if rules.preset == Preset::Party {
            SRC_PARTY_1990
        } else {
            SRC_RULES
        };
        return Some(format!(
            "依据{source}，投不赞成票者可以另选他人：每个职位计入的另选他人不多于该职位划不赞成的人数，与划不赞成者同名、不在可选范围内或超出的另选他人不计（{dropped} 个）。"
        ));
    }
    (dropped > 0).then(|| {
        format!(
            "依据{SRC_RULES}，与同一职位划不赞成者同名或不在可选范围内的另选他人不计（{dropped} 个）。"
        )
    })
}

/// Rule 3, roll-down.
pub(super) fn roll_down(rules: &Rules) -> Option<String> {
    (rules.settings.same_person_two_posts == SamePersonTwoPosts::RollDown).then(|| {
        format!(
            "依据{SRC_RULES}（本次规定采用顺延计票），选票在前面职位对某人的赞成票顺延计入后面职位，同一张选票对同一人只计一次。"
        )
    })
}

/// Rule 4, the threshold of one post.
pub(super) fn threshold(
    rules: &Rules,
    pc: &PostCounts,
    threshold: u64,
    base: u64,
    collected: u64,
) -> String {
    let post = &pc.post;
    let seats = pc.seats;
    match (rules.round, rules.preset) {
        (Round::TieRevote, preset) => format!(
            "「{post}」为票数相等者的重新投票，应选 {seats} 名，依据{}，得票多的当选（至少 {threshold} 票）。",
            if preset == Preset::Party {
                SRC_PARTY_1990
            } else {
                SRC_RULES
            }
        ),
        (Round::Supplementary, Preset::Residents) => format!(
            "「{post}」为另行选举，应选 {seats} 名，依据{SRC_VILLAGE_LAW_15}，以得票多的当选，但所得票数不得少于已投选票数 {collected} 张的{}，即至少 {threshold} 票。",
            law::RESIDENTS_SUPPLEMENTARY_MINIMUM.zh
        ),
        (round, preset) => {
            let (label, unit) = match (rules.settings.majority_base, preset) {
                (MajorityBase::Present, Preset::Party) => ("实到会有选举权的党员", "人"),
                (MajorityBase::Present, Preset::Residents) => ("参加投票的选民人数", "人"),
                (MajorityBase::Due, Preset::Party) => ("应到会有选举权的党员", "人"),
                (MajorityBase::Due, Preset::Residents) => ("登记选民人数", "人"),
                (MajorityBase::Cast, _) => ("收回的选票总数", "张（含无效票）"),
            };
            let (source, verb) = match (rules.settings.majority, preset) {
                (Comparison::Gt, Preset::Party) => (party_majority_source(rules), "超过"),
                (Comparison::Gt, Preset::Residents) => (
                    format!("各地居民委员会选举办法沿用的{SRC_VILLAGE_LAW_15}"),
                    "超过",
                ),
                (Comparison::Ge, _) => (
                    format!("{SRC_PLAN}“半数以上”的字面解释（本次按“不少于”计算）"),
                    "不少于",
                ),
            };
            let kind = if round == Round::Supplementary {
                "为另行选举，"
            } else {
                ""
            };
            let cast = if rules.settings.majority_base == MajorityBase::Cast {
                format!("，{SRC_PLAN}规定无效选票应计入选票总数")
            } else {
                String::new()
            };
            format!(
                "「{post}」{kind}应选 {seats} 名，依据{source}，得票须{verb}{label} {base} {unit}的{}，即至少 {threshold} 票才能当选{cast}。",
                law::MAJORITY.zh
            )
        }
    }
}

/// The source of a Party majority's base: the 2020 条例 counts the members due to attend with a
/// vote; the 1990 暂行条例's base (members present) and the ballots cast are settings.
fn party_majority_source(rules: &Rules) -> String {
    match rules.settings.majority_base {
        MajorityBase::Due => format!("2020年{SRC_PARTY_2020}"),
        MajorityBase::Present => {
            format!("1990年{SRC_PARTY_1990}（本次按实到会人数计算）")
        }
        MajorityBase::Cast => format!("{SRC_PARTY_2020}（本次以收回的选票总数为基数）"),
    }
}

/// Rule 2c with `overvote: post`: the void parts of one post.
pub(super) fn void_parts(pc: &PostCounts) -> Option<String> {
    (pc.void_parts > 0).then(|| {
        format!(
            "依据{SRC_RULES}（本次规定只作废所选人数超额的职位部分），「{}」有 {} 张选票所选人数多于应选名额 {} 名，这些选票的本职位部分作废，其他职位照常计票。",
            pc.post, pc.void_parts, pc.seats
        )
    })
}

/// Rule 3: people decided in an earlier post.
pub(super) fn excluded(pc: &PostCounts, excluded: &[&NameCount]) -> Option<String> {
    (!excluded.is_empty()).then(|| {
        let names: Vec<&str> = excluded.iter().map(|n| n.name.as_str()).collect();
        format!(
            "依据{SRC_RULES}，职位按顺序确定，已在前面职位当选或得票相等的{}不再计入「{}」。",
            names.join("、"),
            pc.post
        )
    })
}

/// Rules 5 and 6: the outcome of one post of a valid round.
pub(super) fn outcome(
    rules: &Rules,
    pc: &PostCounts,
    names: &[&NameCount],
    threshold: u64,
    (elected, tie): (usize, usize),
    unfilled: u64,
    next: Option<&NextRound>,
) -> String {
    let post = &pc.post;
    let party = rules.preset == Preset::Party;
    let source = if party { SRC_PARTY_1990 } else { SRC_RULES };
    let won = with_votes(&names[..elected]);
    if tie > 0 {
        let tied: Vec<&str> = names[elected..elected + tie]
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        let already = if elected > 0 {
            format!("，{won}已当选")
        } else {
            String::new()
        };
        return format!(
            "「{post}」{}各得 {} 票，争夺最后 {} 个名额，依据{source}，应就票数相等的被选举人重新投票，得票多的当选{already}。",
            tied.join("、"),
            names[elected].votes,
            pc.seats - elected as u64
        );
    }
    if unfilled == 0 {
        let passers = names.iter().take_while(|n| n.votes >= threshold).count();
        if passers > elected {
            return format!(
                "「{post}」达到当选票数的有 {passers} 人，多于应选名额 {} 名，依据{source}，以得票多少为序取足应选名额：{won}当选。",
                pc.seats
            );
        }
        return format!(
            "「{post}」{won}达到当选票数并当选，应选 {} 名已选足。",
            pc.seats
        );
    }
    let reached = if elected == 0 {
        format!("「{post}」无人达到当选票数，差 {unfilled} 名")
    } else {
        format!("「{post}」只有{won}达到当选票数并当选，差 {unfilled} 名")
    };
    let what = match (rules.round, next) {
        (Round::First, Some(n)) => {
            let wanted = supplementary_size(rules.preset, unfilled);
            let rule = if party {
                format!(
                    "按{SRC_PLAN}不少于{}的差额比例取 {wanted} 人",
                    law::PARTY_SUPPLEMENTARY_MARGIN.zh
                )
            } else {
                format!(
                    "比应选名额多 {} 人，即 {wanted} 人",
                    law::RESIDENTS_SUPPLEMENTARY_EXTRA
                )
            };
            let law = if party {
                SRC_PARTY_1990
            } else {
                SRC_VILLAGE_LAW_15
            };
            format!(
                "依据{law}，对不足的名额另行选举，候选人为未当选者中得票多的人，{rule}，与最后一人票数相等者一并列入：{}",
                n.candidates.join("、")
            )
        }
        (Round::First, None) if pc.listed > pc.seats => {
            "没有可列入另行选举的人选，由会议决定暂缺或减少名额".to_owned()
        }
        (Round::First, None) if party => format!(
            "本职位为等额选举（{SRC_PLAN}：先差额选举产生委员，再等额选举产生书记、副书记），不自动产生另行选举的候选人，由审批机关重新确定人选"
        ),
        (Round::First, None) => format!(
            "本职位为等额选举（{SRC_RULES}确定该职位的候选人数与应选名额相等），不自动产生另行选举的候选人，由居民选举委员会依照{SRC_RULES}重新确定候选人后另行选举"
        ),
        (Round::TieRevote, Some(n)) => format!(
            "依据{source}，就本轮未当选的候选人{}再次重新投票，得票多的当选",
            n.candidates.join("、")
        ),
        (Round::TieRevote, None) => "本轮已没有未当选的候选人，由会议决定".to_owned(),
        (Round::Supplementary, _) if party => format!(
            "依据{SRC_PARTY_1990}，另行选举后仍不足的名额由党员大会决定：如接近应选名额且符合规定的委员会名额，可以减少名额，不再选举，也可以暂缺或以后另行选举"
        ),
        (Round::Supplementary, _) => format!(
            "依据{SRC_RULES}，另行选举后仍不足的名额由选举大会决定暂缺、减少名额或以后另行选举"
        ),
    };
    format!("{reached}；{what}。")
}

/// "张三（40 票）、李四（38 票）", or "无人".
fn with_votes(names: &[&NameCount]) -> String {
    if names.is_empty() {
        return "无人".to_owned();
    }
    names
        .iter()
        .map(|n| format!("{}（{} 票）", n.name, n.votes))
        .collect::<Vec<_>>()
        .join("、")
}
