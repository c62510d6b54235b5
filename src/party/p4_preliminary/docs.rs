//! Print-ready documents of P-2 … P-5 on `print.html`: the 资格审查表, the 公示 notices of P-2
//! (those who passed review) and of P-4 (the people inspected), the blank 民主推荐票, the
//! 初步人选名单, the 候选人预备人选名单 and its 请示 to the street. Each is one GET page that
//! renders whatever is recorded so far (an empty section says so).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use chrono::NaiveDate;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::party::{Post, Seats};
use crate::domain::rules::age_on;
use crate::domain::strokes::cmp_names;
use crate::error::AppResult;
use crate::party::p3_recommendation::read as p3;
use crate::party::p4_preliminary::read::{
    self as read, CANDIDATE, CANDIDATE_SUBJECT, Entry, List, PRELIMINARY, PRELIMINARY_SUBJECT,
    Standing,
};
use crate::party::pages::CheckView;
use crate::party::store::{self, Nomination, Publicity};
use crate::state::AppState;

type Ids = Path<(String, i64)>;

/// What every document names at its top.
pub struct Head {
    /// Title (also the page's `<title>`).
    pub title: String,
    /// The community.
    pub community: Community,
    /// The campaign.
    pub c: Campaign,
    /// Today, written out.
    pub today: String,
}

fn chinese_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

async fn head(state: &AppState, ctx: &Ctx, id: i64, what: &str) -> AppResult<Head> {
    let (c, community) = store::scope(state, ctx, id).await?;
    Ok(Head {
        title: format!("{}{what}", community.name),
        today: chinese_date(state.today()),
        community,
        c,
    })
}

/// A person's particulars as the review form prints them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Facts {
    /// Gender.
    pub gender: String,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Ethnicity.
    pub ethnicity: String,
    /// Education.
    pub education: Option<String>,
    /// Incumbent member of the outgoing Party committee (count of incumbencies).
    pub incumbent: i64,
}

async fn facts(db: &Db, person: i64) -> AppResult<Facts> {
    Q::new("select gender, birth_date, ethnicity, education, (select count(*) from incumbencies i where i.person_id = p.id and i.committee = 'party') as incumbent \
            from people p where p.id = $1")
        .bind(person)
        .one(db)
        .await
}

/// One nominee's part of the 资格审查表.
pub struct ReviewRow {
    /// The nomination.
    pub n: Nomination,
    /// The person's particulars.
    pub f: Facts,
    /// Age in 周岁 at the reference date, if the birth date is known.
    pub age: Option<i32>,
    /// The C-3/C-4 checks with numbers, results and overrides.
    pub checks: Vec<CheckView>,
}

/// `GET …/party/documents/review-form`: the 资格审查表.
#[derive(Template, WebTemplate)]
#[template(path = "party/doc_review.html")]
pub struct ReviewDoc {
    title: String,
    h: Head,
    rows: Vec<ReviewRow>,
}

pub async fn review_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<ReviewDoc> {
    let h = head(&state, &ctx, id, " 社区党组织换届人选资格审查表").await?;
    let mut rows = Vec::new();
    for n in store::nominations(&state.db, h.c.id)
        .await?
        .into_iter()
        .filter(Nomination::counted)
    {
        let f = facts(&state.db, n.person_id).await?;
        let checks = crate::checks::of(&state.db, store::NOMINATION_SUBJECT, n.id)
            .await?
            .iter()
            .map(|(id, r)| CheckView::of(*id, r))
            .collect();
        rows.push(ReviewRow {
            age: f.birth_date.map(|b| age_on(b, h.c.reference_date)),
            n,
            f,
            checks,
        });
    }
    Ok(ReviewDoc {
        title: h.title.clone(),
        h,
        rows,
    })
}

/// A person on a 公示 notice.
pub struct NoticeRow {
    /// Name.
    pub name: String,
    /// Particulars.
    pub f: Facts,
    /// Posts (拟任).
    pub posts: String,
}

/// `GET …/party/documents/p2-notice` and `…/p4-notice`: a 公示 notice.
#[derive(Template, WebTemplate)]
#[template(path = "party/doc_notice.html")]
pub struct NoticeDoc {
    title: String,
    h: Head,
    /// `P-2` or `P-4`.
    step: &'static str,
    /// The latest publicity period of the step.
    period: Option<(String, String, i64)>,
    rows: Vec<NoticeRow>,
}

