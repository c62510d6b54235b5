//! P-5 候选人预备人选: the candidate list with the proposed 书记/副书记, submission and the street's approval
//! (`write`), its pages and API (`web`).

pub(crate) mod web;
pub(crate) mod write;
