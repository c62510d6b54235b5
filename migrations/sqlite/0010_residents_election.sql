-- residents' pipeline, r-5 … r-8 (sqlite): nominees with their four reviews and introductions,
-- the election meeting and its vote, per-voter participation (central station, proxy, mobile
-- ballot box), the election committee's decisions on write-in winners, and the result's
-- publication, filing and election certificates.
-- keep in step with migrations/postgres/0010_residents_election.sql.

-- r-5: a nominee for one post; r-6: the nominee's introduction and statement.
-- the nominee is an official candidate (正式候选人) once all four reviews are passed (latest
-- record of each counts); the check lives in rule_checks (subject_type 'resident_nominee').
create table resident_nominees (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    post text not null,                   -- director | deputy | member
    channel text not null,                -- residents_meeting | representatives_meeting | resident_group | self_nomination
    nominated_by text not null default '', -- e.g. the resident group's name or the meeting's date
    introduction text not null default '', -- r-6
    statement text not null default '',    -- r-6: 竞职承诺 / 表态
    withdrawn integer not null default 0,
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null,
    unique (campaign_id, person_id, post)
);

-- r-5: one recorded review of a nominee (qualification | political | discussion | assessment).
create table resident_nominee_reviews (
    id integer primary key autoincrement,
    nominee_id integer not null references resident_nominees(id) on delete cascade,
    review text not null,
    passed integer not null,
    reason text not null default '',
    reviewed_on text,
    created_by integer references users(id),
    created_at text not null
);
create index resident_nominee_reviews_nominee on resident_nominee_reviews(nominee_id);

-- r-7: the election meeting (选举大会) in the counting room and its first vote; later rounds
-- follow it through votes.follows_id.
create table resident_elections (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    meeting_id integer not null references meetings(id),
    vote_id integer references votes(id),
    place text not null default '',
    chair_person_id integer references people(id),
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null
);

-- r-7: an approved proxy (委托投票): principal and proxy are registered voters.
create table resident_proxies (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    principal_id integer not null references people(id),
    proxy_id integer not null references people(id),
    letter text not null default '',      -- the written authorisation (reference)
    created_by integer references users(id),
    created_at text not null,
    unique (campaign_id, principal_id)
);

-- r-7: an approved mobile ballot box (流动票箱) and its scrutineers (names, json array).
create table resident_mobile_boxes (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    name text not null,
    approval text not null,
    scrutineers text not null,
    created_by integer references users(id),
    created_at text not null
);

-- r-7: one voter's participation; a second one for the same voter is refused by the unique key.
create table resident_participations (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    voter_id integer not null references resident_voters(id),
    channel text not null,                -- station | proxy | mobile_box
    proxy_id integer references resident_proxies(id),
    box_id integer references resident_mobile_boxes(id),
    created_by integer references users(id),
    created_at text not null,
    unique (campaign_id, voter_id)
);

-- r-7: the election committee's decision on a write-in winner who is not a registered voter.
create table resident_writein_decisions (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    vote_id integer not null references votes(id),
    name text not null,
    accepted integer not null,
    reason text not null,
    created_by integer references users(id),
    created_at text not null,
    unique (vote_id, name)
);

-- r-8: the result notice, the reports (备案) to the street and the district civil affairs bureau.
create table resident_results (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    published_on text,
    reported_street_on text,
    reported_civil_affairs_on text,
    filing_no text not null default '',
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null
);

-- r-8: one elected member with the election certificate (当选证书) number.
create table resident_elected (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    vote_id integer not null references votes(id),
    post text not null,                   -- director | deputy | member
    name text not null,
    person_id integer references people(id),
    votes integer not null,
    certificate_no text not null unique,
    created_at text not null,
    unique (campaign_id, post, name)
);
