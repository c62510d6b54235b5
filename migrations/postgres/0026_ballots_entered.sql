-- Ballots entered so far in each vote (a table and number with at least one live entry), kept by
-- ballot entry and void, so the check against the ballots collected reads one row instead of
-- counting every entry of the vote.
alter table votes add column ballots_entered bigint not null default 0;
update votes set ballots_entered = (
    select count(*) from (
        select distinct table_no, seq from ballot_entries e
        where e.vote_id = votes.id and e.voided = false
    ) b
);
