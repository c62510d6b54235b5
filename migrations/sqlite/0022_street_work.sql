-- the street's own work of s-1 (sqlite): the leading group and its office, each community's
-- liaison, the mobilisation meetings, publicity per community with attachments, the 工作问答
-- items and the training sessions with their attendees.
-- keep in step with migrations/postgres/0022_street_work.sql.

-- s-1.1: members of the leading group (组长, 副组长, 成员) and of its office.
create table leading_group_members (
    id integer primary key autoincrement,
    role text not null,                   -- leader | deputy | member | office_director | office_staff
    name text not null,
    person_id integer references people(id),
    user_id integer references users(id),
    post text not null default '',        -- 职务
    unit text not null default '',        -- 单位
    phone text not null default '',
    duty text not null default '',        -- 分工
    sort integer not null default 0,
    created_at text not null,
    updated_at text not null
);

-- s-1.1: the street cadre each community is assigned (联系领导 / 指导员), one per community.
create table community_liaisons (
    id integer primary key autoincrement,
    community_id integer not null unique references communities(id),
    kind text not null,                   -- leader (联系领导) | instructor (指导员)
    name text not null,
    member_id integer references leading_group_members(id) on delete set null,
    user_id integer references users(id),
    created_at text not null,
    updated_at text not null
);

-- s-1.3: the mobilisation meeting(s) with attendance by category.
create table mobilisation_meetings (
    id integer primary key autoincrement,
    date text not null,
    place text not null default '',
    speakers text not null default '',
    attend_street integer not null default 0,     -- 街道干部
    attend_community integer not null default 0,  -- 社区干部
    attend_residents integer not null default 0,  -- 居民代表
    attend_party integer not null default 0,      -- 党员代表
    attend_other integer not null default 0,      -- 其他
    notes text not null default '',
    created_at text not null,
    updated_at text not null
);

-- s-1.3: publicity materials a community issued, by kind and count.
create table publicity_records (
    id integer primary key autoincrement,
    community_id integer not null references communities(id),
    date text not null,
    kind text not null,                   -- handbook | poster | leaflet | qa | banner | wechat | other
    count integer not null default 0,
    note text not null default '',
    created_at text not null,
    updated_at text not null
);
create index publicity_records_community on publicity_records(community_id);

-- s-1.3: photos and pdfs of a publicity record, kept in the database (at most 5 mb each).
create table publicity_attachments (
    id integer primary key autoincrement,
    record_id integer not null references publicity_records(id) on delete cascade,
    community_id integer not null references communities(id),
    filename text not null,
    content_type text not null,           -- image/png | image/jpeg | application/pdf
    size integer not null,
    data blob not null,
    created_at text not null,
    updated_at text not null
);
create index publicity_attachments_record on publicity_attachments(record_id);

-- s-1.3: the 工作问答 the street edits and every community prints.
create table qa_items (
    id integer primary key autoincrement,
    sort integer not null default 0,
    question text not null,
    answer text not null,
    created_at text not null,
    updated_at text not null
);

-- s-1.4: training sessions of the election staff.
create table trainings (
    id integer primary key autoincrement,
    date text not null,
    topic text not null,
    trainer text not null default '',
    place text not null default '',
    created_at text not null,
    updated_at text not null
);

-- s-1.4: who attended a session, linked to a person or an account where known.
create table training_attendees (
    id integer primary key autoincrement,
    training_id integer not null references trainings(id) on delete cascade,
    name text not null,
    unit text not null default '',
    person_id integer references people(id),
    user_id integer references users(id),
    created_at text not null,
    updated_at text not null
);
create index training_attendees_training on training_attendees(training_id);
create index training_attendees_person on training_attendees(person_id);

-- the default 工作问答, from the topics of the street's plan (its purpose, the Party's and the
-- residents' procedures, members' and voters' rights, discipline); the street edits them.
insert into qa_items (sort, question, answer, created_at, updated_at) values
(1, '为什么要开展社区“两委”换届选举？', '社区党组织和居民委员会任期届满，依照党章、党内法规和《城市居民委员会组织法》按期换届。换届是发展党内民主和基层民主的重要实践，目的是把政治过硬、能力较强、作风务实、群众公认的人选进社区“两委”班子，增强社区服务群众、凝聚群众的能力。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
(2, '换届选举分几个阶段？', '全街道换届选举分三个阶段：选前准备（成立工作机构、制定工作方案、动员部署和集中培训），正式选举（社区党组织和居民委员会分别依程序选举），总结完善（工作交接、健全组织、完善制度、总结归档）。各步骤的具体日期以街道工作方案为准。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
(3, '社区党组织换届采取什么方式？', '实行“公推直选”：先通过街道党工委推荐、社区党组织推荐、驻区单位党组织推荐、党员自荐、党员联名和群众联名推荐等渠道公开推荐人选，经资格审查、民主推荐、考察，确定候选人预备人选，最后召开党员大会，先差额选举委员，再从新当选的委员中等额选举书记、副书记。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
(4, '党员在换届中有哪些权利和义务？', '正式党员享有表决权、选举权和被选举权，可以推荐人选，也可以本人自荐；预备党员、受留党察看处分期间的党员没有表决权、选举权和被选举权。党员应当按时参加党员大会，独立、自主地按本人意愿填写选票，遵守换届纪律，不得委托他人代为投票。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
(5, '哪些居民可以登记为选民？', '选举日年满十八周岁、未被剥夺政治权利的居民都可以登记为选民，一般在户籍所在社区登记；在居住地参加选举的，须提供未在户籍地参加选举的证明。任何人不得在两个社区同时登记。选民名单在选举日前张榜公布，对名单有不同意见的可以向居民选举委员会提出。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
(6, '居民委员会成员候选人怎样产生？', '候选人可以由居民会议、居民代表会议、居民小组提名，也可以本人自荐。被提名人须经领导小组资格审查、社区党组织政治审查、居民代表会议讨论和考试考核，全部通过的才能成为正式候选人。正式候选人总数应多于应选人数，实行差额选举。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
(7, '选举怎样才有效？谁能当选？', '居民委员会选举中，参加投票的选民超过登记选民的半数，选举有效；候选人获得参加投票的选民过半数的选票，始得当选。无效票计入投票总数。党员大会选举中，到会有选举权的党员须超过应到会人数的五分之四，候选人获得赞成票超过应到会有选举权党员的半数，始得当选。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
(8, '选举日不能到场怎么办？', '居民委员会选举中，选民因故不能到场的，可以书面委托本社区有选举权的近亲属代为投票，每名受托人接受委托不超过三人，委托名单在选举前公布；候选人不能接受委托。党员大会选举不实行委托投票。在外的党员和居民可以通过电话、微信等方式与社区联系，了解换届安排。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
(9, '换届有哪些纪律要求？发现问题向谁反映？', '参与竞争的人员要作出“换届我承诺”，以合法、正当的方式参与竞争。严禁以暴力、威胁、欺骗、贿赂、伪造选票等手段干扰、破坏选举，一经查实依法依纪处理。发现违反换届纪律的行为，可以通过来信、来访、电话等方式向街道换届选举工作领导小组办公室反映。', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
