//! S-1.3's publicity record (宣传资料发放): the materials each community issued, by kind and
//! count with the date, and their attachments (photos and PDFs kept in the database, at most
//! [`ATTACHMENT_MAX`] each, their type read from their first bytes). Community staff keep their
//! own community's records; the street sees every community's.

pub mod web;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Choice, Fields, choice, label};
use crate::audit;
use crate::auth::Ctx;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The kinds of material.
pub const KINDS: [Choice; 7] = [
    ("handbook", "宣传手册"),
    ("poster", "宣传画"),
    ("leaflet", "明白纸"),
    ("qa", "工作问答"),
    ("banner", "横幅"),
    ("wechat", "微信推文"),
    ("other", "其他"),
];

/// The largest attachment, in bytes (5 MB).
pub const ATTACHMENT_MAX: usize = 5 * 1024 * 1024;

/// One publicity record of a community.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Record {
    /// Id.
    pub id: i64,
    /// The community.
    pub community_id: i64,
    /// 日期.
    pub date: NaiveDate,
    /// Kind code (see [`KINDS`]).
    pub kind: String,
    /// 数量 (copies, posts …).
    pub count: i64,
    /// 备注.
    pub note: String,
}

impl Record {
    /// The kind's label.
    pub fn kind_label(&self) -> &'static str {
        label(&KINDS, &self.kind)
    }
}

/// An attachment without its bytes.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Attachment {
    /// Id.
    pub id: i64,
    /// The record it belongs to.
    pub record_id: i64,
    /// The community (of the record).
    pub community_id: i64,
    /// The file's name as uploaded.
    pub filename: String,
    /// `image/png`, `image/jpeg` or `application/pdf`.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
}

impl Attachment {
    /// Whether it is shown as a thumbnail.
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
    /// The size for people: `312 KB`, `1.4 MB`.
    pub fn size_text(&self) -> String {
        if self.size >= 1024 * 1024 {
            format!("{:.1} MB", self.size as f64 / 1024.0 / 1024.0)
        } else {
            format!("{} KB", (self.size + 1023) / 1024)
        }
    }
}

const COLS: &str = "id, community_id, date, kind, count, note";
const ATT_COLS: &str = "id, record_id, community_id, filename, content_type, size";

/// A community's records, newest first.
pub async fn records(db: &Db, community_id: i64) -> AppResult<Vec<Record>> {
    Q::new(format!(
        "select {COLS} from publicity_records where community_id = $1 order by date desc, id desc"
    ))
    .bind(community_id)
    .all(db)
    .await
}

/// A record of community `c`, or 404 (another community's record does not exist for it).
pub async fn record_in(db: &Db, c: &Community, id: i64) -> AppResult<Record> {
    Q::new(format!(
        "select {COLS} from publicity_records where id = $1 and community_id = $2"
    ))
    .bind(id)
    .bind(c.id)
    .optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

/// A community's attachments.
pub async fn attachments(db: &Db, community_id: i64) -> AppResult<Vec<Attachment>> {
    Q::new(format!(
        "select {ATT_COLS} from publicity_attachments where community_id = $1 order by id"
    ))
    .bind(community_id)
    .all(db)
    .await
}

/// An attachment of community `c` with its bytes, or 404.
pub async fn attachment_in(db: &Db, c: &Community, id: i64) -> AppResult<(Attachment, Vec<u8>)> {
    let a: Attachment = Q::new(format!(
        "select {ATT_COLS} from publicity_attachments where id = $1 and community_id = $2"
    ))
    .bind(id)
    .bind(c.id)
    .optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let (data,): (Vec<u8>,) = Q::new("select data from publicity_attachments where id = $1")
        .bind(id)
        .one(db)
        .await?;
    Ok((a, data))
}

/// Every community with how many publicity records it has (S-1.3's condition).
pub async fn coverage(db: &Db) -> AppResult<Vec<(Community, i64)>> {
    let cs: Vec<Community> =
        Q::new("select id, code, name, org_type, households from communities order by code")
            .all(db)
            .await?;
    let counts: Vec<(i64, i64)> =
        Q::new("select community_id, count(*) from publicity_records group by community_id")
            .all(db)
            .await?;
    Ok(cs
        .into_iter()
        .map(|c| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == c.id)
                .map_or(0, |(_, n)| *n);
            (c, n)
        })
        .collect())
}

/// A record as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RecordInput {
    /// 日期 `YYYY-MM-DD`.
    pub date: String,
    /// Kind: a code of [`KINDS`] or its label.
    pub kind: String,
    /// 数量.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub count: Option<i64>,
    /// 备注.
    pub note: String,
}

