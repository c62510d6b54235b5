//! `huanjie demo`: loads the demo street (舜耕街道) and one account per role, so a newcomer can
//! click through everything. Loading twice changes nothing but the printed passwords.

pub mod client;
mod closing;
mod count;
pub mod data;
mod discipline;
mod names;
pub mod party;
pub mod residents;
mod street;
mod wrapup;

use chrono::Datelike;

use crate::audit::Actor;
use crate::auth;
use crate::campaigns::{NewCampaign, create_campaign};
use crate::communities::{CommunityInput, by_code, create_community, insert_group};
use crate::db::Q;
use crate::error::AppResult;
use crate::people::{Resolved, insert_person};
use crate::state::AppState;
use crate::users::{NewUser, create_user};

/// What the demo load did.
#[derive(Debug, Default)]
pub struct Report {
    /// Communities created.
    pub communities: usize,
    /// People created.
    pub people: usize,
    /// Accounts: (name, role label, password).
    pub accounts: Vec<(String, &'static str, String)>,
    /// What the demo's Party pipelines reached, one line per community driven.
    pub party: Vec<String>,
}

/// Accounts of the demo: name, role, community.
const ACCOUNTS: [(&str, &str, &str); 4] = [
    ("jiedao", "street", ""),
    ("shequ", "community", "sg01"),
    ("jianpiao", "scrutineer", "sg02"),
    ("jipiao", "counter", "sg02"),
];

/// Loads the demo street into the database behind `state`.
pub async fn load(state: &AppState) -> AppResult<Report> {
    let street = data::street();
    let mut report = Report::default();
    let system = Actor {
        id: None,
        name: "demo".into(),
    };
    let ctx = auth::Ctx {
        user: None,
        community: None,
        csrf: String::new(),
        api: false,
        origin: String::new(),
    };
    let street_ctx = street_ctx(state).await?;
    for c in &street.communities {
        if by_code(&state.db, &c.code).await?.is_none() {
            let input = CommunityInput {
                code: c.code.clone(),
                name: c.name.clone(),
                org_type: c.org_type.into(),
                households: Some(c.households),
            };
            create_community(state, street_ctx.as_ref().unwrap_or(&ctx), &input).await?;
            report.communities += 1;
        }
        let community = by_code(&state.db, &c.code).await?.expect("just created");
        let mut tx = state.db.begin().await?;
        for (name, households) in &c.groups {
            let n = Q::new(
                "select count(*) from resident_groups where community_id = $1 and name = $2",
            )
            .bind(community.id)
            .bind(name)
            .scalar(&mut tx)
            .await?;
            if n == 0 {
                insert_group(&mut tx, community.id, name, *households).await?;
            }
        }
        tx.commit().await?;
    }
    let mut ids = Vec::with_capacity(street.people.len());
    let mut fresh = Vec::with_capacity(street.people.len());
    let mut tx = state.db.begin().await?;
    for p in &street.people {
        let draft = p.raw.parse().map_err(crate::error::AppError::Validation)?;
        let existing: Option<(i64,)> = Q::new("select id from people where id_number = $1")
            .bind(draft.id_number.clone())
            .optional(&mut tx)
            .await?;
        if let Some((id,)) = existing {
            ids.push(id);
            fresh.push(false);
            continue;
        }
        let resolved = resolve_in_tx(&mut tx, &draft).await?;
        let id = insert_person(&mut tx, &system, &draft, &resolved).await?;
        for (committee, post) in &p.incumbencies {
            Q::new("insert into incumbencies (person_id, committee, post, term, created_at) values ($1, $2, $3, '上一届', $4)")
                .bind(id)
                .bind(*committee)
                .bind(*post)
                .bind(crate::now())
                .execute(&mut tx)
                .await?;
        }
        for (name, level) in &p.honours {
            Q::new(
                "insert into honours (person_id, name, level, created_at) values ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(name)
            .bind(*level)
            .bind(crate::now())
            .execute(&mut tx)
            .await?;
        }
        report.people += 1;
        ids.push(id);
        fresh.push(true);
    }
    // A relation is added with the people it joins, so a second load adds none.
    for r in street.relations.iter().filter(|r| fresh[r.a] || fresh[r.b]) {
        let scope = crate::people::scope_for(&mut tx, ids[r.a]).await?;
        crate::people::add_relation(&mut tx, &system, &scope, ids[r.a], ids[r.b], r.kind).await?;
    }
    tx.commit().await?;
    let year = state.today().year() + 1;
    if let Some(ctx) = &street_ctx {
        for c in &street.communities {
            let n = Q::new("select count(*) from campaigns c join communities m on m.id = c.community_id where m.code = $1").bind(&c.code).scalar(&state.db).await?;
            if n == 0 {
                let input = NewCampaign {
                    community: c.code.clone(),
                    term: "第八届".into(),
                    year: Some(year as i64),
                    reference_date: String::new(),
                };
                create_campaign(state, ctx, &input).await?;
            }
        }
    }
    for (name, role, community) in ACCOUNTS {
        let password = auth::random_password();
        match auth::by_name(&state.db, name).await? {
            Some(u) => auth::set_password(state, &system, u.id, &password).await?,
            None => {
                let input = NewUser {
                    username: name.into(),
                    display_name: String::new(),
                    role: role.into(),
                    community: community.into(),
                    password: password.clone(),
                };
                create_user(&state.db, state.config.password_cost, &system, &input).await?;
            }
        }
        report.accounts.push((
            name.into(),
            auth::Role::parse(role).map(|r| r.label()).unwrap_or(""),
            password,
        ));
    }
    report.party = drive_party(state, &report.accounts).await?;
    if let Some(u) = auth::by_name(&state.db, "jiedao").await? {
        let ctx = auth::Ctx {
            user: Some(u),
            ..ctx
        };
        report.party.extend(street::fill(state, &ctx, year).await?);
    }
    Ok(report)
}

/// Drives the demo's Party pipelines through the API as the street account `jiedao`.
async fn drive_party(
    state: &AppState,
    accounts: &[(String, &'static str, String)],
) -> AppResult<Vec<String>> {
    let Some((_, _, password)) = accounts.iter().find(|(n, _, _)| n == "jiedao") else {
        return Ok(Vec::new());
    };
    let router = crate::build_router(state.clone()).await?;
    let street = client::Client::login(&router, "jiedao", password)
        .await?
        .with_clock(state.clock.clone());
    // The walk moves "today" along its dates; the clock is put back however the walk ends.
    let pinned = state.clock.pinned();
    let walk = async {
        let mut out = Vec::new();
        for (code, stop) in [("sg01", party::Stop::Complete), ("sg02", party::Stop::InP3)] {
            out.extend(party::drive(state, &router, &street, code, stop).await?);
        }
        out.extend(residents::drive(state, &router, &street, "sg01").await?);
        out.extend(wrapup::drive(state, &street, "sg01").await?);
        Ok(out)
    };
    let out: AppResult<Vec<String>> = walk.await;
    state.clock.restore(pinned);
    let mut out = out?;
    out.extend(count::rehearsal(state, &router, &street, accounts).await?);
    out.extend(discipline::fill(state, &street).await?);
    // W-4 last: the summary it submits counts the discipline register filled above.
    let pinned = state.clock.pinned();
    let closed = closing::drive(state, &street, "sg01").await;
    state.clock.restore(pinned);
    out.extend(closed?);
    Ok(out)
}

/// A context acting as the first street account, so that demo campaigns are created as any
/// street user would create them.
async fn street_ctx(state: &AppState) -> AppResult<Option<auth::Ctx>> {
    let user: Option<auth::User> = Q::new(format!(
        "select {} from users where role = 'street' order by id limit 1",
        auth::USER_COLUMNS
    ))
    .optional(&state.db)
    .await?;
    Ok(user.map(|u| auth::Ctx {
        user: Some(u),
        community: None,
        csrf: String::new(),
        api: false,
        origin: String::new(),
    }))
}

async fn resolve_in_tx(
    tx: &mut crate::db::Tx,
    d: &crate::domain::person::PersonDraft,
) -> AppResult<Resolved> {
    let mut r = Resolved::default();
    if let Some(code) = &d.hukou_community {
        r.hukou = Q::new("select id from communities where code = $1")
            .bind(code)
            .optional::<(i64,)>(&mut *tx)
            .await?
            .map(|(i,)| i);
    }
    if let Some(code) = &d.residence_community {
        r.residence = Q::new("select id from communities where code = $1")
            .bind(code)
            .optional::<(i64,)>(&mut *tx)
            .await?
            .map(|(i,)| i);
    }
    if let (Some(g), Some(rid)) = (&d.resident_group, r.residence) {
        r.group = Q::new("select id from resident_groups where community_id = $1 and name = $2")
            .bind(rid)
            .bind(g)
            .optional::<(i64,)>(&mut *tx)
            .await?
            .map(|(i,)| i);
    }
    Ok(r)
}
