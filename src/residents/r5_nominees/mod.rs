//! R-5 候选人提名: nominations, the four reviews, withdrawals (`write`), the slate's checks and closing
//! (`close`), reads (`read`), pages (`web`), API (`api`), documents (`docs`).

pub(crate) mod api;
pub(crate) mod close;
pub(crate) mod docs;
pub(crate) mod read;
pub(crate) mod web;
pub(crate) mod write;
