//! D-1 换届纪律 (the seed's 四、组织领导, through every phase): the "换届我承诺" commitments signed
//! by every nominee and candidate (`commitments`), the street's collective talks (`talks`), and
//! the street-only register of discipline reports with their handling (`register`). `web` and
//! `api` are the pages and the JSON, `docs` the printable commitments and talk records. D-1's
//! close condition is evaluated here ([`facts`]) and closed through `crate::street_steps`.

pub mod api;
pub mod commitments;
pub mod docs;
pub mod register;
pub mod talks;
pub mod web;

pub use register::{flagged, flags_for, open_reports};

use chrono::NaiveDate;

use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, create, get, post, put};
use crate::street_steps::Fact;

/// This module's routes: the D-1 page, the commitments (street and the community's staff),
/// the talks (street) and the register (street only, hidden from everyone else).
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let hidden = Access::StreetHidden;
    vec![
        get("/discipline", Access::Street, r::get(web::index_get)),
        post(
            "/discipline/commitment",
            Access::Street,
            r::post(web::commitment_text_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/commitments",
            Access::Community,
            r::get(web::commitments_get),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/commitments",
            Access::Community,
            r::post(web::sign_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/commitments/print",
            Access::Community,
            r::get(docs::commitments_print),
        ),
        get("/discipline/talks", Access::Street, r::get(web::talks_get)),
        create("/discipline/talks", Access::Street, r::post(web::talk_post)),
        get(
            "/discipline/talks/{talk}/print",
            Access::Street,
            r::get(docs::talk_print),
        ),
        get("/discipline/reports", hidden, r::get(web::reports_get)),
        create("/discipline/reports", hidden, r::post(web::report_post)),
        get(
            "/discipline/reports/{report}",
            hidden,
            r::get(web::report_get),
        ),
        create(
            "/discipline/reports/{report}/steps",
            hidden,
            r::post(web::step_post),
        ),
        post(
            "/discipline/reports/{report}/close",
            hidden,
            r::post(web::close_post),
        ),
        // JSON API.
        get("/api/v1/discipline", Access::Street, r::get(api::overview)),
        put(
            "/api/v1/discipline/commitment",
            Access::Street,
            r::put(api::commitment_text),
        ),
        get(
            "/api/v1/campaigns/{campaign}/commitments",
            Access::Community,
            r::get(api::commitments),
        ),
        create(
            "/api/v1/campaigns/{campaign}/commitments",
            Access::Community,
            r::post(api::sign),
        ),
        get(
            "/api/v1/discipline/talks",
            Access::Street,
            r::get(api::talks),
        ),
        create(
            "/api/v1/discipline/talks",
            Access::Street,
            r::post(api::talk_create),
        ),
        get("/api/v1/discipline/reports", hidden, r::get(api::reports)),
        create(
            "/api/v1/discipline/reports",
            hidden,
            r::post(api::report_create),
        ),
        get(
            "/api/v1/discipline/reports/{report}",
            hidden,
            r::get(api::report),
        ),
        create(
            "/api/v1/discipline/reports/{report}/steps",
            hidden,
            r::post(api::step_create),
        ),
        post(
            "/api/v1/discipline/reports/{report}/close",
            hidden,
            r::post(api::report_close),
        ),
    ]
}

/// D-1's close condition (承诺书、集体谈话已登记，每项违纪举报均已处理), evaluated for the street's
/// campaign year: every nominee and candidate of that year's campaigns has signed, at least one
/// collective talk was held that year, and no report is open.
pub async fn facts(db: &Db, year: i64) -> AppResult<Vec<Fact>> {
    let (due, signed) = commitments::year_counts(db, year).await?;
    let talks = talks::count_in(db, year).await?;
    let open = open_reports(db).await?;
    Ok(vec![
        Fact::of(
            "D-1",
            "reports_handled",
            due > 0 && signed == due,
            if due == 0 {
                format!("{year} 年尚无被提名人和候选人签订承诺书")
            } else {
                format!("被提名人和候选人应签订承诺书 {due} 人，已签订 {signed} 人")
            },
        ),
        Fact::of(
            "D-1",
            "reports_handled",
            talks > 0,
            format!("{year} 年已开展集体谈话 {talks} 次"),
        ),
        Fact::of(
            "D-1",
            "reports_handled",
            open == 0,
            format!("违纪举报尚未办结 {open} 件"),
        ),
    ])
}

/// A required date field.
pub(crate) fn date(field: &str, s: &str) -> AppResult<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AppError::invalid(field, "不能为空"));
    }
    crate::domain::person::parse_date(s)
        .ok_or_else(|| AppError::invalid(field, format!("“{s}”不是有效日期")))
}

/// A required text field, trimmed.
pub(crate) fn required(field: &str, s: &str) -> AppResult<String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AppError::invalid(field, "不能为空"));
    }
    Ok(s.to_string())
}
