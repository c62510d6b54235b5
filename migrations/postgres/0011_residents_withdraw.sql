-- residents' pipeline, r-5 (postgres): the reason a nominee withdrew, shown on the nominees page
-- and in the api (before, it was only in the audit entry).
-- keep in step with migrations/sqlite/0011_residents_withdraw.sql.
alter table resident_nominees add column withdraw_reason text not null default '';
