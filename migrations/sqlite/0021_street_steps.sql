-- The street's own steps (S-1.x, D-1) close once for the whole street and the campaign year:
-- closing writes here and into every campaign of that year; a campaign created later inherits it.
create table street_steps (
    id integer primary key autoincrement,
    code text not null,
    year integer not null,
    done_at text,
    created_at text not null,
    updated_at text not null,
    unique (code, year)
);
