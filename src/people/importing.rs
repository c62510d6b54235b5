//! Running an import (SPEC §2), all or nothing: the file read and checked off the async runtime,
//! every row checked against the database, and only then one short transaction that writes
//! them all. Nothing is read inside the transaction, so on SQLite the write lock (which every
//! ballot entry waits on) is held only for the bulk inserts.

use std::collections::{HashMap, HashSet, hash_map};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::bulk::{self, NewPerson};
use super::import::{self, ImportError, RowError};
use super::{Resolved, resolve};
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

/// What resolving a draft reads: its community codes (户籍, 居住) and its group.
type ResolveKey = (Option<String>, Option<String>, Option<String>);

impl Importer<'_> {
    /// Imports the people of an uploaded file. A file that cannot be read at all is a
    /// validation error on 文件; a file with problems in its rows is [`Outcome::Refused`].
    pub async fn run(&self, filename: String, bytes: Vec<u8>) -> AppResult<Outcome> {
        let (drafts, mut errors) = self.read(filename, bytes).await?;
        let ready = self.check(drafts, &mut errors).await?;
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Ok(Outcome::Refused(errors));
        }
        let started = Instant::now();
        let mut tx = self.db.begin().await?;
        bulk::insert_people(&mut tx, &self.actor, &ready).await?;
        tx.commit().await?;
        let write_held = started.elapsed();
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
    async fn read(
        &self,
        filename: String,
        bytes: Vec<u8>,
    ) -> AppResult<(Vec<(usize, PersonDraft)>, Vec<RowError>)> {
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
            Ok::<_, ImportError>(import::check_rows(&rows))
        })
        .await
        .map_err(|e| AppError::internal(format!("import: reading the file failed: {e}")))?;
        read.map_err(|e| AppError::invalid("文件", e.message()))
    }

    /// Resolves each draft's communities and group (once per distinct combination), refuses
    /// people outside the importer's reach or already registered in the street, and prepares the
    /// rest for the bulk insert.
    async fn check(
        &self,
        drafts: Vec<(usize, PersonDraft)>,
        errors: &mut Vec<RowError>,
    ) -> AppResult<Vec<NewPerson>> {
        let registered = self.registered(&drafts).await?;
        let c = self.community;
        let mut resolved: HashMap<ResolveKey, Result<Resolved, Vec<FieldError>>> = HashMap::new();
        let mut ready = Vec::with_capacity(drafts.len());
        for (row, draft) in drafts {
            let key = (
                draft.hukou_community.clone(),
                draft.residence_community.clone(),
                draft.resident_group.clone(),
            );
            if let hash_map::Entry::Vacant(slot) = resolved.entry(key.clone()) {
                slot.insert(resolve(self.db, &draft).await?);
            }
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
                Ok(_)
                    if draft
                        .id_number
                        .as_ref()
                        .is_some_and(|id| registered.contains(id)) =>
                {
                    push("身份证号", "该身份证号已在本街道登记".into())
                }
                Ok(r) => ready.push(NewPerson::new(draft, r.clone())),
            }
        }
        Ok(ready)
    }

    /// The drafts' ID numbers already in the street.
    async fn registered(&self, drafts: &[(usize, PersonDraft)]) -> AppResult<HashSet<String>> {
        let ids: Vec<&String> = drafts
            .iter()
            .filter_map(|(_, d)| d.id_number.as_ref())
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
