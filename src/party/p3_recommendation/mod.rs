//! P-3 全额定向民主推荐: the meeting and its participant checks, introductions, forms or totals (`write`);
//! the summary (`read`); closing P-2 and opening P-3 (`gate`); pages and API (`web`).

pub(crate) mod gate;
pub(crate) mod read;
pub(crate) mod web;
pub(crate) mod write;
