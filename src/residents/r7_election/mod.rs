//! R-7 正式投票: the election meeting and its vote (`write`), participation, proxies, mobile boxes and
//! closing the polls (`poll`), further elections for vacant seats (`vacancy`), reads and the
//! counting-room hooks (`read`), pages (`web`) and routes (`routes`).

pub(crate) mod poll;
pub(crate) mod read;
pub(crate) mod routes;
pub(crate) mod vacancy;
pub(crate) mod web;
pub(crate) mod write;
