-- counting day (sqlite): meetings, their staff, votes, ballot entries, reconciled ballots, sign-offs.
-- keep in step with migrations/postgres/0002_counting.sql.

-- a meeting: 党员大会 (party) or 选举大会 (residents) of one community.
create table meetings (
    id integer primary key autoincrement,
    community_id integer not null references communities(id),
    title text not null,
    kind text not null,                   -- party | residents
    date text not null,
    closed_at text,
    created_at text not null,
    updated_at text not null
);

-- the meeting's elected staff; scrutineers and counters get a login (user_id).
create table meeting_staff (
    id integer primary key autoincrement,
    meeting_id integer not null references meetings(id),
    name text not null,
    person_id integer references people(id),
    role text not null,                   -- scrutineer | counter | caller
    chief integer not null default 0,     -- 总监票人 / 总计票人
    table_no integer,                     -- 计票组 of a counter
    user_id integer references users(id),
    created_at text not null
);

-- grants may be bound to a meeting (its staff).
alter table grants add column meeting_id integer references meetings(id);

-- one vote (一次投票) of a meeting.
create table votes (
    id integer primary key autoincrement,
    meeting_id integer not null references meetings(id),
    title text not null,
    preset text not null,                 -- party | residents
    settings text not null default '{}',  -- tally settings overrides (json)
    round text not null default 'first',  -- first | tie_revote | supplementary
    follows_id integer references votes(id),
    electorate integer not null,
    posts text not null,                  -- json: [{post, seats, candidates, eligible?}]
    double_entry integer not null default 1,
    state text not null default 'draft',  -- draft | voting | counting | review | certified
    present integer,
    ballots_issued integer,
    ballots_collected integer,
    result text,                          -- the engine's output at certification (json)
    audit_head text,                      -- the community chain's head hash at certification
    certified_at text,
    created_at text not null,
    updated_at text not null
);

-- every keyed entry of a counter; a retried submit (same client_id) is the same entry.
create table ballot_entries (
    id integer primary key autoincrement,
    vote_id integer not null references votes(id),
    table_no integer not null,
    seq integer not null,
    user_id integer not null references users(id),
    client_id text not null,
    ballot text not null,                 -- the tally contract's ballot form (json)
    voided integer not null default 0,
    created_at text not null,
    unique (vote_id, client_id)
);
create index ballot_entries_seq on ballot_entries(vote_id, table_no, seq);

-- ballot k of a table, once its entries are reconciled.
create table ballots (
    id integer primary key autoincrement,
    vote_id integer not null references votes(id),
    table_no integer not null,
    seq integer not null,
    status text not null,                 -- pending | agreed | disputed | undecided | counted
    ballot text,                          -- the ballot that counts (json), once known
    resolved_by integer references users(id),
    note text,
    created_at text not null,
    updated_at text not null,
    unique (vote_id, table_no, seq)
);

-- the two signatures of a count: 总监票人 and 总计票人.
create table signoffs (
    id integer primary key autoincrement,
    vote_id integer not null references votes(id),
    capability text not null,             -- chief_scrutineer | chief_counter
    user_id integer not null references users(id),
    at text not null,
    unique (vote_id, capability)
);
