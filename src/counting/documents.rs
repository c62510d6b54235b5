//! Print-ready documents of a vote: the ballot (选票), the count report (计票结果报告单) and the
//! result notice (选举结果公告). Each is a page of its own on `print.html` (A4, no navigation);
//! the report and the notice print the certified result as stored at sign-off, with the audit
//! chain head stored with it (the report also the fingerprint of the key that anchors the heads
//! outside the database), and exist only once the vote is certified.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDate, Utc};

use super::store::{Meeting, Vote, load_meeting, load_vote, staff_of};
use crate::communities::{self, Community};
use crate::domain::counting::VoteState;
use crate::domain::tally::{Overvote, SamePersonTwoPosts, Status, TallyResult, VoidReason};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get};
use crate::state::AppState;

/// This module's routes: every document is for whoever may see the vote.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/votes/{vote}/ballot", Access::Login, r::get(ballot_get)),
        get("/votes/{vote}/report", Access::Login, r::get(report_get)),
        get("/votes/{vote}/notice", Access::Login, r::get(notice_get)),
    ]
}

/// What every document names at its top: the community, the meeting and the vote.
pub struct Head {
    /// The community.
    pub community: Community,
    /// The meeting.
    pub meeting: Meeting,
    /// The vote.
    pub vote: Vote,
    /// The meeting's date, written out (2027年4月26日).
    pub date: String,
    /// A Party vote (赞成/不赞成/弃权) rather than a residents' vote.
    pub party: bool,
}

async fn head_of(state: &AppState, id: i64) -> AppResult<Head> {
    let vote = load_vote(&state.db, id).await?;
    let meeting = load_meeting(&state.db, vote.meeting_id).await?;
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Head {
        date: chinese_date(meeting.date),
        party: vote.preset == "party",
        community,
        meeting,
        vote,
    })
}

fn chinese_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A time in China Standard Time (SPEC §9), to the minute.
fn chinese_time(at: DateTime<Utc>) -> String {
    (at + chrono::Duration::hours(8))
        .format("%Y年%-m月%-d日 %H:%M")
        .to_string()
}

// ---- The ballot ----

/// One post's part of the ballot.
pub struct BallotPost {
    /// Post name.
    pub post: String,
    /// Seats (应选 N 名).
    pub seats: u64,
    /// Candidates in ballot order.
    pub candidates: Vec<String>,
    /// A write-in space beside each candidate's × (Party rule: write-ins only against a ×).
    pub beside: bool,
    /// Row numbers of the blank write-in rows after the candidates.
    pub blanks: Vec<usize>,
}

/// `GET /votes/{vote}/ballot`.
#[derive(Template, WebTemplate)]
#[template(path = "counting/doc_ballot.html")]
pub struct BallotDoc {
    title: String,
    h: Head,
    instructions: Vec<String>,
    posts: Vec<BallotPost>,
}

