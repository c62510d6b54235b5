//! The audit log (SPEC §2): every change appended, hash-chained per scope, in the same
//! transaction as the change; the street's page and API to read it; verification; anchoring the
//! heads outside the database with a signature.

pub mod anchor;
mod chain;
mod pages;
pub mod words;

pub use chain::{
    Actor, Break, Change, Entry, GENESIS, Head, append, canonical_time, entry_hash, heads,
    payload_problem, verify, verify_chain,
};
pub use pages::routes;

/// The chain of the street as a whole.
pub const STREET: &str = "street";

/// The chain of one community.
pub fn community_scope(code: &str) -> String {
    format!("community:{code}")
}

/// What changed, in a community's records: `(action, entity, entity id)`.
pub type What<'a> = (&'a str, &'a str, String);

/// Appends a change of `community`'s records, made by the request's user, to the community's
/// chain inside `tx` (the change's own transaction). The one helper every step module uses.
pub async fn record(
    tx: &mut crate::db::Tx,
    ctx: &crate::auth::Ctx,
    community: &crate::communities::Community,
    what: What<'_>,
    after: serde_json::Value,
) -> Result<(), crate::error::AppError> {
    record_change(tx, ctx, community, what, None, after).await
}

/// [`record`] with the state before the change.
pub async fn record_change(
    tx: &mut crate::db::Tx,
    ctx: &crate::auth::Ctx,
    community: &crate::communities::Community,
    (action, entity, entity_id): What<'_>,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> Result<(), crate::error::AppError> {
    let change = Change {
        scope: community.scope(),
        action,
        entity,
        entity_id,
        before,
        after: Some(after),
    };
    append(tx, &ctx.actor(), change).await?;
    Ok(())
}
