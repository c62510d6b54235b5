//! R-8 公布结果: the notice, the reports to the street and the civil-affairs bureau, certificates
//! (`write`), reads (`read`), pages (`web`) and documents (`docs`).

pub(crate) mod docs;
pub(crate) mod read;
pub(crate) mod web;
pub(crate) mod write;
