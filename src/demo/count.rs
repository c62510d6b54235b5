//! The demo's counting room: staff registered for the 党员大会's meeting, and a vote counted
//! through the API by two counters (double entry) and signed by both chiefs.

use axum::Router;
use serde_json::{Value, json};

use super::client::Client;
use crate::error::{AppError, AppResult};

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
