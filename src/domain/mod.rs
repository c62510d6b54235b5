//! Pure domain logic: no I/O, no web types. Rules, ID numbers, people, the plan, the tally.

pub mod composition;
pub mod counting;
pub mod discipline;
pub mod idcard;
pub mod party;
pub mod person;
pub mod plan;
pub mod procedure;
pub mod residents;
pub mod rules;
pub mod statistics;
pub mod strokes;
pub mod tally;
pub mod wrapup;
