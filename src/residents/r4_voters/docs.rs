//! R-4's print documents: the voter list by resident group (ID numbers masked) and the 选民证
//! sheet, one certificate per voter on the list with its number and a QR code encoding it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::error::AppResult;
use crate::residents::r4_voters::read::{self as read, Publication, Voter};
use crate::residents::r4_voters::web::scope;
use crate::state::AppState;

type Ids = Path<(String, i64)>;

#[derive(Template, WebTemplate)]
#[template(path = "residents/voters_list.html")]
pub struct ListDoc {
    title: String,
    community: Community,
    c: Campaign,
    groups: Vec<(String, Vec<Voter>)>,
    publication: Option<Publication>,
    mode: String,
}

/// The voters on the list (not removed) by resident group.
fn by_group(voters: Vec<Voter>) -> Vec<(String, Vec<Voter>)> {
    let mut groups: Vec<(String, Vec<Voter>)> = Vec::new();
    for v in voters.into_iter().filter(|v| !v.removed) {
        match groups.iter_mut().find(|(g, _)| g == v.group()) {
            Some((_, list)) => list.push(v),
            None => groups.push((v.group().to_string(), vec![v])),
        }
    }
    groups
}

pub async fn list_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<ListDoc> {
    let (c, community) = scope(&state, &ctx, id).await?;
    Ok(ListDoc {
        title: format!("{} 居民委员会选举选民名单", community.name),
        groups: by_group(read::voters(&state.db, c.id).await?),
        publication: read::publication(&state.db, c.id).await?,
        mode: crate::residents::r4_voters::mode::describe(
            crate::residents::r4_voters::mode::rules_of(&state.db, c.id)
                .await?
                .mode,
        ),
        community,
        c,
    })
}

/// The QR code (SVG) encoding a certificate number.
pub fn qr_svg(text: &str) -> String {
    crate::web::qr_svg(text, 96)
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/voters_certificates.html")]
pub struct CertificatesDoc {
    title: String,
    community: Community,
    c: Campaign,
    /// Every voter on the list: under 户代表 or 居民代表 voting registration admits only those
    /// (see `voters_mode`), so each registered voter gets a 选民证 in every mode.
    certificates: Vec<(Voter, String)>,
    mode: String,
}

pub async fn certificates_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<CertificatesDoc> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let certificates = read::voters(&state.db, c.id)
        .await?
        .into_iter()
        .filter(|v| !v.removed)
        .map(|v| {
            let svg = qr_svg(v.certificate_no.as_deref().unwrap_or_default());
            (v, svg)
        })
        .collect();
    Ok(CertificatesDoc {
        title: format!("{} 选民证", community.name),
        mode: crate::residents::r4_voters::mode::rules_of(&state.db, c.id)
            .await?
            .mode
            .label()
            .to_string(),
        community,
        c,
        certificates,
    })
}
