-- party pipeline, first slice (sqlite): committee size (c-1), p-1 nominations with their
-- backers, p-2 review decisions, publicity periods (公示) and objections, step-gate overrides.
-- keep in step with migrations/postgres/0004_party.sql.

-- c-1: the committee's size per campaign; org_type copied from the community when set.
create table party_sizes (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    members integer not null,             -- n 委员 (书记 and 副书记 are among them)
    deputies integer not null default 0,  -- number of 副书记, 0–2
    org_type text not null,               -- zongzhi (党总支) | zhibu (党支部)
    created_at text not null,
    updated_at text not null
);

-- p-1: one nomination of a person for a post through a channel; p-2's decision on it.
create table party_nominations (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    post text not null,                   -- 书记 | 副书记 | 委员
    channel text not null,                -- street | community | unit | self | members | residents
    consent_date text,                    -- the nominee's dated consent (needed by joint channels)
    created_by integer references users(id),
    created_at text not null,
    decision text,                        -- passed | failed (p-2, by the street)
    decision_reason text,
    decided_by integer references users(id),
    decided_at text,
    updated_at text not null,
    unique (campaign_id, person_id, post, channel)
);
create index party_nominations_campaign on party_nominations(campaign_id);

-- joint nominations' backers; a person backs a nominee at most once per campaign.
create table party_backers (
    id integer primary key autoincrement,
    nomination_id integer not null references party_nominations(id) on delete cascade,
    campaign_id integer not null references campaigns(id) on delete cascade,
    nominee_id integer not null references people(id),
    backer_id integer not null references people(id),
    created_at text not null,
    unique (campaign_id, nominee_id, backer_id)
);
create index party_backers_nomination on party_backers(nomination_id);

-- publicity periods (公示) of a step, e.g. p-2's after the review.
create table party_publicities (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    step text not null,                   -- p-2, later p-4
    start_date text not null,
    end_date text not null,
    created_by integer references users(id),
    created_at text not null
);

-- objections raised during a publicity period, and their answers.
create table party_objections (
    id integer primary key autoincrement,
    publicity_id integer not null references party_publicities(id) on delete cascade,
    text text not null,
    answer text,
    answered_by integer references users(id),
    answered_at text,
    created_by integer references users(id),
    created_at text not null
);

-- a step opened by the street although the step before it is not complete (reason kept).
create table party_step_overrides (
    campaign_id integer not null references campaigns(id) on delete cascade,
    step text not null,
    reason text not null,
    created_by integer references users(id),
    created_at text not null,
    primary key (campaign_id, step)
);
