//! The demo's counting rooms: staff registered for the 党员大会's meeting and a vote counted
//! through the API by two counters (double entry) and signed by both chiefs; and the rehearsal
//! of 舜玉社区, a vote left counting for the demo's 监票人 and 计票人 accounts.

use axum::Router;
use serde_json::{Value, json};

use super::client::Client;
use crate::audit::Actor;
use crate::communities::{Community, by_code};
use crate::db::Q;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The staff of one meeting, logged in.
pub struct Room {
    /// 总监票人.
    pub chief_scrutineer: Client,
    /// 总计票人, at table 1.
    pub chief_counter: Client,
    /// The second counter of table 1.
    pub counter: Client,
}

async fn staff(router: &Router, street: &Client, meeting: i64, body: Value) -> AppResult<Client> {
    let v = street
        .post(&format!("/api/v1/meetings/{meeting}/staff"), body)
        .await?;
    let (Some(user), Some(pw)) = (v["username"].as_str(), v["password"].as_str()) else {
        return Err(AppError::internal("demo: staff without a login"));
    };
    Client::login(router, user, pw).await
}

impl Room {
    /// Registers the meeting's scrutineers and counters.
    pub async fn open(router: &Router, street: &Client, meeting: i64) -> AppResult<Room> {
        let s = |b| staff(router, street, meeting, b);
        let chief_scrutineer =
            s(json!({"name": "总监票人（演示）", "role": "scrutineer", "chief": true})).await?;
        s(json!({"name": "监票人（演示）", "role": "scrutineer"})).await?;
        let chief_counter =
            s(json!({"name": "总计票人（演示）", "role": "counter", "chief": true, "table": 1}))
                .await?;
        let counter = s(json!({"name": "计票人（演示）", "role": "counter", "table": 1})).await?;
        Ok(Room {
            chief_scrutineer,
            chief_counter,
            counter,
        })
    }

    /// Counts `ballots` (each `{"marks": …}`) in the draft vote `vote` with `present` members:
    /// voting, the box check, double entry, review and both signatures.
    pub async fn count(
        &self,
        street: &Client,
        vote: i64,
        present: usize,
        ballots: &[Value],
    ) -> AppResult<Value> {
        let state = format!("/api/v1/votes/{vote}/state");
        street.post(&state, json!({"to": "voting"})).await?;
        street
            .post(
                &state,
                json!({"to": "counting", "present": present, "ballots_issued": present,
                       "ballots_collected": ballots.len()}),
            )
            .await?;
        let path = format!("/api/v1/votes/{vote}/ballots");
        for (i, b) in ballots.iter().enumerate() {
            for (c, tag) in [(&self.chief_counter, "a"), (&self.counter, "b")] {
                c.post(
                    &path,
                    json!({"client_id": format!("demo-{vote}-{i}-{tag}"), "ballot": b}),
                )
                .await?;
            }
        }
        street.post(&state, json!({"to": "review"})).await?;
        let sign = format!("/api/v1/votes/{vote}/signoff");
        self.chief_scrutineer.post(&sign, json!({})).await?;
        self.chief_counter.post(&sign, json!({})).await
    }
}

/// The counting rehearsal of 舜玉社区: its meeting's title.
pub const REHEARSAL: &str = "居民委员会选举计票演练";