/// The ballot of a vote, in any state: candidates in the stored ballot order, boxes, and the
/// marking instructions that follow the vote's preset and settings.
#[tracing::instrument(skip(state))]
pub async fn ballot_get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<BallotDoc> {
    let h = head_of(&state, id).await?;
    let posts = h.vote.posts();
    let rules = h
        .vote
        .tally_input(&[], Some((0, 0, 0)))
        .map_err(AppError::internal)?
        .rules();
    let s = rules.settings;
    let write_ins = s.write_ins && !rules.round.is_follow_up();
    let beside = write_ins && h.party && s.write_in_requires_against;
    let mut instructions = vec![match (h.party, write_ins, beside) {
        (true, _, true) => "赞成画○，不赞成画×，另选他人写在×旁的空格内并画○，弃权不画。",
        (true, true, false) => "赞成画○，不赞成画×，弃权不画；另选他人的，在空白行内写上其姓名并画○。",
        (true, false, _) => "赞成画○，不赞成画×，弃权不画。",
        (false, true, _) => "在同意的候选人姓名右边的空格内画○，不同意的不画；另选他人的，在该职位的空白行内写上其姓名并画○。",
        (false, false, _) => "在同意的候选人姓名右边的空格内画○，不同意的不画。",
    }
    .to_string()];
    if !write_ins {
        instructions.push("本次投票只对以上候选人进行，另写的姓名不计票。".into());
    }
    instructions.push(match s.overvote {
        Overvote::Ballot => {
            "每个职位所选（画○）人数不得多于应选名额，多于应选名额的选票无效。".into()
        }
        Overvote::Post => {
            "每个职位所选（画○）人数不得多于应选名额，多于应选名额的，该职位所选无效。".into()
        }
    });
    if posts.len() > 1 {
        instructions.push(match s.same_person_two_posts {
            SamePersonTwoPosts::Invalid => "同一人不得在两个职位中同时被选，否则选票无效。".into(),
            SamePersonTwoPosts::RollDown => {
                "在前面职位所选的人未当选的，其所得的票依次计入后面的职位。".into()
            }
        });
    }
    instructions
        .push("请用黑色或蓝色笔填写，符号要准确，字迹要清楚；写错可向工作人员另换选票。".into());
    let posts = posts
        .into_iter()
        .map(|p| {
            let n = p.candidates.len();
            let blanks = if write_ins && !beside {
                p.seats as usize
            } else {
                0
            };
            BallotPost {
                post: p.post,
                seats: p.seats,
                candidates: p.candidates,
                beside,
                blanks: (n + 1..=n + blanks).collect(),
            }
        })
        .collect();
    Ok(BallotDoc {
        title: format!("{} · 选票", h.vote.title),
        h,
        instructions,
        posts,
    })
}

// ---- The count report and the result notice ----

/// One person's line in a post of the certified result.
pub struct Line {
    /// Name.
    pub name: String,
    /// Votes (赞成).
    pub votes: u64,
    /// 不赞成.
    pub against: u64,
    /// 弃权.
    pub abstain: u64,
    /// Written in (另选他人), not a listed candidate.
    pub write_in: bool,
    /// 当选 / 得票相等 / 未当选.
    pub status: &'static str,
    /// Elected.
    pub elected: bool,
}

/// One post of the certified result.
pub struct PostLines {
    /// Post name.
    pub post: String,
    /// Seats.
    pub seats: u64,
    /// The smallest number of votes that elects.
    pub threshold: u64,
    /// Everyone counted, by votes.
    pub lines: Vec<Line>,
    /// The elected, in words (丁一、王二), or empty.
    pub elected: String,
    /// How many are not elected (the notice's "other candidates").
    pub others: usize,
    /// What follows (tie re-vote, further election, unfilled seats), in words, or empty.
    pub next: String,
}

fn post_lines(result: &TallyResult) -> Vec<PostLines> {
    result
        .posts
        .iter()
        .map(|p| {
            let next = match &p.next_round {
                Some(n) => format!(
                    "须{}：应选 {} 名，候选人 {}。",
                    if p.tie.is_empty() {
                        "另行选举"
                    } else {
                        "再次投票"
                    },
                    n.seats,
                    n.candidates.join("、")
                ),
                None if result.valid && p.unfilled > 0 => {
                    format!("缺额 {} 名，由批准机关另行提名候选人。", p.unfilled)
                }
                None => String::new(),
            };
            PostLines {
                post: p.post.clone(),
                seats: p.seats,
                threshold: p.threshold,
                lines: p
                    .candidates
                    .iter()
                    .map(|c| Line {
                        name: c.name.clone(),
                        votes: c.votes,
                        against: c.against,
                        abstain: c.abstain,
                        write_in: c.write_in,
                        status: match c.status {
                            Status::Elected => "当选",
                            Status::Tie => "得票相等",
                            Status::NotElected => "未当选",
                        },
                        elected: c.status == Status::Elected,
                    })
                    .collect(),
                elected: p.elected.join("、"),
                others: p.candidates.len() - p.elected.len(),
                next,
            }
        })
        .collect()
}

