-- huanjie foundation schema (sqlite). keep in step with migrations/postgres/0001_foundation.sql.
-- timestamps are utc, stored as text by sqlx; dates as yyyy-mm-dd text.

-- the street (one per deployment) and its settings as json.
create table streets (
    id integer primary key autoincrement,
    name text not null,
    settings text not null default '{}',
    created_at text not null,
    updated_at text not null
);

-- the street's work plan: phases and steps with month/day taken from the seed's template.
create table plan_steps (
    id integer primary key autoincrement,
    street_id integer not null references streets(id),
    code text not null,
    phase text not null,
    title text not null,
    start_md text not null,       -- 'mm-dd'
    end_md text not null,         -- 'mm-dd'
    sort integer not null,
    created_at text not null,
    updated_at text not null,
    unique (street_id, code)
);

-- communities of the street.
create table communities (
    id integer primary key autoincrement,
    street_id integer not null references streets(id),
    code text not null unique,
    name text not null,
    org_type text not null,       -- 'zongzhi' (党总支) | 'zhibu' (党支部)
    households integer not null default 0,
    created_at text not null,
    updated_at text not null
);

-- resident groups (居民小组).
create table resident_groups (
    id integer primary key autoincrement,
    community_id integer not null references communities(id),
    name text not null,
    households integer not null default 0,
    created_at text not null,
    updated_at text not null,
    unique (community_id, name)
);

-- people, once per street. id_number is unique where present.
create table people (
    id integer primary key autoincrement,
    street_id integer not null references streets(id),
    name text not null,
    gender text not null,                 -- '男' | '女'
    birth_date text,
    ethnicity text not null default '汉族',
    education text,                       -- see domain::person::Education
    id_number text unique,
    hukou_community_id integer references communities(id),
    residence_community_id integer references communities(id),
    resident_group_id integer references resident_groups(id),
    rights_removed integer not null default 0,
    party_status text not null default 'none',   -- none | full | probationary | watch | suspended
    party_org text,                       -- 'community' | 'unit'
    party_org_name text,
    party_joined text,
    npc_deputy integer not null default 0,
    cppcc_member integer not null default 0,
    phone text,
    household_no text,
    created_at text not null,
    updated_at text not null
);
create index people_residence on people(residence_community_id);
create index people_hukou on people(hukou_community_id);

-- incumbency: who holds which post in the outgoing committees.
create table incumbencies (
    id integer primary key autoincrement,
    person_id integer not null references people(id) on delete cascade,
    committee text not null,              -- 'party' | 'residents'
    post text not null,                   -- 书记, 副书记, 委员, 主任, 副主任
    term text not null default '',
    created_at text not null
);

-- honours (name, level).
create table honours (
    id integer primary key autoincrement,
    person_id integer not null references people(id) on delete cascade,
    name text not null,
    level text not null,                  -- 区级 | 市级 | 省级 | 国家级
    created_at text not null
);

-- relations, stored in both directions: person_id is `kind` of other_id.
create table relations (
    id integer primary key autoincrement,
    person_id integer not null references people(id) on delete cascade,
    other_id integer not null references people(id) on delete cascade,
    kind text not null,                   -- spouse | parent | child | sibling
    created_at text not null,
    unique (person_id, other_id, kind)
);

-- campaigns: one per community and term.
create table campaigns (
    id integer primary key autoincrement,
    community_id integer not null references communities(id),
    term text not null,
    year integer not null,
    reference_date text not null,
    party_election_day text,
    residents_election_day text,
    created_at text not null,
    updated_at text not null,
    unique (community_id, term)
);

-- per-campaign step dates and state (copied from the plan, adjustable).
create table campaign_steps (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    code text not null,
    phase text not null,
    title text not null,
    start_date text not null,
    end_date text not null,
    sort integer not null,
    done_at text,
    created_at text not null,
    updated_at text not null,
    unique (campaign_id, code)
);

-- accounts.
create table users (
    id integer primary key autoincrement,
    username text not null unique,
    display_name text not null default '',
    password_hash text not null,
    role text not null,                   -- street | community | scrutineer | counter
    community_id integer references communities(id),
    person_id integer references people(id),
    disabled integer not null default 0,
    created_at text not null,
    updated_at text not null
);

-- grants: capabilities bound to a community or a vote (votes come with the counting room).
create table grants (
    id integer primary key autoincrement,
    user_id integer not null references users(id) on delete cascade,
    community_id integer references communities(id),
    vote_id integer,
    capability text not null,             -- e.g. chief_scrutineer, chief_counter, election_committee
    created_at text not null
);

-- C-7: rule checks and overrides, kept with the thing checked.
create table rule_checks (
    id integer primary key autoincrement,
    subject_type text not null,
    subject_id integer not null,
    rule text not null,
    passed integer not null,
    numbers text not null default '{}',
    source text not null,
    message text not null,
    override_by integer references users(id),
    override_at text,
    override_reason text,
    override_honour text,
    created_at text not null,
    unique (subject_type, subject_id, rule)
);

-- the audit log: append-only, hash-chained per scope.
create table audit_log (
    id integer primary key autoincrement,
    scope text not null,                  -- 'street' or 'community:CODE'
    seq integer not null,
    at text not null,
    actor_id integer,
    actor text not null,
    action text not null,
    entity text not null,
    entity_id text not null,
    before_json text,
    after_json text,
    prev_hash text not null,
    hash text not null,
    unique (scope, seq)
);

-- the head of each audit chain, kept apart so a deleted last entry is detectable.
create table audit_heads (
    scope text primary key,
    seq integer not null,
    hash text not null
);

-- failed logins for throttling.
create table login_failures (
    id integer primary key autoincrement,
    username text not null,
    address text not null,
    at text not null
);
create index login_failures_user on login_failures(username, at);
create index login_failures_addr on login_failures(address, at);

-- idempotency keys: the first response to a create, replayed for repeats.
create table idempotency_keys (
    owner text not null,
    key text not null,
    route text not null,
    status integer,
    location text,
    body text,
    created_at text not null,
    primary key (owner, key)
);
