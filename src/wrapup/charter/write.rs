//! W-3's writes: a document's adoption (date, meeting, vote, text), its attached file (PDF, PNG,
//! JPEG or DOCX up to 5 MB, the type read from its first bytes as the publicity attachments
//! are), the meeting systems, and closing W-3 ("完成"). Every write passes the procedure guard.

use serde::Deserialize;
use serde_json::json;

use super::read::{self, Doc, Document, FileInfo, System};
use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::wrapup::check_adoption;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::street::Fields;
use crate::street::publicity::ATTACHMENT_MAX;

const STEP: &str = "W-3";

/// The DOCX type.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The type of an uploaded document, read from its first bytes: PDF, PNG or JPEG (as the
/// publicity attachments), or DOCX (a ZIP holding `word/`).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if let Some(t) = crate::street::publicity::sniff(bytes) {
        return Some(t);
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    let word = bytes.windows(5).any(|w| w == b"word/");
    (zip && word).then_some(DOCX)
}

/// A document's adoption as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocumentInput {
    /// 通过日期.
    pub adopted_on: String,
    /// 通过会议.
    pub meeting: String,
    /// 到会人数.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub attending: Option<i64>,
    /// 赞成票.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub votes_for: Option<i64>,
    /// 反对票.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub votes_against: Option<i64>,
    /// 正文 (may stay empty when a file is attached).
    pub body: String,
}

/// Records (or corrects) a document's adoption; a vote without a majority of those attending is
/// refused. An attached file stays.
pub async fn set_document(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    doc: Doc,
    f: &DocumentInput,
) -> AppResult<Document> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let mut v = Fields::default();
    let adopted_on = v.date("通过日期", &f.adopted_on);
    if adopted_on != chrono::NaiveDate::default() && adopted_on > state.today() {
        v.refuse("通过日期", "不能晚于今天");
    }
    let meeting = v.text("通过会议", &f.meeting, 100, true);
    let attending = v.count("到会人数", f.attending);
    let votes_for = v.count("赞成票", f.votes_for);
    let votes_against = v.count("反对票", f.votes_against);
    if let Err(e) = check_adoption(attending, votes_for, votes_against) {
        v.refuse("赞成票", e);
    }
    let body = v.text("正文", &f.body, 20000, false);
    v.done()?;
    let before = read::document(&state.db, c.id, doc).await?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new(
        "insert into wrapup_documents (campaign_id, kind, adopted_on, meeting, attending, votes_for, votes_against, body, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) on conflict (campaign_id, kind) do update set adopted_on = excluded.adopted_on, \
         meeting = excluded.meeting, attending = excluded.attending, votes_for = excluded.votes_for, votes_against = excluded.votes_against, \
         body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(c.id)
    .bind(doc.code())
    .bind(adopted_on)
    .bind(&meeting)
    .bind(attending)
    .bind(votes_for)
    .bind(votes_against)
    .bind(&body)
    .bind(now)
    .execute(&mut tx)
    .await?;
    let summary = |d: &Document| {
        json!({"title": d.title, "adopted_on": d.adopted_on, "meeting": d.meeting, "attending": d.attending,
               "for": d.votes_for, "against": d.votes_against, "chars": d.body.chars().count()})
    };
    let after = json!({"title": doc.zh(), "adopted_on": adopted_on, "meeting": meeting, "attending": attending,
                       "for": votes_for, "against": votes_against, "chars": body.chars().count()});
    let what = (
        "adopt",
        "wrapup_document",
        format!("{}:{}", c.id, doc.code()),
    );
    audit::record_change(
        &mut tx,
        ctx,
        community,
        what,
        before.as_ref().map(summary),
        after,
    )
    .await?;
    tx.commit().await?;
    read::document(&state.db, c.id, doc)
        .await?
        .ok_or_else(|| AppError::internal("document vanished"))
}