/// A vote of 舜玉社区 that is being counted and is never certified, staffed by the demo's
/// 监票人 (`jianpiao`, 总监票人) and 计票人 (`jipiao`, 总计票人 at table 1) with a few ballots
/// entered, so that a newcomer signed in with either account sees the console or the entry
/// page at work. Made once; a second load leaves it as it is.
pub async fn rehearsal(
    state: &AppState,
    router: &Router,
    street: &Client,
    accounts: &[(String, &'static str, String)],
) -> AppResult<Option<String>> {
    let community = by_code(&state.db, "sg02")
        .await?
        .ok_or_else(|| AppError::internal("demo: 舜玉社区 is missing"))?;
    let made = Q::new("select count(*) from meetings where community_id = $1 and title = $2")
        .bind(community.id)
        .bind(REHEARSAL)
        .scalar(&state.db)
        .await?;
    let password = |name: &str| {
        accounts
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, p)| p.clone())
    };
    let (Some(_), Some(jj)) = (password("jianpiao"), password("jipiao")) else {
        return Ok(None);
    };
    if made > 0 {
        return Ok(None);
    }
    let names: Vec<(String,)> = Q::new(
        "select name from people where residence_community_id = $1 and birth_date <= $2 order by id limit 7",
    )
    .bind(community.id)
    .bind(state.today() - chrono::Duration::days(365 * 30))
    .all(&state.db)
    .await?;
    let n: Vec<String> = names.into_iter().map(|(n,)| n).collect();
    if n.len() < 7 {
        return Ok(None);
    }
    let m = street
        .post(
            "/api/v1/communities/sg02/meetings",
            json!({"title": REHEARSAL, "kind": "residents", "date": state.today().to_string()}),
        )
        .await?;
    let meeting = m["id"]
        .as_i64()
        .ok_or_else(|| AppError::internal("demo: the rehearsal has no meeting"))?;
    let v = street
        .post(
            &format!("/api/v1/meetings/{meeting}/votes"),
            json!({"title": "选举居民委员会成员（演练）", "preset": "residents", "electorate": 40,
                   "posts": [{"post": "主任", "seats": 1, "candidates": [n[0], n[1]]},
                             {"post": "委员", "seats": 3, "candidates": [n[2], n[3], n[4], n[5], n[6]]}]}),
        )
        .await?;
    let vote = v["id"]
        .as_i64()
        .ok_or_else(|| AppError::internal("demo: the rehearsal has no vote"))?;
    link_account(state, &community, meeting, "jianpiao", "scrutineer", None).await?;
    link_account(state, &community, meeting, "jipiao", "counter", Some(1)).await?;
    staff(
        router,
        street,
        meeting,
        json!({"name": "监票人（演练）", "role": "scrutineer"}),
    )
    .await?;
    let second = staff(
        router,
        street,
        meeting,
        json!({"name": "计票人（演练）", "role": "counter", "table": 1}),
    )
    .await?;
    let first = Client::login(router, "jipiao", &jj).await?;
    let state_path = format!("/api/v1/votes/{vote}/state");
    street.post(&state_path, json!({"to": "voting"})).await?;
    street
        .post(
            &state_path,
            json!({"to": "counting", "present": 36, "ballots_issued": 36, "ballots_collected": 36}),
        )
        .await?;
    let path = format!("/api/v1/votes/{vote}/ballots");
    for i in 0..10 {
        let ballot = json!({"marks": {
            "主任": {"for": [&n[i % 3 / 2]]},
            "委员": {"for": [&n[2], &n[3 + i % 3], &n[5 + i % 2]]}}});
        for (c, tag) in [(&first, "a"), (&second, "b")] {
            c.post(
                &path,
                json!({"client_id": format!("rehearsal-{vote}-{i}-{tag}"), "ballot": ballot}),
            )
            .await?;
        }
    }
    Ok(Some(format!(
        "舜玉社区：{REHEARSAL}，投票计票中（已录入 10 张，共 36 张），监票人 jianpiao、计票人 jipiao 可登录查看"
    )))
}

/// Registers a demo account as a staff member of `meeting` (总监票人, or 总计票人 at `table`),
/// granted to that meeting only, as the staff page would for a new login.
async fn link_account(
    state: &AppState,
    community: &Community,
    meeting: i64,
    username: &str,
    role: &str,
    table: Option<i64>,
) -> AppResult<()> {
    let user = crate::auth::by_name(&state.db, username)
        .await?
        .ok_or_else(|| AppError::internal("demo: a counting account is missing"))?;
    let name = if role == "scrutineer" {
        "总监票人（演练）"
    } else {
        "总计票人（演练）"
    };
    let meeting = crate::counting::load_meeting(&state.db, meeting).await?;
    let staff = crate::counting::Staff {
        id: 0,
        meeting_id: meeting.id,
        name: name.into(),
        person_id: None,
        role: role.into(),
        chief: true,
        table_no: table,
        user_id: Some(user.id),
        added_reason: None,
    };
    let mut tx = state.db.begin().await?;
    crate::counting::record_staff(&mut tx, &Actor::system(), community, &meeting, staff).await?;
    tx.commit().await?;
    Ok(())
}
