//! P-4 初步人选 (and the lists P-5 shares): the preliminary list with its size check, inspections and
//! 公示 (`write`, `read`), closing P-3 and P-4 and opening steps early (`gate`), pages (`web`),
//! documents (`docs`) and the routes of P-4 and P-5 (`routes`).

pub(crate) mod docs;
pub(crate) mod gate;
pub(crate) mod read;
pub(crate) mod routes;
pub(crate) mod web;
pub(crate) mod write;