/// Why a round is void, in words; empty for a valid round.
fn void_text(result: &TallyResult) -> String {
    result
        .void_reasons
        .iter()
        .map(|r| match r {
            VoidReason::QuorumNotMet => "到会人数不足",
            VoidReason::BallotsExceedVoters => "收回选票多于投票人数",
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The head and the stored result of a certified vote; a 409 naming the document otherwise.
async fn certified(state: &AppState, id: i64, document: &str) -> AppResult<(Head, TallyResult)> {
    let h = head_of(state, id).await?;
    if h.vote.state() != VoteState::Certified {
        return Err(AppError::conflict(format!(
            "该投票尚未确认（须总监票人和总计票人签署），还不能打印{document}。当前状态：{}。",
            h.vote.state().label()
        )));
    }
    let result = h
        .vote
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .ok_or_else(|| AppError::internal("certified vote without result"))?;
    Ok((h, result))
}

/// One signature group: the role and the names recorded for it.
pub struct Signers {
    /// 总监票人, 监票人, 总计票人, 计票人 or 唱票人.
    pub role: &'static str,
    /// The names (one blank line when none is recorded).
    pub names: Vec<String>,
}

/// `GET /votes/{vote}/report`.
#[derive(Template, WebTemplate)]
#[template(path = "counting/doc_report.html")]
pub struct ReportDoc {
    title: String,
    h: Head,
    r: TallyResult,
    posts: Vec<PostLines>,
    void: String,
    certified_at: String,
    audit_head: String,
    /// The anchor key's fingerprint, or that none is configured (`audit::anchor::key_line`).
    anchor_key: String,
    signers: Vec<Signers>,
    /// The street's correction of the head count, in words (`head_count::HeadCount::note`).
    correction: Option<String>,
}

/// The count report of a certified vote: the numbers (a head count the street corrected said
/// so, with the records' figure and the reason), every rule applied, the tallies, the elected,
/// the audit chain head at sign-off, the fingerprint of the anchor key and the staff's signature
/// lines.
#[tracing::instrument(skip(state))]
pub async fn report_get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<ReportDoc> {
    let (h, r) = certified(&state, id, "计票结果报告单").await?;
    let staff = staff_of(&state.db, h.meeting.id).await?;
    let signers = ["总监票人", "监票人", "总计票人", "计票人", "唱票人"]
        .into_iter()
        .map(|role| {
            let names: Vec<String> = staff
                .iter()
                .filter(|s| s.label() == role)
                .map(|s| s.name.clone())
                .collect();
            Signers {
                role,
                names: if names.is_empty() {
                    vec![String::new()]
                } else {
                    names
                },
            }
        })
        .collect();
    let correction = super::head_count::of(&state.db, &h.vote)
        .await?
        .and_then(|heads| heads.note());
    Ok(ReportDoc {
        correction,
        title: format!("{} · 计票结果报告单", h.vote.title),
        posts: post_lines(&r),
        void: void_text(&r),
        certified_at: h.vote.certified_at.map(chinese_time).unwrap_or_default(),
        audit_head: h.vote.audit_head.clone().unwrap_or_default(),
        anchor_key: crate::audit::anchor::key_line(state.config.anchor_key.as_deref()),
        signers,
        h,
        r,
    })
}

/// `GET /votes/{vote}/notice`.
#[derive(Template, WebTemplate)]
#[template(path = "counting/doc_notice.html")]
pub struct NoticeDoc {
    title: String,
    h: Head,
    r: TallyResult,
    posts: Vec<PostLines>,
    void: String,
    issuer: String,
    audit_head: String,
}

/// The result notice of a certified vote: the elected with post and votes, and every other
/// candidate's votes.
#[tracing::instrument(skip(state))]
pub async fn notice_get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<NoticeDoc> {
    let (h, r) = certified(&state, id, "选举结果公告").await?;
    let issuer = if h.party {
        format!("中共{}{}", h.community.name, h.community.org_label())
    } else {
        format!("{}居民选举委员会", h.community.name)
    };
    Ok(NoticeDoc {
        title: format!("{} · 选举结果公告", h.vote.title),
        posts: post_lines(&r),
        void: void_text(&r),
        audit_head: h.vote.audit_head.clone().unwrap_or_default(),
        issuer,
        h,
        r,
    })
}
