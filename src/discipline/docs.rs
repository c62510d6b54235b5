//! The printable documents of D-1 (on the print base): the "换届我承诺" commitment, one sheet per
//! person with the name filled in and lines for the signature and the date — one person
//! (`?person=`) or everyone who must sign in the campaign — and a collective talk's record.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::commitments;
use super::talks::{self, Talk};
use crate::error::{AppError, AppResult};
use crate::scope::CampaignScope;
use crate::state::AppState;

/// One commitment sheet.
pub struct Sheet {
    /// The person's name.
    pub name: String,
    /// The text (as signed, else the text in force).
    pub paragraphs: Vec<String>,
    /// The day signed, if recorded.
    pub signed_on: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "discipline/commitments_print.html")]
pub struct CommitmentsDoc {
    title: String,
    community: String,
    term: String,
    sheets: Vec<Sheet>,
}

/// Which commitments to print.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Which {
    /// One person; absent: everyone who must sign.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person: Option<i64>,
}

fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// `GET …/campaigns/{campaign}/commitments/print[?person=…]`.
pub async fn commitments_print(
    State(state): State<AppState>,
    scope: CampaignScope,
    Query(w): Query<Which>,
) -> AppResult<CommitmentsDoc> {
    let c = &scope.campaign;
    let due = commitments::due(&state.db, c.id).await?;
    let signed = commitments::signatures(&state.db, c.id).await?;
    let current = commitments::text(&state.db).await?;
    let chosen: Vec<_> = match w.person {
        Some(p) => {
            let one: Vec<_> = due.into_iter().filter(|d| d.person_id == p).collect();
            if one.is_empty() {
                return Err(AppError::NotFound);
            }
            one
        }
        None => due,
    };
    let sheets = chosen
        .into_iter()
        .map(|d| {
            let s = signed.iter().find(|s| s.person_id == d.person_id);
            Sheet {
                paragraphs: paragraphs(s.map_or(current.as_str(), |s| s.text.as_str())),
                signed_on: s.map(|s| s.signed_on.format("%Y 年 %-m 月 %-d 日").to_string()),
                name: d.name,
            }
        })
        .collect();
    Ok(CommitmentsDoc {
        title: format!("{} 换届我承诺", scope.community.name),
        community: scope.community.name.clone(),
        term: c.term.clone(),
        sheets,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "discipline/talk_print.html")]
pub struct TalkDoc {
    title: String,
    t: Talk,
    points: Vec<String>,
}

/// `GET /discipline/talks/{talk}/print`.
pub async fn talk_print(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<TalkDoc> {
    let t = talks::get(&state.db, id).await?;
    Ok(TalkDoc {
        title: format!("集体谈话记录（{}）", t.held_on),
        points: paragraphs(&t.points),
        t,
    })
}
