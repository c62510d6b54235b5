-- w-1 … w-3 总结完善 (sqlite): the handover meeting and its checklist (交接清单), the new
-- committees' organisation (分工, subcommittees, the 民主理财小组 and the 居务公开小组, the work
-- plan), and the residents' charter, convention and meeting systems.
-- keep in step with migrations/postgres/0024_wrapup.sql.

-- w-1: the handover meeting of a campaign (one per campaign). the rule check of its date (within
-- ten days after the new committees were formed) is kept in rule_checks
-- (subject_type = 'wrapup_handover', subject_id = the campaign).
create table wrapup_handovers (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    held_on text not null,
    handed_by text not null,              -- 交出方: the outgoing 书记/主任 or other people
    received_by text not null,            -- 接收方
    witnessed_by text not null,           -- 监交人: a street cadre
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null
);

-- w-1: one item of the checklist, ticked by each side.
create table wrapup_handover_items (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    category text not null,               -- seal | archive | finance | asset | debt | material
    name text not null,
    quantity text not null default '',    -- quantity, volumes, balance or description
    handed integer not null default 0,    -- ticked by the handing-over side
    received integer not null default 0,  -- ticked by the receiving side
    position integer not null,
    created_at text not null,
    updated_at text not null,
    unique (campaign_id, category, name)
);

-- w-2: each elected member's division of work (分工), per committee.
create table wrapup_duties (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    committee text not null,              -- party | residents
    name text not null,
    person_id integer references people(id),
    duty text not null,
    created_at text not null,
    updated_at text not null,
    unique (campaign_id, committee, name)
);

-- w-2: a body of the residents' committee: a subcommittee (下属委员会), the 民主理财小组 or the
-- 居务公开小组.
create table wrapup_bodies (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    kind text not null,                   -- subcommittee | finance | disclosure
    name text not null,
    created_at text not null,
    updated_at text not null,
    unique (campaign_id, kind, name)
);

-- w-2: the members of a body, in order; head = 1 for its head (主任, 组长).
create table wrapup_body_members (
    id integer primary key autoincrement,
    body_id integer not null references wrapup_bodies(id) on delete cascade,
    name text not null,
    head integer not null default 0,
    position integer not null,
    created_at text not null,
    unique (body_id, name)
);

-- w-2: the new committee's work plan.
create table wrapup_plans (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    plan text not null,
    created_at text not null,
    updated_at text not null
);

-- w-3: the 居民自治章程 (charter) and the 居民公约 (convention) of a campaign, with the meeting
-- and vote that adopted each, the text, and an attached file (pdf, png, jpeg or docx).
create table wrapup_documents (
    campaign_id integer not null references campaigns(id) on delete cascade,
    kind text not null,                   -- charter | convention
    adopted_on text not null,
    meeting text not null,
    attending integer not null,
    votes_for integer not null,
    votes_against integer not null,
    body text not null default '',
    filename text,
    content_type text,
    size integer,
    data blob,
    created_at text not null,
    updated_at text not null,
    primary key (campaign_id, kind)
);

-- w-3: a meeting system (会议制度 and the like) recorded with its text.
create table wrapup_systems (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    name text not null,
    body text not null,
    created_at text not null,
    updated_at text not null,
    unique (campaign_id, name)
);
