-- hardening: sessions end with their right, login locks that can be lifted, idempotency keys
-- bound to the request, entry ids per counter, staff added during a count.
-- keep in step with migrations/sqlite/0020_hardening.sql.

-- bumped on a password change, a reset or disabling: sessions of an older epoch end.
alter table users add column session_epoch bigint not null default 0;
-- failures before this time no longer lock the account (a reset, or the chief scrutineer's
-- unlock of a counting staff login).
alter table users add column lock_cleared_at timestamptz;

-- a key is bound to the concrete path and a hash of the method, path and body. keys claimed
-- by the old code without an answer were never written with their request: drop them.
alter table idempotency_keys add column path text;
alter table idempotency_keys add column request_hash text;
delete from idempotency_keys where status is null;

-- a counter's client_id is its own: unique per vote, table and counter.
alter table ballot_entries drop constraint ballot_entries_vote_id_client_id_key;
alter table ballot_entries add constraint ballot_entries_counter_client_id_key
    unique (vote_id, table_no, user_id, client_id);

-- staff added once counting began: who allowed it (the street or the chief scrutineer) and why;
-- shown on the console.
alter table meeting_staff add column added_reason text;
alter table meeting_staff add column added_by bigint references users(id);
