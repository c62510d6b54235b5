//! The audit log (SPEC §2): every change appended, hash-chained per scope, in the same
//! transaction as the change; the street's page and API to read it; verification.

mod chain;
mod pages;

pub use chain::{
    Actor, Break, Change, Entry, GENESIS, Head, append, canonical_time, entry_hash, heads, verify,
    verify_chain,
};
pub use pages::routes;

/// The chain of the street as a whole.
pub const STREET: &str = "street";

/// The chain of one community.
pub fn community_scope(code: &str) -> String {
    format!("community:{code}")
}
