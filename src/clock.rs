//! The one clock: "today" in China Standard Time (UTC+8, SPEC §9) for every date rule — a
//! 公示's days, a notice period, overdue steps, ages. Production reads the system time; a
//! deployment may pin a date (`HUANJIE_TODAY`, for a rehearsal or a demo) and tests set and
//! advance it, so no test waits for a date to pass.

use std::sync::{Arc, RwLock};

use chrono::{Duration, NaiveDate, Utc};

/// The China Standard Time date of an instant (UTC+8, no daylight saving).
pub fn beijing_date(at: chrono::DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(8)).date_naive()
}

/// Shared by every handler of one application (cheap to clone).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<NaiveDate>>>,
}

impl Clock {
    /// The system clock, or the given date when one is pinned.
    pub fn new(pinned: Option<NaiveDate>) -> Clock {
        Clock {
            fixed: Arc::new(RwLock::new(pinned)),
        }
    }

    /// Today in China Standard Time, or the pinned date.
    pub fn today(&self) -> NaiveDate {
        match *self.fixed.read().unwrap_or_else(|e| e.into_inner()) {
            Some(d) => d,
            None => (Utc::now() + Duration::hours(8)).date_naive(),
        }
    }

    /// Pins "today" to `date`.
    pub fn set(&self, date: NaiveDate) {
        *self.fixed.write().unwrap_or_else(|e| e.into_inner()) = Some(date);
    }

    /// The pinned date, if any.
    pub fn pinned(&self) -> Option<NaiveDate> {
        *self.fixed.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts back what [`Clock::pinned`] returned (`None`: the system clock again).
    pub fn restore(&self, pinned: Option<NaiveDate>) {
        *self.fixed.write().unwrap_or_else(|e| e.into_inner()) = pinned;
    }

    /// Moves "today" by `days` (pinning it first).
    pub fn advance(&self, days: i64) {
        let next = self.today() + Duration::days(days);
        self.set(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_answers_its_date_and_moves_only_when_told() {
        let d = NaiveDate::from_ymd_opt(2027, 4, 1).unwrap();
        let c = Clock::new(Some(d));
        let shared = c.clone();
        assert_eq!(c.today(), d);
        shared.advance(7);
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2027, 4, 8).unwrap());
    }

    #[test]
    fn the_system_clock_is_eight_hours_ahead_of_utc() {
        let c = Clock::default();
        let utc = Utc::now().date_naive();
        let today = c.today();
        assert!(today == utc || today == utc + Duration::days(1));
    }
}
