//! P-6 党员大会 and P-7 报批: the congress (`write`), the roll with exclusions and check-in (`roll`), the
//! votes run in the counting room (`votes`), reductions (`reduce`), closing P-6 and the street's
//! decisions of P-7 (`close`), reads (`read`), pages (`web`), documents (`docs`) and the API with
//! the routes (`api`).

pub(crate) mod api;
pub(crate) mod close;
pub(crate) mod docs;
pub(crate) mod read;
pub(crate) mod reduce;
pub(crate) mod roll;
pub(crate) mod votes;
pub(crate) mod web;
pub(crate) mod write;
