//! R-5's and R-6's print documents (A4, the print layout): the 候选人名单及资格审查表 (every
//! nominee by post with the C-3/C-4 checks and the four reviews) and the notice-board sheet of
//! the official candidates' introductions (by post, then 姓氏笔画; no ID numbers).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::error::AppResult;
use crate::residents::r5_nominees::web::{PostGroup, groups};
use crate::residents::r6_introductions::write::{self as introductions, Profile};
use crate::scope::CampaignScope;
use crate::state::AppState;

/// `GET …/residents/nominees/print`: the nominees and their reviews.
#[derive(Template, WebTemplate)]
#[template(path = "residents/nominees_print.html")]
pub struct NomineesDoc {
    title: String,
    community: Community,
    c: Campaign,
    groups: Vec<PostGroup>,
}

pub async fn nominees_print(
    State(state): State<AppState>,
    scope: CampaignScope,
) -> AppResult<NomineesDoc> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(NomineesDoc {
        title: format!(
            "{}{}居民委员会成员候选人名单及资格审查表",
            community.name, c.term
        ),
        groups: groups(&state, &c, &Default::default()).await?,
        community,
        c,
    })
}

/// `GET …/residents/introductions/print`: the notice-board sheet.
#[derive(Template, WebTemplate)]
#[template(path = "residents/introductions_print.html")]
pub struct IntroductionsDoc {
    title: String,
    community: Community,
    c: Campaign,
    profiles: Vec<Profile>,
}

pub async fn introductions_print(
    State(state): State<AppState>,
    scope: CampaignScope,
) -> AppResult<IntroductionsDoc> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(IntroductionsDoc {
        title: format!("{}{}居民委员会正式候选人简介", community.name, c.term),
        profiles: introductions::profiles(&state.db, &c).await?,
        community,
        c,
    })
}
