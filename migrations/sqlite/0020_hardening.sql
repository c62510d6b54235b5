-- hardening: sessions end with their right, login locks that can be lifted, idempotency keys
-- bound to the request, entry ids per counter, staff added during a count.
-- keep in step with migrations/postgres/0020_hardening.sql.

-- bumped on a password change, a reset or disabling: sessions of an older epoch end.
alter table users add column session_epoch integer not null default 0;
-- failures before this time no longer lock the account (a reset, or the chief scrutineer's
-- unlock of a counting staff login).
alter table users add column lock_cleared_at text;

-- a key is bound to the concrete path and a hash of the method, path and body. keys claimed
-- by the old code without an answer were never written with their request: drop them.
alter table idempotency_keys add column path text;
alter table idempotency_keys add column request_hash text;
delete from idempotency_keys where status is null;

-- a counter's client_id is its own: unique per vote, table and counter.
create table ballot_entries_new (
    id integer primary key autoincrement,
    vote_id integer not null references votes(id),
    table_no integer not null,
    seq integer not null,
    user_id integer not null references users(id),
    client_id text not null,
    ballot text not null,
    voided integer not null default 0,
    created_at text not null,
    unique (vote_id, table_no, user_id, client_id)
);
insert into ballot_entries_new (id, vote_id, table_no, seq, user_id, client_id, ballot, voided, created_at)
    select id, vote_id, table_no, seq, user_id, client_id, ballot, voided, created_at from ballot_entries;
drop table ballot_entries;
alter table ballot_entries_new rename to ballot_entries;
create index ballot_entries_seq on ballot_entries(vote_id, table_no, seq);

-- staff added once counting began: who allowed it (the street or the chief scrutineer) and why;
-- shown on the console.
alter table meeting_staff add column added_reason text;
alter table meeting_staff add column added_by integer references users(id);
