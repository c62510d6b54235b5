//! The draft of the street's 换届工作总结, written from the figures: what was done, the numbers
//! of both elections and of the new committees against the outgoing ones, and the problems on
//! record (discipline reports by category, objections) — counts only, so the draft names nobody.
//! The street edits it before submitting. Pure: no I/O.

use std::fmt::Write;

use super::{CommunityStats, Makeup};

/// What the draft is written from besides the communities' statistics.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The campaign year.
    pub year: i64,
    /// Communities whose Party pipeline (P-1 … P-7) is complete.
    pub party_done: u32,
    /// Communities whose residents' pipeline (R-1 … R-8) is complete.
    pub residents_done: u32,
    /// Discipline reports per category: (category, received, closed).
    pub reports: Vec<(String, u32, u32)>,
    /// Objections during the Party publicity periods: (raised, answered).
    pub party_objections: (u32, u32),
    /// Objections to the published voter lists, each decided.
    pub voter_objections: u32,
}

fn share(v: Option<f64>) -> String {
    v.map_or("—".into(), |s| format!("{s:.1}%"))
}

fn age(m: &Makeup) -> String {
    m.average_age.map_or("—".into(), |a| format!("{a:.1} 岁"))
}

fn committee(out: &mut String, name: &str, new: &Makeup, old: &Makeup, party: bool) {
    let _ = write!(
        out,
        "新一届{name}成员共 {} 名，其中女性 {} 名（占 {}），平均年龄 {}；",
        new.members,
        new.women,
        share(new.women_share),
        age(new)
    );
    let young = new.age_bands.first().copied().unwrap_or(0);
    let college: u32 = new.education.iter().take(3).sum();
    let _ = write!(out, "35 岁及以下 {young} 名，大专及以上学历 {college} 名；");
    if party {
        let _ = write!(
            out,
            "中共党员 {} 名（占 {}）；",
            new.party_members,
            share(new.party_share)
        );
    }
    let _ = write!(out, "连任 {} 名，新任 {} 名。", new.re_elected, new.new);
    if old.members > 0 {
        let _ = write!(
            out,
            "上一届共 {} 名，女性 {} 名（占 {}），平均年龄 {}。",
            old.members,
            old.women,
            share(old.women_share),
            age(old)
        );
    }
    out.push('\n');
}

