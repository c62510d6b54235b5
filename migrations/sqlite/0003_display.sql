-- display links (sqlite): read-only projector links for one vote, by a random token.
-- keep in step with migrations/postgres/0003_display.sql.
create table display_links (
    id integer primary key autoincrement,
    vote_id integer not null references votes(id),
    token text not null unique,
    created_by integer references users(id),
    created_at text not null,
    revoked_at text
);
create index display_links_vote on display_links(vote_id);
