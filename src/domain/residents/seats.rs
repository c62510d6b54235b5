//! C-2: the seats of the residents' committee — 主任 1, 副主任 n, 委员 the rest; 5 by default,
//! 5–9 allowed; part-time members (兼职委员) are recorded apart and never counted.

use serde::{Deserialize, Serialize};

use super::{SOURCE_LAW, SOURCE_PLAN, verdict};
use crate::domain::rules::RuleCheck;

/// C-2: the seats the street's plan sets in general (一般为 5 名).
pub const SEATS_DEFAULT: u32 = 5;
/// C-2: the fewest seats the statute allows (五至九人).
pub const SEATS_MIN: u32 = 5;
/// C-2: the most seats the statute allows.
pub const SEATS_MAX: u32 = 9;
/// C-2: a committee has exactly one 主任.
pub const DIRECTOR_SEATS: u32 = 1;
/// C-2: the fewest 副主任 seats (the statute names the post among the committee's).
pub const DEPUTY_SEATS_MIN: u32 = 1;
/// C-2: the 副主任 seats of the default committee.
pub const DEPUTY_SEATS_DEFAULT: u32 = 1;

/// The posts of the residents' committee, in ballot order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Post {
    /// 主任.
    Director,
    /// 副主任.
    Deputy,
    /// 委员.
    Member,
}

impl Post {
    /// Every post, in ballot order (the order posts are decided in, SPEC §8).
    pub const ALL: [Post; 3] = [Post::Director, Post::Deputy, Post::Member];

    /// The label, which is also the post's name on the ballot and in the tally.
    pub const fn label(self) -> &'static str {
        match self {
            Post::Director => "主任",
            Post::Deputy => "副主任",
            Post::Member => "委员",
        }
    }

    /// The stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Post::Director => "director",
            Post::Deputy => "deputy",
            Post::Member => "member",
        }
    }

    /// Parses the stored form or the label.
    pub fn parse(s: &str) -> Option<Post> {
        let t = s.trim();
        Post::ALL
            .into_iter()
            .find(|p| p.as_str() == t || p.label() == t)
    }
}

/// The seats per post, and the part-time members recorded apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Seats {
    /// 主任 seats (1).
    pub director: u32,
    /// 副主任 seats.
    pub deputies: u32,
    /// 委员 seats.
    pub members: u32,
    /// 兼职委员: recorded, not counted against the seats, not elected on this ballot.
    pub part_time: u32,
}

impl Default for Seats {
    fn default() -> Seats {
        Seats::with_total(SEATS_DEFAULT, DEPUTY_SEATS_DEFAULT)
    }
}

impl Seats {
    /// One 主任, `deputies` 副主任 and the rest of `total` 委员 (none if `total` is too small).
    pub fn with_total(total: u32, deputies: u32) -> Seats {
        Seats {
            director: DIRECTOR_SEATS,
            deputies,
            members: total.saturating_sub(DIRECTOR_SEATS + deputies),
            part_time: 0,
        }
    }

    /// The seats counted (part-time members excluded).
    pub const fn total(&self) -> u32 {
        self.director + self.deputies + self.members
    }

    /// The seats of one post.
    pub const fn of(&self, post: Post) -> u32 {
        match post {
            Post::Director => self.director,
            Post::Deputy => self.deputies,
            Post::Member => self.members,
        }
    }
}

/// C-2: one 主任, at least one 副主任, 5–9 seats in all; part-time members not counted.
pub fn check_seats(seats: &Seats) -> RuleCheck {
    let total = seats.total();
    let passed = (SEATS_MIN..=SEATS_MAX).contains(&total)
        && seats.director == DIRECTOR_SEATS
        && seats.deputies >= DEPUTY_SEATS_MIN;
    let message = format!(
        "居委会职数（C-2）：主任 {} 名、副主任 {} 名、委员 {} 名，共 {total} 名（兼职委员 {} 名不计入），应为主任 {DIRECTOR_SEATS} 名、副主任至少 {DEPUTY_SEATS_MIN} 名、共 {SEATS_MIN}–{SEATS_MAX} 名，{}。",
        seats.director,
        seats.deputies,
        seats.members,
        seats.part_time,
        verdict(passed)
    );
    RuleCheck::new(
        "C-2.seats",
        passed,
        &format!("{SOURCE_LAW}；{SOURCE_PLAN}"),
        message,
        &[
            ("director", seats.director.into()),
            ("deputies", seats.deputies.into()),
            ("members", seats.members.into()),
            ("total", total.into()),
            ("part_time", seats.part_time.into()),
            ("min", SEATS_MIN.into()),
            ("max", SEATS_MAX.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_committee_has_five_seats_and_passes() {
        let s = Seats::default();
        assert_eq!((s.director, s.deputies, s.members), (1, 1, 3));
        assert_eq!(s.total(), SEATS_DEFAULT);
        assert!(check_seats(&s).passed);
    }

    #[test]
    fn four_seats_fail_five_and_nine_pass_ten_fail() {
        assert!(!check_seats(&Seats::with_total(4, 1)).passed);
        assert!(check_seats(&Seats::with_total(5, 1)).passed);
        assert!(check_seats(&Seats::with_total(9, 2)).passed);
        let c = check_seats(&Seats::with_total(10, 2));
        assert!(!c.passed);
        assert_eq!(c.numbers["total"], 10);
        assert!(c.message.contains("共 10 名"), "{}", c.message);
    }

    #[test]
    fn part_time_members_do_not_count_against_the_seats() {
        let mut s = Seats::with_total(9, 2);
        s.part_time = 2;
        assert_eq!(s.total(), 9);
        assert!(check_seats(&s).passed);
        s = Seats::with_total(4, 1);
        s.part_time = 1;
        assert!(
            !check_seats(&s).passed,
            "兼职委员 do not make up the number"
        );
    }

    #[test]
    fn two_directors_or_no_deputy_fail() {
        let s = Seats {
            director: 2,
            members: 2,
            ..Seats::default()
        };
        assert!(!check_seats(&s).passed);
        let s = Seats::with_total(5, 0);
        assert_eq!(s.members, 4);
        assert!(!check_seats(&s).passed);
    }

    #[test]
    fn posts_parse_from_their_stored_form_and_label() {
        assert_eq!(Post::parse("副主任"), Some(Post::Deputy));
        assert_eq!(Post::parse("member"), Some(Post::Member));
        assert_eq!(Post::parse("书记"), None);
        assert_eq!(Seats::default().of(Post::Member), 3);
    }
}
