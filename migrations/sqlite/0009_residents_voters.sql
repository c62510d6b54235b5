-- residents' pipeline, r-4 选民登记 (sqlite): the registered voters of a campaign with their basis
-- and certificate number, the published voter list, and the decisions on objections after it.
-- keep in step with migrations/postgres/0009_residents_voters.sql.

-- a registered voter; the r-4 check lives in rule_checks (subject_type 'resident_voter',
-- subject_id = voter id). removed = 1 after a decision removed the voter from a published list.
create table resident_voters (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    basis text not null,                  -- hukou | residence | posted
    proof text,                           -- 居住地: proof of not voting at the 户籍 place
    approval text,                        -- posted staff: the representatives' meeting's approval
    certificate_no text unique,
    removed integer not null default 0,
    created_by integer references users(id),
    created_at text not null,
    unique (campaign_id, person_id)
);
create index resident_voters_person on resident_voters(person_id);

-- the publication of a campaign's voter list; its check lives in rule_checks
-- (subject_type 'resident_voter_list', subject_id = campaign id).
create table resident_voter_lists (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    published_on text not null,
    override_reason text,
    created_by integer references users(id),
    created_at text not null
);

-- an objection to the published list and its decision (add | remove | none).
create table resident_voter_decisions (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer references people(id),
    objection text not null,
    decision text not null,
    reason text not null,
    created_by integer references users(id),
    created_at text not null
);
