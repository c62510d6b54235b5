-- party pipeline, p-3 全额定向民主推荐 (sqlite): the meeting with its participants by category,
-- the nominees' written introductions and speeches, the recommendation forms or the totals.
-- keep in step with migrations/postgres/0005_party_p3.sql.

-- the recommendation meeting of a campaign; its p-3 checks live in rule_checks
-- (subject_type 'party_recommendation', subject_id = campaign id).
create table party_recommend_meetings (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    meeting_date text not null,
    committee_member integer not null default 0,        -- 社区党组织委员会成员
    party_representative integer not null default 0,    -- 党员代表
    resident_representative integer not null default 0, -- 居民代表 (counts toward the 30%)
    unit_representative integer not null default 0,     -- 驻区单位代表
    party_congress_deputy integer not null default 0,   -- 党代表
    npc_deputy integer not null default 0,              -- 人大代表 (counts toward the 30%)
    cppcc_member integer not null default 0,            -- 政协委员 (counts toward the 30%)
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null
);

-- a passed nominee's written introduction (at most 1500 characters) and whether they spoke.
create table party_introductions (
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    text text not null,
    speech_given integer not null default 0,
    updated_by integer references users(id),
    created_at text not null,
    updated_at text not null,
    primary key (campaign_id, person_id)
);

-- one participant's recommendation form: {"secretary": [person ids], ...} as json text;
-- its validity is computed against the committee's seats when tallied.
create table party_recommend_forms (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    marks text not null,
    created_by integer references users(id),
    created_at text not null
);
create index party_recommend_forms_campaign on party_recommend_forms(campaign_id);

-- the alternative to forms: each nominee's recommendation votes per post, counted on paper.
create table party_recommend_totals (
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    post text not null,                   -- secretary | deputy_secretary | member
    votes integer not null,
    created_at text not null,
    primary key (campaign_id, person_id, post)
);
