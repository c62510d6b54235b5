//! What the pipelines add to the counting room, registered rather than called: the counting
//! room knows nothing of P-6 or R-7. A pipeline whose votes need a check before counting starts
//! or before a sign-off lists a [`Hooks`] in [`crate::COUNTING_HOOKS`]; each hook answers for
//! the votes that are its own and passes the others.

use futures_util::future::BoxFuture;

use super::Vote;
use crate::db::Db;
use crate::domain::tally::TallyResult;
use crate::error::AppResult;

/// A check before a vote's count starts (its box check passed): `Err` refuses the change.
pub type CountingGate = for<'a> fn(&'a Db, &'a Vote) -> BoxFuture<'a, AppResult<()>>;

/// Why a vote in review cannot be signed yet, if it cannot.
pub type SignoffBlocker =
    for<'a> fn(&'a Db, &'a Vote, &'a TallyResult) -> BoxFuture<'a, AppResult<Option<String>>>;

/// One pipeline's hooks.
#[derive(Clone, Copy)]
pub struct Hooks {
    /// Runs when the vote moves to counting.
    pub counting_gate: CountingGate,
    /// Runs before a sign-off and on the vote's page in review.
    pub signoff_blocker: SignoffBlocker,
}

/// Every registered pipeline's gate, in order; the first refusal wins.
pub async fn counting_gate(db: &Db, vote: &Vote) -> AppResult<()> {
    for h in crate::COUNTING_HOOKS {
        (h.counting_gate)(db, vote).await?;
    }
    Ok(())
}

/// The first registered pipeline's reason not to sign, if any.
pub async fn signoff_blocker(
    db: &Db,
    vote: &Vote,
    result: &TallyResult,
) -> AppResult<Option<String>> {
    for h in crate::COUNTING_HOOKS {
        if let Some(why) = (h.signoff_blocker)(db, vote, result).await? {
            return Ok(Some(why));
        }
    }
    Ok(None)
}
