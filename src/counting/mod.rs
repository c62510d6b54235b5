//! Counting day: meetings and their staff, votes and their states, head counts from the
//! participation records with the street's corrections, keyboard-first ballot entry with
//! double entry, disputes, undecided ballots, and the sign-off. The tally engine
//! (`domain::tally`) is the only place that counts.

mod certified;
mod documents;
mod entry;
mod events;
mod follow_up;
mod head_count;
pub mod hooks;
mod live;
mod meetings;
mod projector;
pub mod stage;
mod store;
mod votes;

/// Lenient booleans for forms (`on`, `是`, `true`) and JSON (`true`).
pub mod store_bool {
    use serde::{Deserialize, Deserializer};

    /// Deserialises a JSON bool or a form string.
    pub fn de<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum B {
            Bool(bool),
            Text(String),
        }
        Ok(match B::deserialize(d)? {
            B::Bool(b) => b,
            B::Text(t) => matches!(t.as_str(), "on" | "true" | "1" | "是"),
        })
    }
}

pub use certified::check_certified;
pub use entry::{Entered, enter as enter_ballot};
pub use events::{Hub, Signal, start as start_events};
pub(crate) use follow_up::create_follow_up;
pub(crate) use meetings::{MeetingInput, insert_meeting, record_staff};
pub use store::{Meeting, PostDef, Staff, Vote, load_meeting, load_vote, tally_of};
pub(crate) use votes::{CandidateInput, PostInput, VoteInput, create_vote};

use crate::routes::{Access, RouteDef, create, get, post};

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        // Meetings and staff.
        get(
            "/communities/{code}/meetings",
            Access::Community,
            r::get(meetings::list_get),
        ),
        create(
            "/communities/{code}/meetings",
            Access::Community,
            r::post(meetings::create_post),
        ),
        get(
            "/meetings/{meeting}",
            Access::Community,
            r::get(meetings::show_get),
        ),
        create(
            "/meetings/{meeting}/staff",
            Access::VoteManage,
            r::post(meetings::staff_post),
        ),
        post(
            "/meetings/{meeting}/staff/{staff}/unlock",
            Access::VoteManage,
            r::post(meetings::unlock_post),
        ),
        post(
            "/meetings/{meeting}/close",
            Access::Community,
            r::post(meetings::close_post),
        ),
        create(
            "/meetings/{meeting}/votes",
            Access::Community,
            r::post(votes::create_post),
        ),
        create(
            "/api/v1/communities/{code}/meetings",
            Access::Community,
            r::post(meetings::api_create),
        ),
        get(
            "/api/v1/meetings/{meeting}",
            Access::Community,
            r::get(meetings::api_show),
        ),
        create(
            "/api/v1/meetings/{meeting}/staff",
            Access::VoteManage,
            r::post(meetings::api_staff),
        ),
        post(
            "/api/v1/meetings/{meeting}/staff/{staff}/unlock",
            Access::VoteManage,
            r::post(meetings::api_unlock),
        ),
        post(
            "/api/v1/meetings/{meeting}/close",
            Access::Community,
            r::post(meetings::api_close),
        ),
        create(
            "/api/v1/meetings/{meeting}/votes",
            Access::Community,
            r::post(votes::api_create),
        ),
        // Votes.
        get("/votes/{vote}", Access::Login, r::get(votes::show_get)),
        post(
            "/votes/{vote}/state",
            Access::VoteManage,
            r::post(votes::state_post),
        ),
        post(
            "/votes/{vote}/reopen",
            Access::Street,
            r::post(votes::reopen_post),
        ),
        post(
            "/votes/{vote}/withdraw",
            Access::Community,
            r::post(votes::withdraw_post),
        ),
        create(
            "/votes/{vote}/head-count",
            Access::Street,
            r::post(head_count::correct_post),
        ),
        post(
            "/votes/{vote}/signoff",
            Access::CountingStaff,
            r::post(votes::signoff_post),
        ),
        create(
            "/votes/{vote}/next",
            Access::Community,
            r::post(votes::next_post),
        ),
        get(
            "/api/v1/votes/{vote}",
            Access::Login,
            r::get(votes::api_show),
        ),
        post(
            "/api/v1/votes/{vote}/state",
            Access::VoteManage,
            r::post(votes::api_state),
        ),
        post(
            "/api/v1/votes/{vote}/reopen",
            Access::Street,
            r::post(votes::api_reopen),
        ),
        post(
            "/api/v1/votes/{vote}/withdraw",
            Access::Community,
            r::post(votes::api_withdraw),
        ),
        create(
            "/api/v1/votes/{vote}/head-count",
            Access::Street,
            r::post(head_count::api_correct),
        ),
        post(
            "/api/v1/votes/{vote}/signoff",
            Access::CountingStaff,
            r::post(votes::api_signoff),
        ),
        get(
            "/api/v1/votes/{vote}/result",
            Access::Login,
            r::get(votes::api_result),
        ),
        create(
            "/api/v1/votes/{vote}/next",
            Access::Community,
            r::post(votes::api_next),
        ),
        get(
            "/api/v1/votes/{vote}/events",
            Access::Login,
            r::get(events::events_get),
        ),
        // Ballot entry and the queues.
        get(
            "/votes/{vote}/enter",
            Access::Counter,
            r::get(entry::enter_get),
        ),
        post(
            "/votes/{vote}/enter",
            Access::Counter,
            r::post(entry::enter_post),
        ),
        post(
            "/votes/{vote}/void-last",
            Access::Counter,
            r::post(entry::void_post),
        ),
        post(
            "/votes/{vote}/disputes/{seq}",
            Access::Scrutineer,
            r::post(entry::dispute_post),
        ),
        post(
            "/votes/{vote}/undecided/{seq}",
            Access::Community,
            r::post(entry::undecided_post),
        ),
        create(
            "/api/v1/votes/{vote}/ballots",
            Access::Counter,
            r::post(entry::api_enter),
        ),
        post(
            "/api/v1/votes/{vote}/ballots/void-last",
            Access::Counter,
            r::post(entry::api_void),
        ),
        get(
            "/api/v1/votes/{vote}/disputes",
            Access::Login,
            r::get(entry::api_disputes),
        ),
        post(
            "/api/v1/votes/{vote}/disputes/{seq}",
            Access::Scrutineer,
            r::post(entry::api_resolve),
        ),
        get(
            "/api/v1/votes/{vote}/undecided",
            Access::Login,
            r::get(entry::api_undecided),
        ),
        post(
            "/api/v1/votes/{vote}/undecided/{seq}",
            Access::Community,
            r::post(entry::api_decide),
        ),
    ]
    .into_iter()
    .chain(documents::routes())
    .chain(projector::routes())
    .collect()
}
