//! R-3 制定选举办法: the rules' text and counting settings, their adoption by the representatives'
//! meeting, and the residents' overview (`write`).

pub(crate) mod write;
