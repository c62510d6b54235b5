//! Integration tests: the router driven without a socket, on SQLite by default and on
//! PostgreSQL when TEST_DATABASE_URL is set.

mod audit;
mod audit_anchor;
mod browser;
mod campaign_dates;
mod congress_exclusions;
mod counting;
mod counting_fixtures;
mod counting_pages;
mod csrf;
mod demo;
mod documents;
mod fixtures;
mod follow_up;
mod hardening;
mod head_count;
mod helpers;
mod idempotency;
mod import;
mod lapsed_overrides;
mod login;
mod matrix;
mod party;
mod people;
mod procedure;
mod projector;
mod residents;
mod residents_checks;
mod residents_election;
mod residents_nominees;
mod residents_pipeline;
mod residents_results;
mod residents_voters;
mod sessions;
mod template;
mod vote_settings;