/// Attaches the document's file (replacing any earlier one): refused when the adoption is not
/// recorded yet, or the file is empty, over 5 MB, or not a PDF, PNG, JPEG or DOCX.
pub async fn attach(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    doc: Doc,
    filename: &str,
    bytes: Vec<u8>,
) -> AppResult<FileInfo> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    if read::document(&state.db, c.id, doc).await?.is_none() {
        return Err(AppError::conflict(format!(
            "请先登记{}的通过情况，再上传文件。",
            doc.zh()
        )));
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("文件", "请选择要上传的文件"));
    }
    if bytes.len() > ATTACHMENT_MAX {
        return Err(AppError::invalid(
            "文件",
            format!(
                "文件过大（{:.1} MB）：不能超过 5 MB",
                bytes.len() as f64 / 1024.0 / 1024.0
            ),
        ));
    }
    let Some(content_type) = sniff(&bytes) else {
        return Err(AppError::invalid(
            "文件",
            "只能上传 PDF、Word（DOCX）文件或 PNG、JPEG 格式的图片",
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
    let name = match name.trim() {
        "" => doc.zh().to_owned(),
        n => n.to_owned(),
    };
    let size = bytes.len() as i64;
    let mut tx = state.db.begin().await?;
    Q::new("update wrapup_documents set filename = $1, content_type = $2, size = $3, data = $4, updated_at = $5 where campaign_id = $6 and kind = $7")
        .bind(&name)
        .bind(content_type)
        .bind(size)
        .bind(bytes)
        .bind(crate::now())
        .bind(c.id)
        .bind(doc.code())
        .execute(&mut tx)
        .await?;
    let info = FileInfo {
        filename: name,
        content_type: content_type.into(),
        size,
    };
    let what = (
        "attach",
        "wrapup_document",
        format!("{}:{}", c.id, doc.code()),
    );
    let after = json!({"title": doc.zh(), "filename": info.filename, "bytes": size});
    audit::record(&mut tx, ctx, community, what, after).await?;
    tx.commit().await?;
    Ok(info)
}

/// A meeting system as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SystemInput {
    /// Its name (居民会议制度 …).
    pub name: String,
    /// Its text.
    pub body: String,
}

/// Records a meeting system; a name already recorded has its text replaced.
pub async fn add_system(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &SystemInput,
) -> AppResult<System> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let mut v = Fields::default();
    let name = v.text("制度名称", &f.name, 50, true);
    let body = v.text("制度内容", &f.body, 20000, true);
    v.done()?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into wrapup_systems (campaign_id, name, body, created_at, updated_at) values ($1, $2, $3, $4, $4) \
         on conflict (campaign_id, name) do update set body = excluded.body, updated_at = excluded.updated_at returning id",
    )
    .bind(c.id)
    .bind(&name)
    .bind(&body)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    let what = ("set", "wrapup_system", id.to_string());
    let after = json!({"name": name, "chars": body.chars().count()});
    audit::record(&mut tx, ctx, community, what, after).await?;
    tx.commit().await?;
    Ok(System { id, name, body })
}

/// Removes a meeting system (audited with its name).
pub async fn remove_system(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    id: i64,
) -> AppResult<System> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let s = read::systems(&state.db, c.id)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from wrapup_systems where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "wrapup_system", id.to_string());
    let before = json!({"name": s.name, "chars": s.body.chars().count()});
    audit::record_change(
        &mut tx,
        ctx,
        community,
        what,
        Some(before),
        json!({"removed": true}),
    )
    .await?;
    tx.commit().await?;
    Ok(s)
}

/// Closes W-3 once both documents are adopted with their text and a system is recorded;
/// otherwise refused, naming what is missing.
pub async fn close(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let blockers = read::blockers(&state.db, c.id).await?;
    if !blockers.is_empty() {
        return Err(AppError::conflict(format!(
            "不能完成自治章程、居民公约及制度：{}。",
            blockers.join("；")
        )));
    }
    let systems = read::systems(&state.db, c.id).await?.len();
    let mut tx = state.db.begin().await?;
    crate::steps::close(
        &mut tx,
        ctx,
        c,
        community,
        STEP,
        json!({"systems": systems}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_docx_is_a_zip_holding_word_and_other_zips_are_refused() {
        assert_eq!(sniff(b"PK\x03\x04....word/document.xml"), Some(DOCX));
        assert_eq!(sniff(b"PK\x03\x04....xl/workbook.xml"), None);
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"GIF89a"), None);
    }
}