fn period_of(list: &[Publicity]) -> Option<(String, String, i64)> {
    list.last().map(|p| {
        (
            chinese_date(p.start_date),
            chinese_date(p.end_date),
            p.days(),
        )
    })
}

fn sort_rows(rows: &mut [NoticeRow]) {
    rows.sort_by(|a, b| cmp_names(&a.name, &b.name));
}

pub async fn p2_notice_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<NoticeDoc> {
    let h = head(&state, &ctx, id, " 社区党组织换届人选资格审查结果公示").await?;
    let mut rows = Vec::new();
    for n in p3::nominees(&state.db, h.c.id).await? {
        rows.push(NoticeRow {
            f: facts(&state.db, n.person_id).await?,
            name: n.name,
            posts: n.posts.join("、"),
        });
    }
    sort_rows(&mut rows);
    Ok(NoticeDoc {
        title: h.title.clone(),
        period: period_of(&store::publicities(&state.db, h.c.id, "P-2").await?),
        step: "P-2",
        h,
        rows,
    })
}

pub async fn p4_notice_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<NoticeDoc> {
    let h = head(
        &state,
        &ctx,
        id,
        " 社区党组织委员会委员初步人选考察对象公示",
    )
    .await?;
    let mut rows = Vec::new();
    for e in read::entries(&state.db, h.c.id, PRELIMINARY).await? {
        if e.inspection.is_some() {
            rows.push(NoticeRow {
                f: facts(&state.db, e.person_id).await?,
                name: e.name,
                posts: "委员".into(),
            });
        }
    }
    sort_rows(&mut rows);
    Ok(NoticeDoc {
        title: h.title.clone(),
        period: period_of(&store::publicities(&state.db, h.c.id, "P-4").await?),
        step: "P-4",
        h,
        rows,
    })
}

