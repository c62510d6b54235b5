//! The demo's D-1 换届纪律, through the JSON API as the street: every nominee and candidate of the
//! demo's campaigns signs the commitment, one collective talk with 舜华社区's nominees, and one
//! discipline report — against a community, naming nobody — handled and closed; then D-1 is
//! closed if its conditions hold. A second load signs only who is new and adds no second talk
//! or report.

use serde_json::json;

use super::client::Client;
use crate::db::Q;
use crate::error::AppResult;
use crate::state::AppState;

/// Fills D-1 for the demo street; one line for the report when something was done.
pub async fn fill(state: &AppState, street: &Client) -> AppResult<Vec<String>> {
    let year = crate::street_steps::year(&state.db, state.today()).await?;
    let campaigns: Vec<(i64, String)> = Q::new(
        "select c.id, m.code from campaigns c join communities m on m.id = c.community_id where c.year = $1 order by m.code",
    )
    .bind(year)
    .all(&state.db)
    .await?;
    let mut signed = 0;
    for (c, _) in &campaigns {
        for d in crate::discipline::commitments::due(&state.db, *c).await? {
            if !d.signed() {
                street
                    .post(
                        &format!("/api/v1/campaigns/{c}/commitments"),
                        json!({"person_id": d.person_id, "signed_on": format!("{year}-04-28")}),
                    )
                    .await?;
                signed += 1;
            }
        }
    }
    let talks = Q::new("select count(*) from discipline_talks")
        .scalar(&state.db)
        .await?;
    if talks == 0
        && let Some((c, _)) = campaigns.iter().find(|(_, code)| code == "sg01")
    {
        let people: Vec<i64> = crate::discipline::commitments::due(&state.db, *c)
            .await?
            .into_iter()
            .map(|d| d.person_id)
            .take(12)
            .collect();
        if !people.is_empty() {
            street
                .post(
                    "/api/v1/discipline/talks",
                    json!({"held_on": format!("{year}-04-20"), "place": "街道党工委会议室",
                        "talked_by": "街道党工委书记、纪工委书记",
                        "points": "一、讲清换届纪律“十严禁”，严禁拉票贿选、严禁以暴力威胁欺骗等手段干扰选举。\n二、要求参与竞争人员正确对待进退留转，尊重选举结果。\n三、发现违纪问题及时向街道换届选举工作领导小组办公室反映。",
                        "people": people}),
                )
                .await?;
        }
    }
    let reports = Q::new("select count(*) from discipline_reports")
        .scalar(&state.db)
        .await?;
    if reports == 0 && campaigns.iter().any(|(_, code)| code == "sg02") {
        let v = street
            .post(
                "/api/v1/discipline/reports",
                json!({"received_on": format!("{year}-04-18"), "channel": "phone", "community": "sg02",
                    "category": "other", "summary": "来电反映某居民小组换届宣传材料张贴不全，群众不了解推荐程序"}),
            )
            .await?;
        let id = v["report"]["id"].as_i64().unwrap_or_default();
        street
            .post(
                &format!("/api/v1/discipline/reports/{id}/steps"),
                json!({"done_on": format!("{year}-04-19"), "action": "街道工作人员到社区核实，补贴宣传材料",
                    "handled_by": "街道换届选举工作领导小组办公室"}),
            )
            .await?;
        street
            .post(
                &format!("/api/v1/discipline/reports/{id}/close"),
                json!({"outcome": "经核实已整改，向来电人作了答复", "closed_on": format!("{year}-04-20")}),
            )
            .await?;
    }
    let mut out = Vec::new();
    let facts = crate::discipline::facts(&state.db, year).await?;
    let done = crate::street_steps::done(&state.db, year).await?;
    if facts.iter().all(|f| f.passed) && !done.contains_key("D-1") {
        street
            .post("/api/v1/street/steps/D-1/close", json!({}))
            .await?;
        out.push(format!(
            "换届纪律（D-1）：{signed} 人签订承诺书，集体谈话、违纪举报已登记办结，D-1 已完成"
        ));
    }
    Ok(out)
}
