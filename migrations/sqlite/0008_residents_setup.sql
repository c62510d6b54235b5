-- residents' pipeline, first slice (sqlite): c-2 seats, r-1 居民代表, r-2 居民选举委员会 with
-- its substitutions, r-3 选举办法, and street overrides of the step gates.
-- keep in step with migrations/postgres/0008_residents_setup.sql.

-- c-2: the residents' committee's seats per campaign (主任 is always 1).
create table residents_seats (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    deputies integer not null,            -- 副主任
    members integer not null,             -- 委员
    part_time integer not null default 0, -- 兼职委员, recorded apart, not counted
    created_at text not null,
    updated_at text not null
);

-- r-1: a representative of a resident group.
create table residents_representatives (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    group_id integer not null references resident_groups(id),
    person_id integer not null references people(id),
    created_at text not null,
    unique (campaign_id, person_id)
);

-- r-2: the election committee: members (one chair), alternates in order, and those who stepped down.
create table residents_committee (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    role text not null,                   -- chair | member | alternate | stepped_down
    sort integer not null,
    created_at text not null,
    unique (campaign_id, person_id)
);

-- r-2: a member who stepped down (nominated as a candidate) and the alternate who took the seat.
create table residents_substitutions (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    stepped_down_id integer not null references people(id),
    replaced_by_id integer references people(id),
    message text not null,
    created_by integer references users(id),
    created_at text not null
);

-- r-3: the election rules (text and settings as json) and their adoption by the representatives.
create table residents_rules (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    body text not null,
    settings text not null,
    meeting_date text,
    representatives integer,
    attending integer,
    votes_for integer,
    votes_against integer,
    adopted_at text,
    created_at text not null,
    updated_at text not null
);

-- a street's reason for opening a residents' step before the previous one is done.
create table residents_step_overrides (
    campaign_id integer not null references campaigns(id) on delete cascade,
    step text not null,
    reason text not null,
    created_by integer references users(id),
    created_at text not null,
    primary key (campaign_id, step)
);