/// `GET …/party/documents/recommendation-form`: the blank 民主推荐票.
#[derive(Template, WebTemplate)]
#[template(path = "party/doc_recommend_form.html")]
pub struct FormDoc {
    title: String,
    h: Head,
    /// Per post: label, seats (限推 n 名), the nominees in 姓氏笔画 order.
    posts: Vec<(&'static str, u32, Vec<String>)>,
}

pub async fn form_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<FormDoc> {
    let h = head(&state, &ctx, id, " 社区党组织委员会全额定向民主推荐票").await?;
    let seats = p3::seats(&state.db, h.c.id).await?.unwrap_or(Seats {
        deputies: 0,
        members: 0,
    });
    let nominees = p3::nominees(&state.db, h.c.id).await?;
    let posts = Post::ALL
        .into_iter()
        .filter(|p| seats.of(*p) > 0)
        .map(|post| {
            // Every nominee stands for 委员 (书记 and 副书记 are elected among the 委员).
            let mut names: Vec<String> = nominees
                .iter()
                .filter(|n| post == Post::Member || n.posts.iter().any(|p| p == post.label()))
                .map(|n| n.name.clone())
                .collect();
            names.sort_by(|a, b| cmp_names(a, b));
            (post.label(), seats.of(post), names)
        })
        .collect();
    Ok(FormDoc {
        title: h.title.clone(),
        h,
        posts,
    })
}

/// A person of a list with their P-3 委员 result, for the printed lists.
pub struct ListRow {
    /// The entry.
    pub e: Entry,
    /// 委员 recommendation votes and share.
    pub votes: (u32, String),
}

async fn rows_of(db: &Db, campaign_id: i64, which: &str) -> AppResult<Vec<ListRow>> {
    let standings: Vec<Standing> = read::standings(db, campaign_id).await?;
    let mut rows: Vec<ListRow> = read::entries(db, campaign_id, which)
        .await?
        .into_iter()
        .map(|e| {
            let votes = standings
                .iter()
                .find(|s| s.person_id == e.person_id)
                .and_then(|s| s.votes.last())
                .map_or((0, "0%".into()), |(_, v, share)| (*v, share.clone()));
            ListRow { e, votes }
        })
        .collect();
    rows.sort_by(|a, b| cmp_names(&a.e.name, &b.e.name));
    Ok(rows)
}

/// `GET …/party/documents/preliminary` and `…/candidates`: a list with its checks.
#[derive(Template, WebTemplate)]
#[template(path = "party/doc_list.html")]
pub struct ListDoc {
    title: String,
    h: Head,
    /// `preliminary` | `candidate`.
    which: &'static str,
    list: Option<List>,
    seats: i64,
    participants: u32,
    rows: Vec<ListRow>,
    /// The proposed 书记 then 副书记, in the ballot's order: (post, name).
    leaders: Vec<(String, String)>,
    checks: Vec<CheckView>,
}

async fn list_doc(state: &AppState, ctx: &Ctx, id: i64, which: &'static str) -> AppResult<ListDoc> {
    let what = if which == PRELIMINARY {
        " 社区党组织委员会委员初步人选名单"
    } else {
        " 社区党组织委员会候选人预备人选名单"
    };
    let h = head(state, ctx, id, what).await?;
    let db = &state.db;
    let subject = if which == PRELIMINARY {
        PRELIMINARY_SUBJECT
    } else {
        CANDIDATE_SUBJECT
    };
    let rows = rows_of(db, h.c.id, which).await?;
    Ok(ListDoc {
        title: h.title.clone(),
        which,
        list: read::list(db, h.c.id, which).await?,
        seats: store::size(db, h.c.id).await?.map_or(0, |s| s.members),
        participants: p3::summary(db, h.c.id).await?.participants,
        leaders: leaders(&rows),
        rows,
        checks: read::checks(db, subject, h.c.id)
            .await?
            .iter()
            .map(|(id, r)| CheckView::of(*id, r))
            .collect(),
        h,
    })
}

fn leaders(rows: &[ListRow]) -> Vec<(String, String)> {
    let mut l: Vec<&ListRow> = rows.iter().filter(|r| r.e.leader_post.is_some()).collect();
    l.sort_by_key(|r| r.e.leader_order);
    l.iter()
        .map(|r| {
            (
                r.e.leader_post.clone().unwrap_or_default(),
                r.e.name.clone(),
            )
        })
        .collect()
}

pub async fn preliminary_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<ListDoc> {
    list_doc(&state, &ctx, id, PRELIMINARY).await
}

pub async fn candidates_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<ListDoc> {
    list_doc(&state, &ctx, id, CANDIDATE).await
}

/// `GET …/party/documents/candidates-request`: 关于社区党组织委员会候选人预备人选的请示.
#[derive(Template, WebTemplate)]
#[template(path = "party/doc_request.html")]
pub struct RequestDoc {
    title: String,
    d: ListDoc,
    deputies: i64,
    meeting: Option<String>,
    preliminary: usize,
    inspected: usize,
    publicity: Option<(String, String, i64)>,
}

pub async fn request_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<RequestDoc> {
    let mut d = list_doc(&state, &ctx, id, CANDIDATE).await?;
    let db = &state.db;
    let cid = d.h.c.id;
    d.h.title = format!(
        "{}关于社区党组织委员会候选人预备人选的请示",
        d.h.community.name
    );
    let prelim = read::entries(db, cid, PRELIMINARY).await?;
    Ok(RequestDoc {
        title: d.h.title.clone(),
        deputies: store::size(db, cid).await?.map_or(0, |s| s.deputies),
        meeting: p3::meeting(db, cid)
            .await?
            .map(|m| chinese_date(m.meeting_date)),
        preliminary: prelim.len(),
        inspected: prelim.iter().filter(|e| e.inspection.is_some()).count(),
        publicity: period_of(&store::publicities(db, cid, "P-4").await?),
        d,
    })
}

impl ListDoc {
    /// The date the list was fixed, written out.
    fn fixed(&self) -> String {
        self.list
            .as_ref()
            .map_or("—".into(), |l| chinese_date(l.fixed_on))
    }
}

impl RequestDoc {
    /// The differential: candidates beyond the seats.
    fn margin(&self) -> i64 {
        self.d.rows.len() as i64 - self.d.seats
    }
}
