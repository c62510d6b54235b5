//! The tally engine: the statutory counting rules of SPEC §8 and issue 3 as a pure library
//! (no I/O, no web types).
//!
//! The pipeline is split so that each stage can be used on its own:
//! 1. [`TallyInput`] — the JSON contract (unknown fields rejected); ballots are interned into
//!    a compact [`Ballots`] store while they are read.
//! 2. validation and interning (`plan`), then per-ballot validity (rule 2, `validity`) feeding
//!    per-post [`Counts`] (rule 3, `counting`);
//! 3. [`decide`] — rules 1 and 4–6 on counts only, so a later tally-sheet mode (per-candidate
//!    totals from paper 正字 sheets) builds [`Counts`] and calls the same function;
//! 4. [`TallyResult`] — the output contract, with one Chinese sentence per rule applied.
//!
//! Every legal threshold is data in [`law`]; the settings and their per-preset defaults are
//! in [`Settings`].

mod ballots;
mod counting;
mod counts;
mod error;
mod explain;
mod input;
pub mod law;
mod live;
mod output;
mod plan;
mod rules;
mod settings;
mod validity;

#[cfg(test)]
mod tests;

pub use ballots::Ballots;
pub use counts::{Counts, InvalidCauses, Meeting, NameCount, PostCounts};
pub use error::TallyError;
pub use input::{Ballot, PostInput, PostMarks, TallyInput};
pub use live::LiveTally;
pub use output::{
    BallotReport, CandidateResult, NextRound, PostResult, QuorumReport, Status, TallyResult,
    VoidReason,
};
pub use rules::{decide, further_candidates};
pub use settings::{
    BoxCheck, Comparison, MajorityBase, Overvote, Preset, Round, Rules, SamePersonTwoPosts,
    Settings, SettingsOverrides,
};

impl TallyInput {
    /// The preset, the resolved settings and the round of this input.
    pub fn rules(&self) -> Rules {
        Rules {
            preset: self.preset,
            settings: Settings::resolve(self.preset, &self.settings),
            round: self.round,
        }
    }
}

/// Validates the input, judges every ballot (rule 2) and counts them (rule 3): the meeting's
/// numbers with their defaults filled in, and the counts per post.
pub fn count(input: &TallyInput) -> Result<(Meeting, Counts), TallyError> {
    let plan = plan::plan(input)?;
    let counts = counting::count_ballots(&plan, &input.rules(), &input.ballots)?;
    Ok((plan.meeting, counts))
}

/// Tallies one round: validation, rules 1–6, the result with its explanation.
///
/// A void round is a result (`valid: false`), not an error; errors are malformed inputs.
pub fn tally(input: &TallyInput) -> Result<TallyResult, TallyError> {
    let (meeting, counts) = count(input)?;
    Ok(decide(&input.rules(), &meeting, &counts))
}

/// Reads a JSON input document, tallies it and returns the result as pretty JSON: the whole
/// of `huanjie tally`.
pub fn tally_json(text: &str) -> Result<String, TallyError> {
    let input::ObjectOnly(input) = serde_json::from_str::<input::ObjectOnly<TallyInput>>(text)
        .map_err(|e| TallyError::from_json(&e))?;
    let result = tally(&input)?;
    Ok(serde_json::to_string_pretty(&result).expect("a tally result always serialises"))
}
