-- d-1 换届纪律 (sqlite): the commitment text the street sets, each nominee's and candidate's
-- signed commitment (换届我承诺), the street's collective talks (集体谈话) with the people talked
-- to, and the street-only register of discipline reports with their handling steps.
-- keep in step with migrations/postgres/0023_discipline.sql.

-- the commitment text of the street (one row; absent: the built-in default text).
create table discipline_settings (
    street_id integer primary key references streets(id),
    commitment_text text not null,
    created_at text not null,
    updated_at text not null
);

-- one signed commitment per person and campaign; the text signed is kept as signed.
create table discipline_commitments (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    signed_on text not null,
    text text not null,
    created_by integer references users(id),
    created_at text not null,
    unique (campaign_id, person_id)
);

-- a collective talk held by the street.
create table discipline_talks (
    id integer primary key autoincrement,
    held_on text not null,
    place text not null default '',
    talked_by text not null,              -- who held the talk (names, posts)
    points text not null,                 -- the points made
    created_by integer references users(id),
    created_at text not null
);

-- the people talked to, in the order given.
create table discipline_talk_people (
    talk_id integer not null references discipline_talks(id) on delete cascade,
    person_id integer not null references people(id),
    position integer not null,
    primary key (talk_id, person_id)
);

-- a discipline report (street only: never shown to a community).
create table discipline_reports (
    id integer primary key autoincrement,
    received_on text not null,
    channel text not null,                -- letter | visit | phone | online | on_site
    reporter text,                        -- null: anonymous
    person_id integer references people(id),
    community_id integer references communities(id),
    category text not null,               -- bribery | violence | threat | deception | forgery | other
    summary text not null,
    outcome text,
    closed_on text,
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null
);
create index discipline_reports_person on discipline_reports(person_id);

-- one handling step of a report.
create table discipline_report_steps (
    id integer primary key autoincrement,
    report_id integer not null references discipline_reports(id) on delete cascade,
    done_on text not null,
    action text not null,
    handled_by text not null,
    created_by integer references users(id),
    created_at text not null
);
create index discipline_report_steps_report on discipline_report_steps(report_id);
