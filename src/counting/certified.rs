//! The certified votes checked against the audit chain and against their own ballots, for
//! `huanjie audit verify`. The chain covers what was recorded, not the business tables it
//! describes; a certified result is what those tables must still give. So for each certified vote:
//! the chain head stored at certification must be an entry of its community's chain — the vote's
//! own certification, recording the same result — and the tally engine, run again on the stored
//! ballots and the vote as stored, must give that result.

use serde_json::Value;

use super::store::{BallotRow, VOTE_COLS, Vote, ballots_of};
use crate::audit::{Break, Entry, community_scope};
use crate::db::{Db, Q};
use crate::domain::counting::EntryBallot;
use crate::domain::tally::{TallyResult, tally};
use crate::error::AppResult;

/// Checks every certified vote; returns one break per problem found, in its community's chain.
pub async fn check_certified(db: &Db) -> AppResult<Vec<Break>> {
    let votes: Vec<Vote> = Q::new(format!(
        "select {VOTE_COLS} from votes where state = 'certified' order by id"
    ))
    .all(db)
    .await?;
    let mut breaks = Vec::new();
    for vote in votes {
        let (code,): (String,) = Q::new(
            "select c.code from meetings m join communities c on c.id = m.community_id where m.id = $1",
        )
        .bind(vote.meeting_id)
        .one(db)
        .await?;
        let scope = community_scope(&code);
        let name = format!("投票 {}“{}”", vote.id, vote.title);
        let certification = match &vote.audit_head {
            Some(head) => {
                Q::new("select * from audit_log where scope = $1 and hash = $2")
                    .bind(&scope)
                    .bind(head)
                    .optional(db)
                    .await?
            }
            None => None,
        };
        let mut problems = Vec::new();
        match (&vote.audit_head, &certification) {
            (None, _) => problems.push(format!("{name}已确认，却没有保存确认时的链头")),
            (Some(head), None) => problems.push(format!(
                "{name}确认时的链头 {head} 已不在本链中：链尾连同链头记录被改写或删除"
            )),
            (Some(_), Some(e)) => problems.extend(certification_problem(&name, &vote, e)),
        }
        problems.extend(recount_problem(db, &name, &vote).await?);
        breaks.extend(problems.into_iter().map(|problem| Break {
            scope: scope.clone(),
            seq: certification.as_ref().map_or(0, |e| e.seq),
            entry_id: certification.as_ref().map(|e| e.id),
            problem,
        }));
    }
    Ok(breaks)
}

/// Whether the entry the vote's head names is this vote's certification, recording the result
/// the vote stores.
fn certification_problem(name: &str, vote: &Vote, e: &Entry) -> Option<String> {
    if (e.action.as_str(), e.entity.as_str()) != ("certify", "vote")
        || e.entity_id != vote.id.to_string()
    {
        return Some(format!(
            "{name}确认时的链头指向第 {} 条记录（{} {} {}），那不是本投票的确认记录",
            e.seq, e.action, e.entity, e.entity_id
        ));
    }
    let parse = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    if parse(&vote.result) != parse(&e.after_json) {
        return Some(format!(
            "{name}保存的确认结果与链中确认记录的结果不符：确认后结果被改动"
        ));
    }
    None
}

/// Tallies the stored ballots again and compares with the certified result (the explanation
/// sentences aside: their wording may change between versions, the numbers may not).
async fn recount_problem(db: &Db, name: &str, vote: &Vote) -> AppResult<Option<String>> {
    let Some(mut certified) = vote
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str::<TallyResult>(r).ok())
    else {
        return Ok(Some(format!("{name}保存的确认结果无法读取")));
    };
    let counted: Vec<EntryBallot> = ballots_of(db, vote.id)
        .await?
        .iter()
        .filter(|b| b.status().counts())
        .filter_map(BallotRow::entry)
        .collect();
    let recounted = vote
        .tally_input(&counted, None)
        .and_then(|input| tally(&input).map_err(|e| e.zh()));
    let mut recounted = match recounted {
        Ok(r) => r,
        Err(e) => {
            return Ok(Some(format!(
                "{name}按现存的选票和投票设置无法重新计票（{e}）：确认后选票或投票被改动"
            )));
        }
    };
    certified.explanation.clear();
    recounted.explanation.clear();
    if certified == recounted {
        return Ok(None);
    }
    Ok(Some(format!(
        "{name}按现存的选票重新计票，结果与确认的结果不符（{}）：确认后选票或投票被改动",
        differences(&certified, &recounted).join("；")
    )))
}

/// The first few differences between the certified and the recounted result, in words.
fn differences(certified: &TallyResult, recounted: &TallyResult) -> Vec<String> {
    let mut out = Vec::new();
    let (a, b) = (&certified.ballots, &recounted.ballots);
    for (label, x, y) in [
        ("计入选票", a.counted, b.counted),
        ("有效票", a.valid, b.valid),
        ("无效票", a.invalid, b.invalid),
        (
            "实到人数",
            certified.quorum.present,
            recounted.quorum.present,
        ),
    ] {
        if x != y {
            out.push(format!("{label}：确认 {x}，重算 {y}"));
        }
    }
    for (p, q) in certified.posts.iter().zip(&recounted.posts) {
        for c in &p.candidates {
            let line = |r: &crate::domain::tally::CandidateResult| (r.votes, r.against, r.abstain);
            let now = q.candidates.iter().find(|d| d.name == c.name);
            match now {
                Some(d) if line(d) == line(c) => {}
                Some(d) => out.push(format!(
                    "{} {}：确认 {}/{}/{}，重算 {}/{}/{}",
                    p.post, c.name, c.votes, c.against, c.abstain, d.votes, d.against, d.abstain
                )),
                None => out.push(format!("{} {}：重算中没有此人", p.post, c.name)),
            }
        }
        if p.elected != q.elected {
            out.push(format!(
                "{} 当选：确认 {}，重算 {}",
                p.post,
                p.elected.join("、"),
                q.elected.join("、")
            ));
        }
    }
    if out.is_empty() {
        out.push("其他计票数据不同".into());
    }
    out.truncate(4);
    out
}
