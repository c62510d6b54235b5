//! W-3's reads: the 居民自治章程 and the 居民公约 with the meeting and vote that adopted each, their
//! text or attached file, the meeting systems recorded, and what still blocks closing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::db::{Db, Q};
use crate::error::AppResult;

/// The two documents of W-3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Doc {
    /// 居民自治章程.
    Charter,
    /// 居民公约.
    Convention,
}

impl Doc {
    /// Both, in the page's order.
    pub const ALL: [Doc; 2] = [Doc::Charter, Doc::Convention];
    /// The stored code (and the path segment).
    pub const fn code(self) -> &'static str {
        match self {
            Doc::Charter => "charter",
            Doc::Convention => "convention",
        }
    }
    /// The document's title.
    pub const fn zh(self) -> &'static str {
        match self {
            Doc::Charter => "居民自治章程",
            Doc::Convention => "居民公约",
        }
    }
}

/// An attached file without its bytes.
#[derive(Clone, Debug, Serialize)]
pub struct FileInfo {
    /// The name as uploaded.
    pub filename: String,
    /// `application/pdf`, `image/png`, `image/jpeg` or the DOCX type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
}

impl FileInfo {
    /// The size for people: `312 KB`, `1.4 MB`.
    pub fn size_text(&self) -> String {
        if self.size >= 1024 * 1024 {
            format!("{:.1} MB", self.size as f64 / 1024.0 / 1024.0)
        } else {
            format!("{} KB", (self.size + 1023) / 1024)
        }
    }
}

/// A document as adopted.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    /// Which.
    pub doc: Doc,
    /// Its title.
    pub title: &'static str,
    /// The day adopted.
    pub adopted_on: NaiveDate,
    /// At which meeting (居民会议, 居民代表会议 …).
    pub meeting: String,
    /// Attending.
    pub attending: i64,
    /// For.
    pub votes_for: i64,
    /// Against.
    pub votes_against: i64,
    /// Its text (may be empty when a file is attached).
    pub body: String,
    /// The attached file, if any.
    pub file: Option<FileInfo>,
}

impl Document {
    /// Abstaining or not voting: attending − for − against.
    pub fn abstained(&self) -> i64 {
        self.attending - self.votes_for - self.votes_against
    }
    /// Whether its text is kept (typed or attached).
    pub fn has_text(&self) -> bool {
        !self.body.trim().is_empty() || self.file.is_some()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    kind: String,
    adopted_on: NaiveDate,
    meeting: String,
    attending: i64,
    votes_for: i64,
    votes_against: i64,
    body: String,
    filename: Option<String>,
    content_type: Option<String>,
    size: Option<i64>,
}

/// The campaign's documents, charter first.
pub async fn documents(db: &Db, campaign_id: i64) -> AppResult<Vec<Document>> {
    let rows: Vec<Row> = Q::new(
        "select kind, adopted_on, meeting, attending, votes_for, votes_against, body, filename, content_type, size \
         from wrapup_documents where campaign_id = $1",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    Ok(Doc::ALL
        .iter()
        .filter_map(|d| {
            let r = rows.iter().find(|r| r.kind == d.code())?;
            Some(Document {
                doc: *d,
                title: d.zh(),
                adopted_on: r.adopted_on,
                meeting: r.meeting.clone(),
                attending: r.attending,
                votes_for: r.votes_for,
                votes_against: r.votes_against,
                body: r.body.clone(),
                file: match (&r.filename, &r.content_type, r.size) {
                    (Some(f), Some(t), Some(s)) => Some(FileInfo {
                        filename: f.clone(),
                        content_type: t.clone(),
                        size: s,
                    }),
                    _ => None,
                },
            })
        })
        .collect())
}

/// One document of the campaign, if recorded.
pub async fn document(db: &Db, campaign_id: i64, doc: Doc) -> AppResult<Option<Document>> {
    Ok(documents(db, campaign_id)
        .await?
        .into_iter()
        .find(|d| d.doc == doc))
}

/// A document's attached file with its bytes, if any.
pub async fn file(db: &Db, campaign_id: i64, doc: Doc) -> AppResult<Option<(FileInfo, Vec<u8>)>> {
    let Some(FileInfo {
        filename,
        content_type,
        size,
    }) = document(db, campaign_id, doc).await?.and_then(|d| d.file)
    else {
        return Ok(None);
    };
    let (data,): (Vec<u8>,) =
        Q::new("select data from wrapup_documents where campaign_id = $1 and kind = $2")
            .bind(campaign_id)
            .bind(doc.code())
            .one(db)
            .await?;
    Ok(Some((
        FileInfo {
            filename,
            content_type,
            size,
        },
        data,
    )))
}

/// A meeting system recorded.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct System {
    /// Id.
    pub id: i64,
    /// 居民会议制度 …
    pub name: String,
    /// Its text.
    pub body: String,
}

/// The campaign's meeting systems, as recorded.
pub async fn systems(db: &Db, campaign_id: i64) -> AppResult<Vec<System>> {
    Q::new("select id, name, body from wrapup_systems where campaign_id = $1 order by id")
        .bind(campaign_id)
        .all(db)
        .await
}

/// What W-3 still lacks, one Chinese sentence each (empty: it may close).
pub async fn blockers(db: &Db, campaign_id: i64) -> AppResult<Vec<String>> {
    let docs = documents(db, campaign_id).await?;
    let mut out = Vec::new();
    for d in Doc::ALL {
        match docs.iter().find(|x| x.doc == d) {
            None => out.push(format!("{}尚未登记通过情况", d.zh())),
            Some(x) if !x.has_text() => out.push(format!("{}尚无正文或附件", d.zh())),
            _ => {}
        }
    }
    if systems(db, campaign_id).await?.is_empty() {
        out.push("尚未登记任何会议制度".to_owned());
    }
    Ok(out)
}
