-- party pipeline, p-6 (postgres): the 党员大会 may reduce the 委员 seats instead of a further
-- election (另行选举) when fewer were elected than seats, if the committee's size stays legal and
-- more than half of the electors agree. keep in step with migrations/sqlite/0007_congress.sql.

-- the certified round after which the seats were reduced (the stage ends with it), the number
-- of electors who agreed, and the reason.
alter table party_congresses add column members_reduced_vote_id bigint references votes(id);
alter table party_congresses add column members_reduced_agreed bigint;
alter table party_congresses add column members_reduced_reason text;
