//! The demo's W-4, driven through the JSON API as the street would, once 舜华社区 (sg01) has
//! closed W-1 … W-3: the street submits the year's 换届工作总结 (the draft from the figures),
//! archives the campaign's documents, and inspects it — the inspection passes, freezes the
//! statistics and closes W-4, so the campaign is over. A campaign whose W-4 is closed is left
//! alone, so loading twice changes nothing.

use serde_json::json;

use super::client::Client;
use crate::error::AppResult;
use crate::state::AppState;
use crate::steps::Progress;

/// Days after the new committees were formed on which the street inspects (the demo's
/// handover is on the fourth).
const AFTER_FORMED: u64 = 15;

/// Drives W-4 of `code`; a line for the report when something was done.
pub async fn drive(state: &AppState, street: &Client, code: &str) -> AppResult<Option<String>> {
    let Some((c, _)) = super::party::campaign_of(state, code).await? else {
        return Ok(None);
    };
    let p = Progress::load(&state.db, c).await?;
    if p.closed("W-4") || !["W-1", "W-2", "W-3"].iter().all(|s| p.closed(s)) {
        return Ok(None);
    }
    let h = street
        .get(&format!("/api/v1/campaigns/{c}/wrapup/handover"))
        .await?;
    let Some(formed) = h["formed_on"]
        .as_str()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return Ok(None);
    };
    let day = formed + chrono::Days::new(AFTER_FORMED);
    street.on(&day.to_string());
    let summary = street.get("/api/v1/summary").await?;
    if summary["submitted_at"].is_null() {
        street.post("/api/v1/summary/submit", json!({})).await?;
    }
    let archive = street
        .post(&format!("/api/v1/campaigns/{c}/wrapup/archives"), json!({}))
        .await?;
    street
        .post(
            &format!("/api/v1/campaigns/{c}/wrapup/inspection"),
            json!({
                "inspector": "街道换届工作领导小组 周建华、李晓梅",
                "inspected_on": day.to_string(),
                "verdict": "passed",
                "remarks": "交接清单、组织体系、自治章程齐全，文书已归档。",
            }),
        )
        .await?;
    Ok(Some(format!(
        "{code}：换届工作总结已提交，文书 {} 个文件已归档，街道于 {day} 验收合格，W-4 已完成",
        archive["archive"]["files"]
    )))
}
