-- p-6, the roll (应到会党员名册): leaving a member out of those due (不计入应到会人数) is a
-- request until the street, the higher party organisation, approves it. until then the member
-- counts as due and may check in; a rejection restores the member and keeps the street's reason.
-- keep in step with migrations/postgres/0017_exclusion_approval.sql.

-- pending | approved | rejected; null when no exclusion was requested. only 'approved' leaves
-- the member out of those due.
alter table party_roll add column exclusion_status text;
-- who decided (a street user) and when; for a rejection, why.
alter table party_roll add column exclusion_decided_by integer references users(id);
alter table party_roll add column exclusion_decided_at text;
alter table party_roll add column exclusion_rejection text;

-- exclusions entered before requests existed took effect at once, with the higher
-- organisation's approval typed in: they stay in effect, with no recorded decider.
update party_roll set exclusion_status = 'approved' where exclusion is not null;
