//! P-1 公开推荐: recording nominations (with the backers of joint ones), the nominee's dated
//! consent, the registration desk's summary (报名汇总表), and closing the step.

use std::collections::HashSet;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx, is_unique_violation};
use crate::domain::party;
use crate::domain::person::{parse_date, party_status_label};
use crate::error::{AppError, AppResult, FieldError};
use crate::party::store::{self, CHANNELS, Nomination, POSTS, is_joint};
use crate::state::AppState;

/// P-1: backers a joint nomination by Party members needs.
const MIN_MEMBER_BACKERS: usize = party::JOINT_PARTY_MEMBERS_MIN as usize;
/// P-1: backers a joint nomination by residents needs.
const MIN_RESIDENT_BACKERS: usize = party::JOINT_RESIDENTS_MIN as usize;

/// Input for a nomination.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NominationInput {
    /// The nominee by person id, or
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// by ID number.
    pub id_number: String,
    /// 书记 | 副书记 | 委员.
    pub post: String,
    /// A channel value.
    pub channel: String,
    /// Backers' ID numbers: one per line (forms) or a list (JSON).
    #[serde(deserialize_with = "lines")]
    pub backers: Vec<String>,
    /// The nominee's consent date, if already given.
    pub consent_date: String,
}

/// A list of strings, or one text with one entry per line.
fn lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum L {
        List(Vec<String>),
        Text(String),
    }
    let raw = match Option::<L>::deserialize(d)? {
        None => Vec::new(),
        Some(L::List(v)) => v,
        Some(L::Text(t)) => t.lines().map(str::to_string).collect(),
    };
    Ok(raw
        .into_iter()
        .map(|s| s.trim().to_uppercase())
        .filter(|s| !s.is_empty())
        .collect())
}

#[derive(sqlx::FromRow)]
struct Someone {
    id: i64,
    name: String,
    party_status: String,
}

const OF_COMMUNITY: &str = "(residence_community_id = $2 or hukou_community_id = $2)";

/// Records a nomination; a joint one below its threshold, with an unknown or ineligible
/// backer, or with a backer who already backs this nominee, is refused and nothing stored.
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &NominationInput,
) -> AppResult<Nomination> {
    crate::steps::require_writable(&state.db, c, "P-1", "推荐（提名）").await?;
    if !POSTS.contains(&f.post.as_str()) {
        return Err(AppError::invalid("拟任职务", "应为书记、副书记或委员"));
    }
    if !CHANNELS.iter().any(|(k, _)| *k == f.channel) {
        return Err(AppError::invalid("推荐渠道", "请选择推荐渠道"));
    }
    let id_number = f.id_number.trim().to_uppercase();
    let nominee: Someone = Q::new(format!(
        "select id, name, party_status from people where (id = $1 or id_number = $3) and {OF_COMMUNITY}"
    ))
    .bind(f.person_id.unwrap_or(-1))
    .bind(community.id)
    .bind(if id_number.is_empty() { "-".to_string() } else { id_number })
    .optional(&state.db)
    .await?
    .ok_or_else(|| AppError::invalid("被推荐人", "本社区没有此人（请按人员编号或身份证号填写，并先在人员信息中登记）"))?;
    if !crate::domain::party::check_full_member(&nominee.party_status).passed {
        return Err(AppError::invalid(
            "被推荐人",
            format!(
                "{}为{}，被推荐人须为正式党员（不是预备党员、未受留党察看处分、党籍权利未被停止）",
                nominee.name,
                party_status_label(&nominee.party_status)
            ),
        ));
    }
    let consent = match f.consent_date.trim() {
        "" => None,
        s => Some(
            parse_date(s)
                .ok_or_else(|| AppError::invalid("本人同意日期", format!("“{s}”不是有效日期")))?,
        ),
    };
    let backers = if is_joint(&f.channel) {
        backers_of(state, c, community, &nominee, f).await?
    } else if !f.backers.is_empty() {
        return Err(AppError::invalid("联名人", "只有联名推荐才登记联名人"));
    } else {
        Vec::new()
    };
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let user = ctx.user()?.id;
    let id = Q::new(
        "insert into party_nominations (campaign_id, person_id, post, channel, consent_date, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
    )
    .bind(c.id)
    .bind(nominee.id)
    .bind(&f.post)
    .bind(&f.channel)
    .bind(consent)
    .bind(user)
    .bind(now)
    .try_scalar(&mut tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::invalid("被推荐人", format!("已有同一渠道推荐{}任{}", nominee.name, f.post))
        } else {
            e.into()
        }
    })?;
    insert_backers(&mut tx, c.id, id, nominee.id, &backers).await?;
    let n = Nomination {
        id,
        campaign_id: c.id,
        person_id: nominee.id,
        name: nominee.name.clone(),
        id_number: None,
        party_status: nominee.party_status.clone(),
        party_org: None,
        post: f.post.clone(),
        channel: f.channel.clone(),
        consent_date: consent,
        backers: backers.len() as i64,
        decision: None,
        decision_reason: None,
        created_at: now,
    };
    let backer_ids: Vec<i64> = backers.iter().map(|b| b.id).collect();
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "create",
            entity: "party_nomination",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!({"nomination": n, "backer_ids": backer_ids})),
        },
    )
    .await?;
    tx.commit().await?;
    store::nomination(&state.db, c.id, id).await
}

