//! P-2 资格审查: the street's C-3/C-4 checks and decisions, the 公示 and its objections, opening P-2
//! early (`write`).

pub(crate) mod write;
