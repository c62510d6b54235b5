-- w-4 总结验收与归档 (sqlite): the statistics frozen when w-4 closes, the street's summary of a
-- campaign year, each community's archive (the zip kept as downloaded) and the street's
-- inspections. keep in step with migrations/postgres/0025_wrapup_w4.sql.

-- a campaign's statistics as they stood when w-4 closed (json of domain::statistics).
create table wrapup_statistics (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    figures text not null,
    created_at text not null
);

-- the street's 换届工作总结 of a campaign year: the text (a draft from the figures, edited).
create table wrapup_summaries (
    year integer primary key,
    body text not null,
    submitted_at text,
    submitted_by integer references users(id),
    updated_by integer references users(id),
    created_at text not null,
    updated_at text not null
);

-- a community's archive: the zip with its index, its digest and the audit heads at the time.
create table wrapup_archives (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    data blob not null,
    sha256 text not null,
    files integer not null,
    audit_heads text not null,            -- json: scope -> head hash
    created_by integer references users(id),
    created_at text not null
);
create index wrapup_archives_campaign on wrapup_archives(campaign_id);

-- the street's inspection (验收) of a campaign: the checklist as found, who, when, the verdict.
create table wrapup_inspections (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    inspector text not null,
    inspected_on text not null,
    verdict text not null,                -- passed | failed
    remarks text not null default '',
    checklist text not null,              -- json: [{item, passed, detail}]
    created_by integer references users(id),
    created_at text not null
);
create index wrapup_inspections_campaign on wrapup_inspections(campaign_id);
