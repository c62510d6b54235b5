-- party pipeline, p-4 … p-7 (sqlite): the preliminary and candidate lists with the street's
-- inspection and approval, the 党员大会 (roll, exclusions, check-in, its counting-room votes,
-- replacements) and the filing/approval of the elected.
-- keep in step with migrations/postgres/0006_party_lists.sql.

-- a list of the campaign: p-4 'preliminary' (初步人选) or p-5 'candidate' (候选人预备人选).
-- its p-4/p-5 size checks live in rule_checks (subject_type 'party_list_preliminary' or
-- 'party_list_candidate', subject_id = campaign id).
create table party_lists (
    campaign_id integer not null references campaigns(id) on delete cascade,
    list text not null,                    -- preliminary | candidate
    fixed_on text not null,                -- date of the committee meeting that fixed it
    status text not null default 'draft',  -- draft | submitted | approved | returned (p-5)
    status_reason text,                    -- the street's reasons when returned
    decided_by integer references users(id),
    decided_at text,
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null,
    primary key (campaign_id, list)
);

-- the people on a list, in order; the candidate list names the proposed 书记 and 副书记.
create table party_list_entries (
    campaign_id integer not null references campaigns(id) on delete cascade,
    list text not null,                    -- preliminary | candidate
    person_id integer not null references people(id),
    position integer not null,             -- 1-based order on the list
    leader_post text,                      -- candidate list: 书记 | 副书记 proposed, else null
    leader_order integer,                  -- order among the proposed (the 等额 ballot's order)
    inspection text,                       -- preliminary list: the street's 考察 record
    inspected_by integer references users(id),
    inspected_at text,
    created_at text not null,
    primary key (campaign_id, list, person_id)
);

-- p-6 党员大会 of a campaign, with its counting-room meeting and the two votes' first rounds.
create table party_congresses (
    campaign_id integer primary key references campaigns(id) on delete cascade,
    meeting_date text not null,
    quorum_rule text not null default 'gt', -- gt (超过 4/5, default) | ge (不少于 4/5)
    meeting_id integer references meetings(id),
    presentation text,                     -- how the candidates were produced (outgoing committee)
    secretary_statement text,              -- 书记 candidates' self-introduction, commitment, answers
    members_vote_id integer references votes(id),
    leaders_vote_id integer references votes(id),
    created_by integer references users(id),
    created_at text not null,
    updated_at text not null
);

-- the roll: members due to attend (from the people register), their exclusions (reason and
-- the higher organisation's approval) and their check-in.
create table party_roll (
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    exclusion text,                        -- domain::party::Exclusion id, null when due
    exclusion_note text,
    exclusion_approval text,               -- the higher organisation's consent (document no.)
    checked_in_at text,
    created_at text not null,
    updated_at text not null,
    primary key (campaign_id, person_id)
);

-- p-6: a 书记/副书记 candidate not elected 委员, replaced by the street from the elected.
create table party_replacements (
    id integer primary key autoincrement,
    campaign_id integer not null references campaigns(id) on delete cascade,
    post text not null,                    -- 书记 | 副书记
    replaced_person_id integer not null references people(id),
    person_id integer not null references people(id),
    reason text not null,
    created_by integer references users(id),
    created_at text not null
);

-- p-7: each elected member's filing (委员: 备案) or approval (书记/副书记: 批准) by the street.
create table party_approvals (
    campaign_id integer not null references campaigns(id) on delete cascade,
    person_id integer not null references people(id),
    post text not null,                    -- 书记 | 副书记 | 委员
    status text not null default 'pending', -- domain::party::ApprovalStatus id
    decided_by integer references users(id),
    decided_at text,
    created_at text not null,
    primary key (campaign_id, person_id, post)
);
