-- a street override of a failed check holds for the outcome it was granted for. when a refreshed
-- check's outcome changes (passed, or its numbers), the override is dropped and its reason kept
-- here, so the pages can say that it lapsed and why it had been granted.
alter table rule_checks add column override_lapsed text;