impl RecordInput {
    fn checked(&self, c: &Community, id: i64) -> AppResult<Record> {
        let mut f = Fields::default();
        let kind = choice(&KINDS, &self.kind);
        if kind.is_none() {
            f.refuse(
                "资料类别",
                "应为宣传手册、宣传画、明白纸、工作问答、横幅、微信推文或其他",
            );
        }
        let r = Record {
            id,
            community_id: c.id,
            date: f.date("日期", &self.date),
            kind: kind.unwrap_or_default().into(),
            count: f.count("数量", self.count),
            note: f.text("备注", &self.note, 200, false),
        };
        f.done()?;
        Ok(r)
    }
}

/// Records what community `c` issued (audited in the community's chain).
pub async fn add_record(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    f: &RecordInput,
) -> AppResult<Record> {
    let mut r = f.checked(c, 0)?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    r.id = Q::new(
        "insert into publicity_records (community_id, date, kind, count, note, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(c.id)
    .bind(r.date)
    .bind(&r.kind)
    .bind(r.count)
    .bind(&r.note)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    let what = ("create", "publicity_record", r.id.to_string());
    audit::record(&mut tx, ctx, c, what, json!(r)).await?;
    tx.commit().await?;
    Ok(r)
}

/// Changes a record of `c` (audited with the state before).
pub async fn update_record(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    id: i64,
    f: &RecordInput,
) -> AppResult<Record> {
    let before = record_in(&state.db, c, id).await?;
    let r = f.checked(c, id)?;
    let mut tx = state.db.begin().await?;
    Q::new("update publicity_records set date = $1, kind = $2, count = $3, note = $4, updated_at = $5 where id = $6")
        .bind(r.date)
        .bind(&r.kind)
        .bind(r.count)
        .bind(&r.note)
        .bind(crate::now())
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("update", "publicity_record", id.to_string());
    audit::record_change(&mut tx, ctx, c, what, Some(json!(before)), json!(r)).await?;
    tx.commit().await?;
    Ok(r)
}

/// Removes a record of `c` with its attachments, with the reason (audited).
pub async fn remove_record(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    id: i64,
    reason: &str,
) -> AppResult<Record> {
    let before = record_in(&state.db, c, id).await?;
    let mut tx = state.db.begin().await?;
    let files = Q::new("delete from publicity_attachments where record_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    Q::new("delete from publicity_records where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "publicity_record", id.to_string());
    let after = json!({"reason": reason, "attachments_removed": files});
    audit::record_change(&mut tx, ctx, c, what, Some(json!(before)), after).await?;
    tx.commit().await?;
    Ok(before)
}

/// The type of an uploaded file, read from its first bytes: PNG, JPEG or PDF only.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Stores an attachment of record `record_id` of `c`: refused (nothing stored) when empty,
/// over [`ATTACHMENT_MAX`], or not a PNG, JPEG or PDF (audited without the bytes).
pub async fn add_attachment(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    record_id: i64,
    filename: &str,
    bytes: Vec<u8>,
) -> AppResult<Attachment> {
    let record = record_in(&state.db, c, record_id).await?;
    if bytes.is_empty() {
        return Err(AppError::invalid("附件", "请选择要上传的文件"));
    }
    if bytes.len() > ATTACHMENT_MAX {
        return Err(AppError::invalid(
            "附件",
            format!(
                "文件过大（{:.1} MB）：每个附件不能超过 5 MB",
                bytes.len() as f64 / 1024.0 / 1024.0
            ),
        ));
    }
    let Some(content_type) = sniff(&bytes) else {
        return Err(AppError::invalid(
            "附件",
            "只能上传 PNG、JPEG 格式的图片或 PDF 文件",
        ));
    };
    let name: String = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|ch| !ch.is_control())
        .take(100)
        .collect();
    let name = if name.trim().is_empty() {
        "附件".to_string()
    } else {
        name.trim().to_string()
    };
    let size = bytes.len() as i64;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into publicity_attachments (record_id, community_id, filename, content_type, size, data, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
    )
    .bind(record.id)
    .bind(c.id)
    .bind(&name)
    .bind(content_type)
    .bind(size)
    .bind(bytes)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    let a = Attachment {
        id,
        record_id: record.id,
        community_id: c.id,
        filename: name,
        content_type: content_type.into(),
        size,
    };
    let what = ("create", "publicity_attachment", id.to_string());
    audit::record(&mut tx, ctx, c, what, json!(a)).await?;
    tx.commit().await?;
    Ok(a)
}

/// Removes an attachment of `c`, with the reason (audited).
pub async fn remove_attachment(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    id: i64,
    reason: &str,
) -> AppResult<Attachment> {
    let (a, _) = attachment_in(&state.db, c, id).await?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from publicity_attachments where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "publicity_attachment", id.to_string());
    let after = json!({"reason": reason});
    audit::record_change(&mut tx, ctx, c, what, Some(json!(a)), after).await?;
    tx.commit().await?;
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn only_png_jpeg_and_pdf_are_recognised_by_their_first_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }
}
