//! The street's override (批准放宽) of a failed rule check of the residents' pipeline from its
//! pages: only a check whose subject belongs to this campaign's residents' pipeline (the seats,
//! a group, a representative, the committee, the rules, a voter, the voter list, a nominee, the
//! slate, the election, a proxy, a mobile ballot box, a write-in decision); a statutory check is
//! refused by the same rule as `/api/v1/checks/{id}/override`. A flash, then back to the page
//! that shows the check.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::r3_rules::write::ADOPTION_SUBJECT;
use super::r4_voters::read::{LIST_SUBJECT, VOTER_SUBJECT};
use super::r5_nominees::close::SLATE_SUBJECT;
use super::r5_nominees::write::NOMINEE_SUBJECT;
use super::r7_election::read::{BOX_SUBJECT, ELECTION_SUBJECT, PROXY_SUBJECT, WRITEIN_SUBJECT};
use super::store::{self, COMMITTEE_SUBJECT, GROUP_SUBJECT, REPRESENTATIVE_SUBJECT, SEATS_SUBJECT};
use super::web::base;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, post};
use crate::state::AppState;
use crate::web::finish;

/// The override's page route (street only).
pub fn check_routes() -> Vec<RouteDef> {
    vec![post(
        "/communities/{code}/campaigns/{campaign}/residents/checks/{rchk}/override",
        Access::Street,
        axum::routing::post(override_post),
    )]
}

/// Subjects keyed by the campaign's id, and the page (under the pipeline's path) showing them.
const BY_CAMPAIGN: [(&str, &str); 6] = [
    (SEATS_SUBJECT, ""),
    (COMMITTEE_SUBJECT, "/committee"),
    (ADOPTION_SUBJECT, "/rules"),
    (LIST_SUBJECT, "/voters"),
    (SLATE_SUBJECT, "/nominees"),
    (ELECTION_SUBJECT, "/election"),
];

/// Subjects keyed by a row of a table with a `campaign_id`, and the page showing them.
const BY_ROW: [(&str, &str, &str); 6] = [
    (
        REPRESENTATIVE_SUBJECT,
        "residents_representatives",
        "/representatives",
    ),
    (VOTER_SUBJECT, "resident_voters", "/voters"),
    (NOMINEE_SUBJECT, "resident_nominees", "/nominees"),
    (PROXY_SUBJECT, "resident_proxies", "/election"),
    (BOX_SUBJECT, "resident_mobile_boxes", "/election"),
    (WRITEIN_SUBJECT, "resident_writein_decisions", "/election"),
];

/// The page (relative to the pipeline's path) showing check `chk` if it belongs to campaign
/// `c`'s residents' pipeline; `None` for any other check.
async fn page_of(db: &Db, c: &Campaign, chk: i64) -> AppResult<Option<&'static str>> {
    let row: Option<(String, i64)> =
        Q::new("select subject_type, subject_id from rule_checks where id = $1")
            .bind(chk)
            .optional(db)
            .await?;
    let Some((subject, sid)) = row else {
        return Ok(None);
    };
    if let Some((_, page)) = BY_CAMPAIGN.iter().find(|(s, _)| *s == subject) {
        return Ok((sid == c.id).then_some(*page));
    }
    if subject == GROUP_SUBJECT {
        let n = Q::new("select count(*) from resident_groups where id = $1 and community_id = $2")
            .bind(sid)
            .bind(c.community_id)
            .scalar(db)
            .await?;
        return Ok((n > 0).then_some("/representatives"));
    }
    if let Some((_, table, page)) = BY_ROW.iter().find(|(s, _, _)| *s == subject) {
        let sql = format!("select count(*) from {table} where id = $1 and campaign_id = $2");
        let n = Q::new(sql).bind(sid).bind(c.id).scalar(db).await?;
        return Ok((n > 0).then_some(*page));
    }
    Ok(None)
}

/// Override form: the reason (required).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverrideInput {
    reason: String,
}

/// Overrides a failed check of this campaign's residents' pipeline; a check of anything else
/// is not found.
pub async fn override_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, chk)): Path<(String, i64, i64)>,
    Form(f): Form<OverrideInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let page = page_of(&state.db, &c, chk)
        .await?
        .ok_or(AppError::NotFound)?;
    let back = format!("{}{page}", base(&community, &c));
    let r = crate::checks::override_check(&state, &ctx, chk, &f.reason, None).await;
    finish(&session, &back, r, |_| "已批准放宽。".to_string()).await
}