/// The draft's text.
pub fn draft(stats: &[CommunityStats], r: &Record) -> String {
    let n = stats.len();
    let mut out = String::new();
    let _ = writeln!(out, "{} 年社区“两委”换届工作总结\n", r.year);
    out.push_str("一、基本情况\n");
    let _ = writeln!(
        out,
        "本街道 {n} 个社区开展了换届工作。截至目前，党组织换届完成 {} 个，居民委员会换届完成 {} 个。换届工作按照选前准备、组织实施、总结完善三个阶段依次推进，各项程序均在系统中留有记录。\n",
        r.party_done, r.residents_done
    );
    out.push_str("二、主要数据\n");
    let votes: Vec<_> = stats
        .iter()
        .filter_map(|s| s.residents_vote.as_ref())
        .collect();
    let registered: u32 = votes.iter().map(|v| v.registered).sum();
    let took: u32 = votes.iter().map(|v| v.took_part()).sum();
    let proxy: u32 = votes.iter().map(|v| v.by_proxy).sum();
    let mobile: u32 = votes.iter().map(|v| v.mobile).sum();
    let _ = writeln!(
        out,
        "（一）居民委员会选举。{} 个社区完成投票，登记选民 {registered} 人，参加投票 {took} 人（其中委托投票 {proxy} 人，流动票箱投票 {mobile} 人），参选率 {}。",
        votes.len(),
        share(super::percent(took, registered))
    );
    let party: Vec<_> = stats.iter().filter_map(|s| s.party_vote.as_ref()).collect();
    let due: u32 = party.iter().map(|v| v.due).sum();
    let present: u32 = party.iter().map(|v| v.present).sum();
    let nominees: u32 = party.iter().map(|v| v.nominees).sum();
    let p3: u32 = party.iter().map(|v| v.p3_participants).sum();
    let _ = writeln!(
        out,
        "（二）党组织选举。{} 个社区召开党员大会，应到党员 {due} 名，实到 {present} 名，到会率 {}；公开推荐产生被推荐人 {nominees} 名，全额定向民主推荐参加 {p3} 人次。",
        party.len(),
        share(super::percent(present, due))
    );
    out.push_str("（三）新一届班子结构。");
    let new_party = Makeup::sum(stats.iter().map(|s| &s.party));
    let old_party = Makeup::sum(stats.iter().map(|s| &s.old_party));
    let new_res = Makeup::sum(stats.iter().map(|s| &s.residents));
    let old_res = Makeup::sum(stats.iter().map(|s| &s.old_residents));
    committee(&mut out, "党组织委员会", &new_party, &old_party, false);
    committee(&mut out, "居民委员会", &new_res, &old_res, true);
    let both = stats
        .iter()
        .filter(|s| s.party.members > 0 && s.residents.members > 0)
        .count() as u32;
    let one = stats.iter().filter(|s| s.leadership.one_shoulder).count() as u32;
    let cross: u32 = stats.iter().map(|s| s.leadership.cross).sum();
    let _ = writeln!(
        out,
        "书记、主任“一肩挑”的社区 {one} 个（占两委均已产生社区的 {}）；两委交叉任职 {cross} 人（占党组织委员会成员的 {}）。\n",
        share(super::percent(one, both)),
        share(super::percent(cross, new_party.members))
    );
    out.push_str("三、存在的问题\n");
    let received: u32 = r.reports.iter().map(|x| x.1).sum();
    let closed: u32 = r.reports.iter().map(|x| x.2).sum();
    if received == 0 {
        out.push_str("换届期间未收到违反换届纪律的举报。");
    } else {
        let kinds: Vec<String> = r
            .reports
            .iter()
            .filter(|x| x.1 > 0)
            .map(|(k, n, _)| format!("{k} {n} 件"))
            .collect();
        let _ = write!(
            out,
            "换届期间收到违反换届纪律的举报 {received} 件（{}），已办结 {closed} 件",
            kinds.join("，")
        );
        if closed < received {
            let _ = write!(out, "，尚有 {} 件正在办理", received - closed);
        }
        out.push('。');
    }
    let (raised, answered) = r.party_objections;
    let _ = writeln!(
        out,
        "党组织资格审查公示期间收到异议 {raised} 件，已答复 {answered} 件；选民名单公布后收到异议 {} 件，均已作出决定。\n",
        r.voter_objections
    );
    out.push_str("四、下一步工作\n");
    out.push_str(
        "督促新一届班子完善分工和议事规则，抓好自治章程、居民公约的落实；加强新任成员培训；做好换届档案的保管和利用。\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::statistics::ResidentsVote;

    #[test]
    fn the_draft_carries_the_figures_and_counts_problems_without_naming_anyone() {
        let s = CommunityStats {
            name: "甲社区".into(),
            residents_vote: Some(ResidentsVote {
                registered: 200,
                in_person: 150,
                by_proxy: 10,
                mobile: 0,
                ..ResidentsVote::default()
            }),
            ..CommunityStats::default()
        };
        let r = Record {
            year: 2027,
            residents_done: 1,
            reports: vec![("拉票贿选".into(), 2, 1), ("暴力".into(), 0, 0)],
            party_objections: (3, 3),
            ..Record::default()
        };
        let d = draft(&[s], &r);
        assert!(d.starts_with("2027 年社区“两委”换届工作总结"), "{d}");
        assert!(d.contains("登记选民 200 人，参加投票 160 人"), "{d}");
        assert!(d.contains("参选率 80.0%"), "{d}");
        assert!(
            d.contains("举报 2 件（拉票贿选 2 件），已办结 1 件，尚有 1 件正在办理"),
            "{d}"
        );
        assert!(!d.contains("暴力 0 件"), "{d}");
        assert!(d.contains("收到异议 3 件，已答复 3 件"), "{d}");
    }
}
