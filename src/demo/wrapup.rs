//! The demo's wrap-up, driven through the JSON API as the street would: 舜华社区 (sg01), whose two
//! pipelines the demo completed, holds its handover four days after the new committees were
//! formed with the full checklist ticked by both sides (W-1), records every elected member's
//! 分工, two subcommittees, the 民主理财小组 and the 居务公开小组 and a work plan (W-2), and adopts
//! its 居民自治章程 and 居民公约 with two meeting systems (W-3); each step is then closed. A step
//! already closed is left alone, so loading twice changes nothing.

use serde_json::{Value, json};

use super::client::Client;
use crate::db::Q;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::steps::Progress;

/// Quantities of the default checklist items.
const QUANTITIES: [(&str, &str); 15] = [
    ("社区党组织印章", "1 枚"),
    ("居民委员会印章", "1 枚"),
    ("居务监督委员会印章", "1 枚"),
    ("文书档案", "36 卷"),
    ("会计档案", "24 卷"),
    ("换届选举档案", "8 卷"),
    ("银行账户及存款余额", "基本户 1 个，余额 12.6 万元"),
    ("现金余额", "1,280 元"),
    ("票据及账簿", "账簿 6 本，空白票据 2 本"),
    ("办公用房", "社区服务中心 420 平方米"),
    ("办公设备", "电脑 8 台，打印机 3 台"),
    ("债权清单", "无"),
    ("债务清单", "无"),
    ("工作计划及台账", "12 册"),
    ("居民花名册", "4 册"),
];

/// Drives W-1 … W-3 of `code`; a line for the report when something was done.
pub async fn drive(state: &AppState, street: &Client, code: &str) -> AppResult<Option<String>> {
    let Some((c, community_id)) = super::party::campaign_of(state, code).await? else {
        return Ok(None);
    };
    let progress = Progress::load(&state.db, c).await?;
    if !(progress.closed("P-7") && progress.closed("R-8")) {
        return Ok(None);
    }
    let base = format!("/api/v1/campaigns/{c}/wrapup");
    let h = street.get(&format!("{base}/handover")).await?;
    let formed = h["formed_on"]
        .as_str()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| AppError::internal("demo: the new committees' formation is unknown"))?;
    let held = formed + chrono::Duration::days(4);
    street.on(&held.to_string());
    let org = street.get(&format!("{base}/organisation")).await?;
    let members: Vec<Value> = org["members"].as_array().cloned().unwrap_or_default();
    let lead = |committee: &str, post: &str| -> String {
        members
            .iter()
            .find(|m| {
                m["committee"] == committee && m["posts"].as_str().unwrap_or("").contains(post)
            })
            .and_then(|m| m["name"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    let mut done = Vec::new();
    if !progress.closed("W-1") {
        handover(
            street,
            &base,
            &held.to_string(),
            &lead("party", "书记"),
            &lead("residents", "主任"),
        )
        .await?;
        done.push("W-1");
    }
    if !progress.closed("W-2") {
        organisation(state, street, &base, &members, community_id).await?;
        done.push("W-2");
    }
    if !progress.closed("W-3") {
        charter(street, &base, &held.to_string()).await?;
        done.push("W-3");
    }
    if done.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "{code}：总结完善 {} 已完成，新老班子于 {held} 交接（新班子 {formed} 产生）",
        done.join("、")
    )))
}

async fn handover(
    street: &Client,
    base: &str,
    held: &str,
    secretary: &str,
    director: &str,
) -> AppResult<()> {
    let h = format!("{base}/handover");
    street
        .put(
            &format!("{h}/meeting"),
            json!({"held_on": held, "handed_by": "上届社区党组织书记、居委会主任",
                   "received_by": format!("{secretary}、{director}"), "witnessed_by": "街道党工委组织委员"}),
        )
        .await?;
    let v = street
        .post(&format!("{h}/items/defaults"), json!({}))
        .await?;
    let items: Vec<Value> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let name = i["name"].as_str().unwrap_or_default();
            let q = QUANTITIES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, q)| *q);
            json!({"id": i["id"], "quantity": q, "handed": true, "received": true})
        })
        .collect();
    street
        .put(&format!("{h}/items"), json!({"items": items}))
        .await?;
    street.post(&format!("{h}/close"), json!({})).await?;
    Ok(())
}

/// A 分工 by committee and post, the n-th of its kind.
fn duty(committee: &str, posts: &str, n: usize) -> &'static str {
    const PARTY: [&str; 4] = [
        "负责宣传和精神文明建设",
        "负责纪检和党风廉政建设",
        "负责青年、妇女和统战工作",
        "负责党员教育管理",
    ];
    const RESIDENTS: [&str; 3] = [
        "负责人民调解和治安保卫",
        "负责公共卫生和环境物业",
        "负责社会福利和为民服务",
    ];
    match (committee, posts) {
        ("party", p) if p.contains("副书记") => "协助书记工作，负责组织工作",
        ("party", p) if p.contains("书记") => "主持党组织全面工作",
        ("party", _) => PARTY[n % PARTY.len()],
        (_, p) if p.contains("副主任") => "负责民政和社会保障工作",
        (_, p) if p.contains("主任") => "主持居民委员会全面工作",
        _ => RESIDENTS[n % RESIDENTS.len()],
    }
}

