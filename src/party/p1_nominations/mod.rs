//! P-1 公开推荐: nominations through the four channels, joint backers, the nominee's consent and the
//! 报名汇总表 (`write`). The committee size (C-1) and the pipeline overview stay in `party::size`.

pub(crate) mod write;