async fn insert_backers(
    tx: &mut Tx,
    campaign_id: i64,
    nomination_id: i64,
    nominee_id: i64,
    backers: &[Someone],
) -> AppResult<()> {
    for b in backers {
        Q::new("insert into party_backers (nomination_id, campaign_id, nominee_id, backer_id, created_at) values ($1, $2, $3, $4, $5)")
            .bind(nomination_id)
            .bind(campaign_id)
            .bind(nominee_id)
            .bind(b.id)
            .bind(crate::now())
            .try_execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AppError::invalid("联名人", format!("{}已联名推荐过该被推荐人，同一人只能联名推荐一次", b.name))
                } else {
                    e.into()
                }
            })?;
    }
    Ok(())
}

/// Resolves and checks a joint nomination's backers; every problem is reported at once.
async fn backers_of(
    state: &AppState,
    c: &Campaign,
    community: &Community,
    nominee: &Someone,
    f: &NominationInput,
) -> AppResult<Vec<Someone>> {
    let members = f.channel == "members";
    let (min, who) = if members {
        (MIN_MEMBER_BACKERS, "党员")
    } else {
        (MIN_RESIDENT_BACKERS, "居民")
    };
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for (i, idn) in f.backers.iter().enumerate() {
        let line = i + 1;
        if !seen.insert(idn.clone()) {
            problems.push(format!("第 {line} 行 {}：重复", crate::web::mask_id(idn)));
            continue;
        }
        let p: Option<Someone> = Q::new(format!(
            "select id, name, party_status from people where id_number = $1 and {OF_COMMUNITY}"
        ))
        .bind(idn)
        .bind(community.id)
        .optional(&state.db)
        .await?;
        match p {
            None => problems.push(format!(
                "第 {line} 行 {}：本社区没有此人",
                crate::web::mask_id(idn)
            )),
            Some(p) if p.id == nominee.id => {
                problems.push(format!("第 {line} 行 {}：被推荐人本人不能联名", p.name))
            }
            Some(p)
                if members && !crate::domain::party::check_full_member(&p.party_status).passed =>
            {
                problems.push(format!(
                    "第 {line} 行 {}：{}，党员联名须为正式党员",
                    p.name,
                    party_status_label(&p.party_status)
                ))
            }
            Some(p) => found.push(p),
        }
    }
    for p in &found {
        let n = Q::new("select count(*) from party_backers where campaign_id = $1 and nominee_id = $2 and backer_id = $3")
            .bind(c.id)
            .bind(nominee.id)
            .bind(p.id)
            .scalar(&state.db)
            .await?;
        if n > 0 {
            problems.push(format!(
                "{}已联名推荐过{}，同一人只能联名推荐一次",
                p.name, nominee.name
            ));
        }
    }
    let mut errors: Vec<FieldError> = problems
        .into_iter()
        .map(|message| FieldError {
            field: "联名人".into(),
            message,
        })
        .collect();
    if found.len() < min {
        errors.push(FieldError {
            field: "联名人".into(),
            message: format!(
                "有效联名{who} {} 人，少于 {min} 人，不能作为{who}联名推荐",
                found.len()
            ),
        });
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Input for the consent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsentInput {
    /// The date the nominee consented.
    pub consent_date: String,
}

/// Records (or corrects) the nominee's dated consent.
pub async fn consent(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    nid: i64,
    f: &ConsentInput,
) -> AppResult<Nomination> {
    crate::steps::require_writable(&state.db, c, "P-1", "被推荐人的同意").await?;
    let before = store::nomination(&state.db, c.id, nid).await?;
    let s = f.consent_date.trim();
    if s.is_empty() {
        return Err(AppError::invalid("本人同意日期", "不能为空"));
    }
    let date = parse_date(s)
        .ok_or_else(|| AppError::invalid("本人同意日期", format!("“{s}”不是有效日期")))?;
    let mut tx = state.db.begin().await?;
    Q::new("update party_nominations set consent_date = $1, updated_at = $2 where id = $3")
        .bind(date)
        .bind(crate::now())
        .bind(nid)
        .execute(&mut tx)
        .await?;
    let after = Nomination {
        consent_date: Some(date),
        ..before.clone()
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "consent",
            entity: "party_nomination",
            entity_id: nid.to_string(),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Marks P-1 done: the size must satisfy C-1 and at least one nomination must count.
pub async fn finish_p1(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    let check = store::size_check(&state.db, c.id).await?;
    if !crate::party::size::size_ok(&check) {
        return Err(AppError::conflict(
            "委员会职数（C-1）尚未确定或不符合规定且未经街道工作组批准，公开推荐不能结束。",
        ));
    }
    let noms = store::nominations(&state.db, c.id).await?;
    if !noms.iter().any(Nomination::counted) {
        return Err(AppError::conflict(
            "尚无计入的推荐（联名推荐须有本人同意），公开推荐不能结束。",
        ));
    }
    let mut tx = state.db.begin().await?;
    let after =
        json!({"done_at": crate::now(), "counted": noms.iter().filter(|n| n.counted()).count()});
    crate::steps::close(&mut tx, ctx, c, community, "P-1", after).await?;
    tx.commit().await
}

/// One row of the 报名汇总表: a counted nominee for a post, with the channels behind them.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryRow {
    /// Post.
    pub post: String,
    /// Nominee.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Membership outside the community's organisation.
    pub outside: bool,
    /// Channels: (label, backers; 0 for channels without backers).
    pub channels: Vec<(String, i64)>,
}

/// The registration desk's summary: per post, each counted nominee and their channels.
pub fn summary(noms: &[Nomination]) -> Vec<SummaryRow> {
    let mut rows: Vec<SummaryRow> = Vec::new();
    for post in POSTS {
        for n in noms.iter().filter(|n| n.post == post && n.counted()) {
            let channel = (n.channel_label().to_string(), n.backers);
            match rows
                .iter_mut()
                .find(|r| r.post == post && r.person_id == n.person_id)
            {
                Some(r) => r.channels.push(channel),
                None => rows.push(SummaryRow {
                    post: post.into(),
                    person_id: n.person_id,
                    name: n.name.clone(),
                    outside: n.outside(),
                    channels: vec![channel],
                }),
            }
        }
    }
    rows
}
