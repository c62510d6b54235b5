//! Pure domain logic: no I/O, no web types. Rules, ID numbers, people, the plan, the tally.

pub mod idcard;
pub mod person;
pub mod plan;
pub mod rules;
pub mod strokes;

/// PLACEHOLDER until the tally module lands.
pub fn tally_pending(_: &str) -> Result<String, PendingErr> {
    Err(PendingErr)
}
/// PLACEHOLDER.
pub struct PendingErr;
impl PendingErr {
    /// zh.
    pub fn zh(&self) -> String {
        String::new()
    }
    /// en.
    pub fn en(&self) -> String {
        String::new()
    }
}
