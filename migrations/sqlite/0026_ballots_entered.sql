-- Ballots entered so far in each vote (a table and number with at least one live entry), kept by
-- ballot entry and void, so the check against the ballots collected reads one row instead of
-- counting every entry of the vote.
alter table votes add column ballots_entered integer not null default 0;
update votes set ballots_entered = (
    select count(*) from (
        select distinct table_no, seq from ballot_entries e
        where e.vote_id = votes.id and e.voided = false
    ) b
);

-- A counter's retry is found by its client id (the replay of an entry), whatever its table:
-- without this index the lookup read every entry of the vote.
create index ballot_entries_client on ballot_entries(vote_id, user_id, client_id);

-- Every ballot entry looks up the counter's staff record in the meeting.
create index meeting_staff_user on meeting_staff(meeting_id, user_id);
