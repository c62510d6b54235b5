//! The person picker (issue 17 §7): wherever a form asks for a person, the clerk types a name,
//! the initials of its pinyin (`wym` for 王一鸣) or the last digits of the ID number, and picks
//! from the matches, each shown with what tells namesakes apart (gender, year of birth, group,
//! the masked ID number). The search stays in the community of the path; the street's own
//! search (user linking) spans the street.

use axum::Json;
use axum::extract::{Query, State};
use pinyin::ToPinyin;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::Ctx;
use crate::db::{Db, Q};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::mask_id;

/// Matches returned at most.
pub const LIMIT: usize = 20;

/// What the clerk typed, read as one kind of search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// A person's own id (the picker showing an already chosen person).
    Id(i64),
    /// The end of an ID number: three or more digits, perhaps ending in X.
    IdTail(String),
    /// The initials of a name's pinyin, lower case.
    Initials(String),
    /// Part of a name.
    Name(String),
}

impl Search {
    /// Reads the typed text; `None` when there is nothing to search for.
    pub fn parse(q: &str) -> Option<Search> {
        let q = q.trim();
        if q.is_empty() {
            return None;
        }
        let upper = q.to_ascii_uppercase();
        let digits = upper.trim_end_matches('X');
        if digits.len() >= 3
            && upper.len() - digits.len() <= 1
            && digits.chars().all(|c| c.is_ascii_digit())
            && upper.len() <= 18
        {
            return Some(Search::IdTail(upper));
        }
        if q.chars().all(|c| c.is_ascii_alphabetic()) && q.len() <= 10 {
            return Some(Search::Initials(q.to_ascii_lowercase()));
        }
        Some(Search::Name(q.chars().take(30).collect()))
    }
}

/// The initials of a name's pinyin (`王一鸣` → `wym`); characters without a reading are kept
/// as they are when they are ASCII letters and dropped otherwise.
pub fn initials(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

/// One match, as the picker lists it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Pick {
    /// The person's id (the value the form sends).
    pub id: i64,
    /// 姓名.
    pub name: String,
    /// What tells namesakes apart: `男 · 1965 年生 · 第一居民小组 · 3701**********1234`.
    pub hint: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    gender: String,
    birth_date: Option<chrono::NaiveDate>,
    id_number: Option<String>,
    resident_group: Option<String>,
    community: Option<String>,
}

impl Row {
    fn pick(self, with_community: bool) -> Pick {
        use chrono::Datelike;
        let mut bits = vec![self.gender];
        if let Some(b) = self.birth_date {
            bits.push(format!("{} 年生", b.year()));
        }
        if with_community && let Some(c) = self.community {
            bits.push(c);
        }
        if let Some(g) = self.resident_group {
            bits.push(g);
        }
        if let Some(id) = self.id_number {
            bits.push(mask_id(&id));
        }
        Pick {
            id: self.id,
            name: self.name,
            hint: bits.join(" · "),
        }
    }
}

const COLS: &str = "p.id, p.name, p.gender, p.birth_date, p.id_number, g.name as resident_group, \
    rc.name as community from people p left join resident_groups g on g.id = p.resident_group_id \
    left join communities rc on rc.id = p.residence_community_id";

/// The people of a community (or, with `None`, of the street) matching a search, by name.
pub async fn find(db: &Db, community: Option<i64>, s: &Search) -> AppResult<Vec<Pick>> {
    let scope = "($1 = 0 or p.residence_community_id = $1 or p.hukou_community_id = $1)";
    let within = community.unwrap_or(0);
    let rows: Vec<Row> = match s {
        Search::Id(id) => {
            Q::new(format!("select {COLS} where {scope} and p.id = $2"))
                .bind(within)
                .bind(*id)
                .all(db)
                .await?
        }
        Search::IdTail(tail) => {
            Q::new(format!(
                "select {COLS} where {scope} and upper(p.id_number) like $2 order by p.name, p.id limit {LIMIT}"
            ))
            .bind(within)
            .bind(format!("%{tail}"))
            .all(db)
            .await?
        }
        Search::Name(part) => {
            Q::new(format!(
                "select {COLS} where {scope} and p.name like $2 order by length(p.name), p.name, p.id limit {LIMIT}"
            ))
            .bind(within)
            .bind(format!("%{part}%"))
            .all(db)
            .await?
        }
        Search::Initials(letters) => {
            let names: Vec<(i64, String)> = Q::new(format!(
                "select p.id, p.name from people p where {scope} order by p.name, p.id"
            ))
            .bind(within)
            .all(db)
            .await?;
            let ids: Vec<i64> = names
                .into_iter()
                .filter(|(_, n)| initials(n).starts_with(letters.as_str()))
                .take(LIMIT)
                .map(|(id, _)| id)
                .collect();
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let marks: Vec<String> = (2..ids.len() + 2).map(|n| format!("${n}")).collect();
            let mut q = Q::new(format!(
                "select {COLS} where {scope} and p.id in ({}) order by p.name, p.id",
                marks.join(", ")
            ))
            .bind(within);
            for id in ids {
                q = q.bind(id);
            }
            q.all(db).await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| r.pick(community.is_none()))
        .collect())
}

/// The picker's query: typed text, or the id of a person already chosen.
#[derive(Debug, Default, Deserialize)]
pub struct PickQuery {
    /// What the clerk typed.
    #[serde(default)]
    pub q: String,
    /// A chosen person, to show their name.
    #[serde(default)]
    pub id: Option<i64>,
}

fn search_of(q: &PickQuery) -> Option<Search> {
    q.id.map(Search::Id).or_else(|| Search::parse(&q.q))
}

/// `GET /api/v1/communities/{code}/people/pick?q=…`: people of the path's community.
pub async fn api_pick(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PickQuery>,
) -> AppResult<Json<Value>> {
    let c = ctx.community()?;
    let people = match search_of(&q) {
        Some(s) => find(&state.db, Some(c.id), &s).await?,
        None => Vec::new(),
    };
    Ok(Json(json!({ "people": people })))
}

/// `GET /api/v1/people/pick?q=…`: people of the whole street (the street's user linking).
pub async fn api_pick_street(
    State(state): State<AppState>,
    Query(q): Query<PickQuery>,
) -> AppResult<Json<Value>> {
    let people = match search_of(&q) {
        Some(s) => find(&state.db, None, &s).await?,
        None => Vec::new(),
    };
    Ok(Json(json!({ "people": people })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_read_each_character_of_a_name() {
        assert_eq!(initials("王一鸣"), "wym");
        assert_eq!(initials("欧阳明"), "oym");
        assert_eq!(
            initials("李·Anna"),
            "lanna",
            "ASCII letters kept, the dot dropped"
        );
    }

    #[test]
    fn typed_text_is_read_as_id_digits_initials_or_a_name() {
        assert_eq!(Search::parse("1234"), Some(Search::IdTail("1234".into())));
        assert_eq!(Search::parse("123x"), Some(Search::IdTail("123X".into())));
        assert_eq!(Search::parse("12"), Some(Search::Name("12".into())));
        assert_eq!(Search::parse("WYM"), Some(Search::Initials("wym".into())));
        assert_eq!(Search::parse(" 一鸣 "), Some(Search::Name("一鸣".into())));
        assert_eq!(Search::parse("  "), None);
    }
}
