//! The counters: each enters random ballots in a closed loop on its own session and kept-alive
//! connection, one request in flight at a time, until told to stop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::conn::{Conn, Login};
use crate::stats::{Ack, Sinks, VoteAcks};

/// The parts of a room every counter task of it reads.
pub struct RoomInfo {
    pub vote: i64,
    pub seats: u64,
    pub candidates: Vec<String>,
}

/// A small deterministic random generator (xorshift64*), seeded per counter.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random ballot: mostly up to `seats` names marked 赞成 and now and then one 反对; 2 %
/// declared invalid.
fn random_ballot(rng: &mut Rng, candidates: &[String], seats: u64) -> Value {
    if rng.below(100) < 2 {
        return json!({"invalid": true, "reason": "字迹无法辨认"});
    }
    let mut order: Vec<&String> = candidates.iter().collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let n_for = (seats - rng.below(2).min(seats)) as usize;
    let (chosen, rest) = order.split_at(n_for.min(order.len()));
    let against: Vec<&String> = rest.iter().take(rng.below(2) as usize).copied().collect();
    json!({"marks": {"委员": {"for": chosen, "against": against}}})
}

/// One counter (global number `n`): enters ballots one after the other until told to stop.
pub async fn counter(
    n: usize,
    addr: SocketAddr,
    login: Login,
    room: Arc<RoomInfo>,
    acks: Arc<VoteAcks>,
    sinks: Sinks,
    mut stop: watch::Receiver<bool>,
) {
    let mut rng =
        Rng(0x9e37_79b9_7f4a_7c15 ^ ((n as u64 + 1) << 32) ^ rand::random::<u32>() as u64);
    let path = format!("/api/v1/votes/{}/ballots", room.vote);
    let mut conn = None;
    let mut i = 0u64;
    while !*stop.borrow_and_update() {
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match Conn::open(addr).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    sinks.error(format!("transport: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        i += 1;
        let body = json!({"client_id": format!("lg-{n}-{i}"),
            "ballot": random_ballot(&mut rng, &room.candidates, room.seats)});
        let sent = Instant::now();
        match c
            .call(Method::POST, &path, Some(&login), Some(&body), true)
            .await
        {
            Ok((StatusCode::CREATED, _, _)) => acks.ack(
                Ack {
                    sent,
                    acked: Instant::now(),
                },
                &sinks,
            ),
            Ok((status, v, _)) => {
                let code = v["error"]["code"].as_str().unwrap_or("");
                sinks.error(format!("{} {code}", status.as_u16()));
            }
            Err(e) => {
                sinks.error(format!("transport: {e}"));
                conn = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballots_mark_at_most_the_seats() {
        let names: Vec<String> = (0..9).map(|i| format!("c{i}")).collect();
        let mut rng = Rng(42);
        for _ in 0..200 {
            let b = random_ballot(&mut rng, &names, 5);
            if b["invalid"] == true {
                continue;
            }
            let marks = &b["marks"]["委员"];
            assert!(marks["for"].as_array().unwrap().len() <= 5);
            assert!(marks["against"].as_array().unwrap().len() <= 1);
        }
    }
}
