//! Setting up the rooms through the JSON API as `admin`: per community a community, a
//! residents' meeting, a chief scrutineer, the counters' accounts and one vote moved to
//! counting; then every counter logged in on the instance it will use, and the projectors'
//! access (a display link or a scrutineer's session).

use std::net::SocketAddr;

use hyper::Method;
use serde_json::{Value, json};

use crate::conn::{Conn, Login};
use crate::server::ADMIN_PASSWORD;
use crate::{Args, Res};

/// Every box number of the vote: large enough that no entry is ever refused.
const BOX: i64 = 10_000_000;

/// How a run is laid out: communities (one vote each), counters, projectors, server instances.
#[derive(Clone, Debug)]
pub struct Plan {
    pub communities: usize,
    pub counters_per_community: usize,
    /// Projectors in all, spread over the communities and instances.
    pub projectors: usize,
    pub instances: usize,
}

impl Plan {
    pub fn counters(&self) -> usize {
        self.communities * self.counters_per_community
    }

    /// The instance the counter with global number `n` (community × per community + table)
    /// talks to: round robin.
    pub fn counter_instance(&self, n: usize) -> usize {
        n % self.instances
    }

    /// The (instance, community) of projector `p`: round robin over the instances, then over
    /// the communities, so that neither follows the other.
    pub fn projector_place(&self, p: usize) -> (usize, usize) {
        (p % self.instances, (p / self.instances) % self.communities)
    }
}

/// One community's vote, as the load phase needs it.
pub struct Room {
    pub vote: i64,
    /// Each counter's instance and login, in table order.
    pub counters: Vec<(usize, Login)>,
    pub projector: ProjectorAuth,
    pub candidates: Vec<String>,
}

/// How projectors are let into the event stream; `events::subscribe_request` is the one place
/// that turns it into a request.
#[derive(Clone, Debug)]
pub enum ProjectorAuth {
    /// A display link's URL (`/projector/t/{token}`): no account, no session.
    Link(String),
    /// A logged-in scrutineer's session cookie, on `/api/v1/votes/{id}/events`.
    Session(Login),
}

/// Which way the projectors connect (`--projectors-via`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// A display link, as a wall projector does.
    Link,
    /// A scrutineer's session.
    Session,
}

/// Candidate names, distinct for up to 100.
fn candidate_names(n: u64) -> Vec<String> {
    const SURNAMES: [&str; 10] = ["丁", "王", "李", "张", "赵", "孙", "周", "吴", "郑", "陈"];
    const GIVEN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    (0..n as usize)
        .map(|i| format!("{}{}", SURNAMES[i % 10], GIVEN[i / 10 % 10]))
        .collect()
}

/// Sets up every community's room; the counters log in on the instance they will use.
pub async fn set_up(addrs: &[SocketAddr], args: &Args, plan: &Plan) -> Res<Vec<Room>> {
    let mut conns = Vec::new();
    for &addr in addrs {
        conns.push(Conn::open(addr).await?);
    }
    let admin = conns[0].login("admin", ADMIN_PASSWORD).await?;
    let mut rooms = Vec::new();
    for community in 0..plan.communities {
        rooms.push(set_up_one(&mut conns, &admin, community, args, plan).await?);
    }
    Ok(rooms)
}

/// Creates one community, meeting, staff and vote as `admin`, moves the vote to counting and
/// logs every staff member in.
async fn set_up_one(
    conns: &mut [Conn],
    admin: &Login,
    community: usize,
    args: &Args,
    plan: &Plan,
) -> Res<Room> {
    let a = Some(admin);
    let (code, name) = if plan.communities == 1 {
        ("lg01".to_string(), "压测社区".to_string())
    } else {
        (
            format!("lg{:02}", community + 1),
            format!("压测社区{}", community + 1),
        )
    };
    let c = &mut conns[0];
    let body = json!({"code": code, "name": name, "org_type": "zhibu", "households": 0});
    c.expect(201, Method::POST, "/api/v1/communities", a, body, true)
        .await?;
    let meeting =
        json!({"title": "居民选举大会（压测）", "kind": "residents", "date": "2027-04-26"});
    let path = format!("/api/v1/communities/{code}/meetings");
    let m = c.expect(201, Method::POST, &path, a, meeting, true).await?["id"]
        .as_i64()
        .ok_or("meeting without id")?;
    let staff_path = format!("/api/v1/meetings/{m}/staff");
    let scrutineer = json!({"name": "监票人甲", "role": "scrutineer", "chief": true});
    let s = c
        .expect(201, Method::POST, &staff_path, a, scrutineer, true)
        .await?;
    let mut counter_accounts = Vec::new();
    for i in 0..plan.counters_per_community {
        let body = json!({"name": format!("计票人{}", i + 1), "role": "counter", "table": i + 1});
        counter_accounts.push(
            c.expect(201, Method::POST, &staff_path, a, body, true)
                .await?,
        );
    }
    let candidates = candidate_names(args.candidates);
    let vote = json!({"title": "选举委员（压测）", "preset": "residents", "electorate": BOX,
        "double_entry": false,
        "posts": [{"post": "委员", "seats": args.seats, "candidates": candidates}]});
    let path = format!("/api/v1/meetings/{m}/votes");
    let v = c.expect(201, Method::POST, &path, a, vote, true).await?["id"]
        .as_i64()
        .ok_or("vote without id")?;
    let state_path = format!("/api/v1/votes/{v}/state");
    let voting = json!({"to": "voting", "present": BOX});
    c.expect(200, Method::POST, &state_path, a, voting, false)
        .await?;
    let counting =
        json!({"to": "counting", "present": BOX, "ballots_issued": BOX, "ballots_collected": BOX});
    c.expect(200, Method::POST, &state_path, a, counting, false)
        .await?;
    let projector = match args.projectors_via {
        Via::Session => ProjectorAuth::Session(login_staff(c, &s).await?),
        Via::Link => {
            let path = format!("/api/v1/votes/{v}/display-links");
            let link = c
                .expect(201, Method::POST, &path, a, json!({}), true)
                .await?;
            ProjectorAuth::Link(link["url"].as_str().ok_or("link without url")?.to_string())
        }
    };
    let mut counters = Vec::new();
    for (j, account) in counter_accounts.iter().enumerate() {
        let instance = plan.counter_instance(community * plan.counters_per_community + j);
        counters.push((instance, login_staff(&mut conns[instance], account).await?));
    }
    Ok(Room {
        vote: v,
        counters,
        projector,
        candidates,
    })
}

/// Logs in the account the staff route answered with.
async fn login_staff(c: &mut Conn, created: &Value) -> Res<Login> {
    let user = created["username"].as_str().ok_or("staff without login")?;
    let password = created["password"]
        .as_str()
        .ok_or("staff without password")?;
    c.login(user, password).await
}
