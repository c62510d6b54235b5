//! R-6 宣传介绍: each official candidate's introduction and statement, and closing R-6 (`write`).

pub(crate) mod write;
