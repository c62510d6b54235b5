-- a street correction of the head count of a vote of a party congress (p-6) or a residents'
-- election (r-7). such a vote takes its present (实到人数) and ballots issued from the
-- participation records (the congress's check-ins, the election's participations); a figure
-- typed at the box check that differs is refused. only the street corrects them, with a reason,
-- before the box check. the latest correction of a vote is the figure the box check takes; the
-- count report prints it as a correction, with the records' figure and the reason.
-- keep in step with migrations/postgres/0014_head_count_correction.sql.
create table head_count_corrections (
    id integer primary key autoincrement,
    vote_id integer not null references votes(id),
    recorded integer not null,            -- present according to the records when corrected
    present integer not null,
    ballots_issued integer not null,      -- at most present
    reason text not null,
    created_by integer references users(id),
    created_at text not null
);

create index head_count_corrections_vote on head_count_corrections (vote_id, id);