async fn organisation(
    state: &AppState,
    street: &Client,
    base: &str,
    members: &[Value],
    community_id: i64,
) -> AppResult<()> {
    let o = format!("{base}/organisation");
    let mut counts = (0, 0);
    let duties: Vec<Value> = members
        .iter()
        .map(|m| {
            let committee = m["committee"].as_str().unwrap_or_default();
            let n = if committee == "party" {
                &mut counts.0
            } else {
                &mut counts.1
            };
            let d = duty(committee, m["posts"].as_str().unwrap_or_default(), *n);
            *n += 1;
            json!({"committee": committee, "name": m["name"], "duty": d})
        })
        .collect();
    street
        .put(&format!("{o}/duties"), json!({"duties": duties}))
        .await?;
    let committee: Vec<&str> = members
        .iter()
        .filter(|m| m["committee"] == "residents")
        .filter_map(|m| m["name"].as_str())
        .collect();
    let elected: Vec<&str> = members.iter().filter_map(|m| m["name"].as_str()).collect();
    // Residents of the community who sit on neither committee.
    let others: Vec<String> = Q::new(
        "select name from people where residence_community_id = $1 and birth_date <= $2 order by id limit 40",
    )
    .bind(community_id)
    .bind(chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default())
    .all::<(String,)>(&state.db)
    .await?
    .into_iter()
    .map(|(n,)| n)
    .filter(|n| !elected.contains(&n.as_str()))
    .take(9)
    .collect();
    if committee.len() < 3 || others.len() < 9 {
        return Err(AppError::internal(
            "demo: too few people for the wrap-up's groups",
        ));
    }
    let group = |head: &str, rest: &[String]| {
        let mut names = vec![head.to_string()];
        names.extend(rest.iter().cloned());
        json!({"members": names.join("、"), "head": head})
    };
    let mut sub = group(committee[2], &others[0..2]);
    sub["name"] = json!("人民调解委员会");
    street.post(&format!("{o}/subcommittees"), sub).await?;
    let mut sub = group(committee[1], &others[2..4]);
    sub["name"] = json!("公共卫生委员会");
    street.post(&format!("{o}/subcommittees"), sub).await?;
    street
        .put(&format!("{o}/finance"), group(&others[4], &others[5..7]))
        .await?;
    street
        .put(
            &format!("{o}/disclosure"),
            group(committee[0], &others[7..9]),
        )
        .await?;
    street
        .put(
            &format!("{o}/plan"),
            json!({"plan": "一、健全居民自治组织，完善居民会议和居民代表会议制度。\n二、做好人民调解、治安保卫和公共卫生工作。\n三、落实居务公开和民主理财，每季度公开一次财务收支。\n四、开展为民服务，办好年度民生实事。"}),
        )
        .await?;
    street.post(&format!("{o}/close"), json!({})).await?;
    Ok(())
}

async fn charter(street: &Client, base: &str, on: &str) -> AppResult<()> {
    let w = format!("{base}/charter");
    for (doc, body) in [
        (
            "charter",
            "第一条 为实行居民自治，保障居民依法管理本居住地区的公共事务和公益事业，制定本章程。\n第二条 居民会议由本社区十八周岁以上的居民组成，是居民自治的最高决策机构。\n第三条 居民委员会向居民会议负责并报告工作。",
        ),
        (
            "convention",
            "一、遵守法律法规，维护社会秩序。\n二、爱护公共设施，保持环境整洁。\n三、邻里互助，尊老爱幼，移风易俗。\n四、依法参与社区事务，积极建言献策。",
        ),
    ] {
        street
            .put(
                &format!("{w}/documents/{doc}"),
                json!({"adopted_on": on, "meeting": "居民代表会议", "attending": 46, "votes_for": 44, "votes_against": 0, "body": body}),
            )
            .await?;
    }
    for (name, body) in [
        (
            "居民会议制度",
            "居民会议每年至少召开一次，由居民委员会召集和主持；有五分之一以上的居民提议，应当召集居民会议。",
        ),
        (
            "居务公开制度",
            "居务公开每季度一次，财务收支每月公开；公开内容经居务公开小组审核后在社区公开栏和网络平台发布。",
        ),
    ] {
        street
            .post(&format!("{w}/systems"), json!({"name": name, "body": body}))
            .await?;
    }
    street.post(&format!("{w}/close"), json!({})).await?;
    Ok(())
}
