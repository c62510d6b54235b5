//! Running an import (SPEC §2), all or nothing: the file read and checked off the async runtime,
//! every row checked against the database, and only then one short transaction that writes
//! them all. Nothing is read inside the transaction, so on SQLite the write lock (which every
//! ballot entry waits on) is held only for the bulk inserts.

use std::collections::{HashMap, HashSet, hash_map};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::Resolved;
use super::bulk::{self, NewPerson};
use super::import::{self, ImportError, Lookup, RowError};
use super::store::resolve_parts;
use crate::audit::Actor;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::person::PersonDraft;
use crate::error::{AppError, AppResult, FieldError};

/// Files read at the same time. Each read stays within the import's limits; two at a time
/// bound the memory that hostile uploads can take together, and leave the blocking pool free.
static READING: Semaphore = Semaphore::const_new(2);

/// ID numbers looked up per query.
const IDS_PER_QUERY: usize = 500;

/// Who imports, and into which community.
pub struct Importer<'a> {
    /// The database.
    pub db: &'a Db,
    /// The user importing, for the audit log.
    pub actor: Actor,
    /// The community the file was uploaded to: rows that name no community live there.
    pub community: &'a Community,
    /// A street user may import people of any community; others only people who live or are
    /// registered in theirs.
    pub street: bool,
}

/// What an import did.
pub enum Outcome {
    /// Every row was inserted.
    Imported(Report),
    /// Nothing was inserted: every problem found, by row.
    Refused(Vec<RowError>),
}

/// Figures of a completed import.
pub struct Report {
    /// People inserted.
    pub count: usize,
    /// How long the write transaction was open (on SQLite, the database's write lock).
    pub write_held: Duration,
}

/// The rows read and checked on their own: drafts of the good rows, lookups of the refused
/// ones, and the problems found.
type Checked = (
    Vec<(usize, PersonDraft)>,
    Vec<(usize, Lookup)>,
    Vec<RowError>,
);

/// What resolving a draft reads: its community codes (户籍, 居住) and its group.
type ResolveKey = (Option<String>, Option<String>, Option<String>);

impl Importer<'_> {
    /// Imports the people of an uploaded file. A file that cannot be read at all is a
    /// validation error on 文件; a file with problems in its rows is [`Outcome::Refused`].
    pub async fn run(&self, filename: String, bytes: Vec<u8>) -> AppResult<Outcome> {
        let (drafts, refused, mut errors) = self.read(filename, bytes).await?;
        let ready = self.check(drafts, refused, &mut errors).await?;
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Ok(Outcome::Refused(errors));
        }
        let (_, write_held) = bulk::import(self.db, &self.actor, &ready).await?;
        tracing::info!(
            people = ready.len(),
            write_held_ms = write_held.as_millis() as u64,
            "people imported"
        );
        Ok(Outcome::Imported(Report {
            count: ready.len(),
            write_held,
        }))
    }

    /// Reads and checks the file in the blocking pool (it is CPU work, up to a second).
    async fn read(&self, filename: String, bytes: Vec<u8>) -> AppResult<Checked> {
        let _turn = READING
            .acquire()
            .await
            .map_err(|_| AppError::internal("import: the reading semaphore is closed"))?;
        let home = self.community.code.clone();
        let read = tokio::task::spawn_blocking(move || {
            let rows = import::read_rows(&filename, &bytes)?
                .into_iter()
                .map(|(n, mut r)| {
                    if r.residence_community.trim().is_empty()
                        && r.hukou_community.trim().is_empty()
                    {
                        r.residence_community = home.clone();
                    }
                    (n, r)
                })
                .collect::<Vec<_>>();
            let (drafts, errors) = import::check_rows(&rows);
            let refused = import::lookups_of_refused(&rows, &errors);
            Ok::<_, ImportError>((drafts, refused, errors))
        })
        .await
        .map_err(|e| AppError::internal(format!("import: reading the file failed: {e}")))?;
        read.map_err(|e| AppError::invalid("文件", e.message()))
    }

    /// Resolves each row's communities and group (once per distinct combination), refuses
    /// people outside the importer's reach or already registered in the street, and prepares the
    /// drafts for the bulk insert. Rows already refused for their own fields are looked up too,
    /// so that one pass reports every problem of every row.
    async fn check(
        &self,
        drafts: Vec<(usize, PersonDraft)>,
        refused: Vec<(usize, Lookup)>,
        errors: &mut Vec<RowError>,
    ) -> AppResult<Vec<NewPerson>> {
        let looked: Vec<(usize, Lookup, Option<PersonDraft>)> = drafts
            .into_iter()
            .map(|(row, d)| (row, Lookup::of_draft(&d), Some(d)))
            .chain(refused.into_iter().map(|(row, l)| (row, l, None)))
            .collect();
        let registered = self.registered(&looked).await?;
        let c = self.community;
        let mut resolved: HashMap<ResolveKey, Result<Resolved, Vec<FieldError>>> = HashMap::new();
        let mut ready = Vec::with_capacity(looked.len());
        for (row, look, draft) in looked {
            let key = (
                look.hukou_community.clone(),
                look.residence_community.clone(),
                look.resident_group.clone(),
            );
            if let hash_map::Entry::Vacant(slot) = resolved.entry(key.clone()) {
                slot.insert(resolve_parts(self.db, &key.0, &key.1, &key.2).await?);
            }
            let before = errors.len();
            let mut push = |field: &str, problem: String| {
                errors.push(RowError {
                    row,
                    column: field.into(),
                    problem,
                })
            };
            match &resolved[&key] {
                Err(errs) => errs.iter().for_each(|e| push(&e.field, e.message.clone())),
                Ok(r) if !self.street && r.residence != Some(c.id) && r.hukou != Some(c.id) => {
                    push("居住社区", format!("人员须居住或户籍在{}", c.name))
                }
                Ok(_) => {}
            }
            if look
                .id_number
                .as_ref()
                .is_some_and(|id| registered.contains(id))
            {
                push("身份证号", "该身份证号已在本街道登记".into());
            }
            if let (Some(d), Ok(r)) = (draft, &resolved[&key])
                && errors.len() == before
            {
                ready.push(NewPerson::new(d, r.clone()));
            }
        }
        Ok(ready)
    }

    /// The drafts' ID numbers already in the street.
    async fn registered(
        &self,
        rows: &[(usize, Lookup, Option<PersonDraft>)],
    ) -> AppResult<HashSet<String>> {
        let ids: Vec<&String> = rows
            .iter()
            .filter_map(|(_, l, _)| l.id_number.as_ref())
            .collect();
        let mut registered = HashSet::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let mut q = Q::new(format!(
                "select id_number from people where id_number in ({})",
                marks.join(", ")
            ));
            for id in chunk {
                q = q.bind(*id);
            }
            let found: Vec<(String,)> = q.all(self.db).await?;
            registered.extend(found.into_iter().map(|(id,)| id));
        }
        Ok(registered)
    }
}
