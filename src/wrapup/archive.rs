//! W-4 归档: one ZIP per community's campaign with every document of the campaign — each
//! printable page rendered through the application's own router with the requester's session
//! (as the browser would print it) and saved as a self-contained HTML file with its styles —
//! plus the statistics workbook, an index (档案目录, as HTML for people and CSV for tools) listing
//! each file with its date and SHA-256, and the audit chains' heads at the time. The ZIP is kept
//! as made; making and downloading it are audited. The street's archive holds every community's.

use std::io::{Cursor, Write};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The styles a printable page links, inlined into the archived copy.
const STYLES: [(&str, &str); 2] = [
    ("/static/print.css", include_str!("../../static/print.css")),
    ("/static/style.css", include_str!("../../static/style.css")),
];

/// The name of the index in the ZIP (for people) and its CSV twin (for tools).
pub const INDEX_HTML: &str = "档案目录.html";
/// The CSV index: 序号,文件,标题,日期,SHA-256,字节.
pub const INDEX_CSV: &str = "档案目录.csv";

/// A printable page of the campaign: its title and path.
#[derive(Clone, Debug)]
struct Doc {
    title: String,
    path: String,
}

/// The campaign's printable pages, in the order of the procedure; pages that do not exist yet
/// (a step not reached) answer an error and are left out.
async fn documents(db: &Db, c: &Campaign, m: &Community) -> AppResult<Vec<Doc>> {
    let base = format!("/communities/{}/campaigns/{}", m.code, c.id);
    let mut out: Vec<Doc> = [
        ("公开推荐报名汇总表", "/party/nominations/summary"),
        ("公开推荐情况及资格审查公示", "/party/documents/p2-notice"),
        ("资格审查表", "/party/documents/review-form"),
        ("民主推荐票", "/party/documents/recommendation-form"),
        ("民主推荐得票统计表", "/party/recommendation/summary"),
        ("初步人选名单", "/party/documents/preliminary"),
        ("初步人选公示", "/party/documents/p4-notice"),
        ("候选人预备人选名单", "/party/documents/candidates"),
        ("候选人预备人选请示", "/party/documents/candidates-request"),
        ("党员大会签到表", "/party/congress/sheet"),
        ("党员大会选举情况报告", "/party/congress/report"),
        ("居民委员会选举办法", "/residents/rules/print"),
        ("选民名单", "/residents/voters/list"),
        ("选民证", "/residents/voters/certificates"),
        ("居委会候选人名单", "/residents/nominees/print"),
        ("候选人介绍", "/residents/introductions/print"),
        ("委托投票登记", "/residents/election/proxies/print"),
        ("选举结果公告", "/residents/result/notice"),
        ("选举结果报告", "/residents/result/report/print"),
        ("当选证书", "/residents/result/certificates"),
        ("换届我承诺", "/commitments/print"),
        ("新老班子交接清单", "/wrapup/handover/print"),
        ("换届统计图表", "/wrapup/statistics"),
    ]
    .into_iter()
    .map(|(t, p)| Doc {
        title: t.into(),
        path: format!("{base}{p}"),
    })
    .collect();
    let votes: Vec<(i64, String)> = Q::new(
        "select v.id, v.title from votes v where v.meeting_id in (\
         select meeting_id from party_congresses where campaign_id = $1 \
         union select meeting_id from resident_elections where campaign_id = $1) order by v.id",
    )
    .bind(c.id)
    .all(db)
    .await?;
    for (id, title) in votes {
        for (kind, path) in [
            ("选票", "ballot"),
            ("计票报告", "report"),
            ("结果公告", "notice"),
        ] {
            out.push(Doc {
                title: format!("{title}{kind}"),
                path: format!("/votes/{id}/{path}"),
            });
        }
    }
    Ok(out)
}

/// A page made self-contained: its linked styles inlined, its scripts dropped.
pub fn self_contained(html: &str) -> String {
    let mut out = html.to_string();
    for (href, css) in STYLES {
        out = out.replace(
            &format!(r#"<link rel="stylesheet" href="{href}">"#),
            &format!("<style>\n{css}\n</style>"),
        );
    }
    while let Some(start) = out.find("<script src=") {
        match out[start..].find("</script>") {
            Some(end) => out.replace_range(start..start + end + "</script>".len(), ""),
            None => break,
        }
    }
    out
}

/// One file of an archive, as the index lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// The file's name in the ZIP.
    pub name: String,
    /// What it is.
    pub title: String,
    /// The day it was archived (Beijing).
    pub date: NaiveDate,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its size.
    pub bytes: usize,
}

/// SHA-256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file name without characters a file system refuses.
fn file_name(n: usize, title: &str, ext: &str) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .collect();
    format!("{n:02}-{clean}.{ext}")
}

/// Renders `path` through the application as the requester (`cookie`); `None` unless it is a
/// page (200, HTML).
async fn render(state: &AppState, cookie: &str, path: &str) -> AppResult<Option<String>> {
    let router = state
        .router
        .get()
        .ok_or_else(|| AppError::internal("router not built"))?
        .clone();
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .map_err(|e| AppError::internal(e.to_string()))?;
    let res = router
        .oneshot(req)
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::OK || !html {
        return Ok(None);
    }
    let bytes = axum::body::to_bytes(res.into_body(), 32 * 1024 * 1024)
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A stored archive (without its bytes).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Archive {
    /// Id.
    pub id: i64,
    /// The campaign.
    pub campaign_id: i64,
    /// SHA-256 of the ZIP.
    pub sha256: String,
    /// Files in it (the index included).
    pub files: i64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// The campaign's archives, latest first.
pub async fn list(db: &Db, campaign_id: i64) -> AppResult<Vec<Archive>> {
    Q::new(
        "select id, campaign_id, sha256, files, created_at from wrapup_archives where campaign_id = $1 order by id desc",
    )
    .bind(campaign_id)
    .all(db)
    .await
}

fn zip_err(e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("archive: {e}"))
}

/// The index as a page: each file with its date and SHA-256, and the audit heads.
fn index_html(
    m: &Community,
    c: &Campaign,
    entries: &[Entry],
    heads: &[(String, String)],
) -> String {
    let esc = crate::wrapup::statistics::svg::escape;
    let mut rows = String::new();
    for (i, e) in entries.iter().enumerate() {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
            i + 1,
            esc(&e.name),
            esc(&e.title),
            e.date.format("%Y-%m-%d"),
            e.sha256,
            e.bytes
        ));
    }
    let heads: String = heads
        .iter()
        .map(|(s, h)| format!("<li>{}：<code>{h}</code></li>", esc(s)))
        .collect();
    self_contained(&format!(
        r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>档案目录</title><link rel="stylesheet" href="/static/print.css"></head>
<body><article class="sheet"><header class="doc-head"><h1>{name}{term}换届档案目录</h1></header>
<table><thead><tr><th>序号</th><th>文件</th><th>内容</th><th>归档日期</th><th>SHA-256 校验值</th><th>字节</th></tr></thead><tbody>
{rows}</tbody></table>
<h2>归档时审计日志链的最新校验值</h2><ul>{heads}</ul></article></body></html>"#,
        name = esc(&m.name),
        term = esc(&c.term),
    ))
}

/// Makes the campaign's archive as `ctx` (whose session `cookie` renders the pages), stores
/// and audits it.
pub async fn make(
    state: &AppState,
    ctx: &Ctx,
    cookie: &str,
    c: &Campaign,
    m: &Community,
) -> AppResult<Archive> {
    let today = state.today();
    let mut files: Vec<(Entry, Vec<u8>)> = Vec::new();
    for d in documents(&state.db, c, m).await? {
        if let Some(html) = render(state, cookie, &d.path).await? {
            let bytes = self_contained(&html).into_bytes();
            let name = file_name(files.len() + 1, &d.title, "html");
            files.push((entry(name, d.title, today, &bytes), bytes));
        }
    }
    let (stats, _) = super::statistics::of_campaign(&state.db, c, m).await?;
    let title = format!("{}{}换届统计报表", m.name, c.term);
    let wb = super::statistics::xlsx::workbook(&title, &super::statistics::report_tables(&[stats]))
        .map_err(zip_err)?;
    let name = file_name(files.len() + 1, "统计报表", "xlsx");
    files.push((entry(name, "统计报表".into(), today, &wb), wb));
    let heads: Vec<(String, String)> = crate::audit::heads(&state.db)
        .await?
        .into_iter()
        .filter(|h| h.scope == m.scope() || h.scope == crate::audit::STREET)
        .map(|h| {
            let label = if h.scope == crate::audit::STREET {
                "街道".to_string()
            } else {
                m.name.clone()
            };
            (label, h.hash)
        })
        .collect();
    let mut csv = String::from("序号,文件,标题,日期,SHA-256,字节\n");
    for (i, (e, _)) in files.iter().enumerate() {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            i + 1,
            e.name,
            e.title,
            e.date,
            e.sha256,
            e.bytes
        ));
    }
    let entries: Vec<Entry> = files.iter().map(|(e, _)| e.clone()).collect();
    let index = index_html(m, c, &entries, &heads);
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(INDEX_HTML, opts).map_err(zip_err)?;
    zip.write_all(index.as_bytes()).map_err(zip_err)?;
    zip.start_file(INDEX_CSV, opts).map_err(zip_err)?;
    zip.write_all(csv.as_bytes()).map_err(zip_err)?;
    for (e, bytes) in &files {
        zip.start_file(e.name.as_str(), opts).map_err(zip_err)?;
        zip.write_all(bytes).map_err(zip_err)?;
    }
    let data = zip.finish().map_err(zip_err)?.into_inner();
    let digest = sha256(&data);
    let count = files.len() as i64 + 2;
    let heads_json = serde_json::to_string(&heads).map_err(zip_err)?;
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into wrapup_archives (campaign_id, data, sha256, files, audit_heads, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(c.id)
    .bind(crate::db::Val::Bytes(Some(data)))
    .bind(digest.as_str())
    .bind(count)
    .bind(heads_json)
    .bind(ctx.user()?.id)
    .bind(crate::now())
    .scalar(&mut tx)
    .await?;
    crate::audit::record(
        &mut tx,
        ctx,
        m,
        ("create", "wrapup_archive", id.to_string()),
        json!({"campaign": c.id, "files": count, "sha256": digest}),
    )
    .await?;
    tx.commit().await?;
    list(&state.db, c.id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| AppError::internal("archive not stored"))
}

fn entry(name: String, title: String, date: NaiveDate, bytes: &[u8]) -> Entry {
    Entry {
        name,
        title,
        date,
        sha256: sha256(bytes),
        bytes: bytes.len(),
    }
}

/// The bytes of archive `id` of the campaign (404 for another campaign's), the download audited.
pub async fn download(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    m: &Community,
    id: i64,
) -> AppResult<Vec<u8>> {
    let row: Option<(Vec<u8>, String)> =
        Q::new("select data, sha256 from wrapup_archives where id = $1 and campaign_id = $2")
            .bind(id)
            .bind(c.id)
            .optional(&state.db)
            .await?;
    let (data, digest) = row.ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    crate::audit::record(
        &mut tx,
        ctx,
        m,
        ("download", "wrapup_archive", id.to_string()),
        json!({"campaign": c.id, "sha256": digest}),
    )
    .await?;
    tx.commit().await?;
    Ok(data)
}

/// The street's archive: the latest archive of each campaign of `year`, with an index; audited.
pub async fn street(state: &AppState, ctx: &Ctx, year: i64) -> AppResult<Vec<u8>> {
    let today = state.today();
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut csv = String::from("序号,文件,标题,日期,SHA-256,字节\n");
    let mut n = 0;
    for (c, m) in super::statistics::load::campaigns_of_year(&state.db, year).await? {
        let row: Option<(Vec<u8>, DateTime<Utc>)> = Q::new(
            "select data, created_at from wrapup_archives where campaign_id = $1 order by id desc limit 1",
        )
        .bind(c.id)
        .optional(&state.db)
        .await?;
        let Some((data, at)) = row else { continue };
        n += 1;
        let name = format!("{}-{}{}.zip", m.code, m.name, c.term);
        csv.push_str(&format!(
            "{n},{name},{}{}换届档案,{},{},{}\n",
            m.name,
            c.term,
            crate::clock::beijing_date(at),
            sha256(&data),
            data.len()
        ));
        zip.start_file(name.as_str(), opts).map_err(zip_err)?;
        zip.write_all(&data).map_err(zip_err)?;
    }
    zip.start_file(INDEX_CSV, opts).map_err(zip_err)?;
    zip.write_all(csv.as_bytes()).map_err(zip_err)?;
    let data = zip.finish().map_err(zip_err)?.into_inner();
    let mut tx = state.db.begin().await?;
    crate::audit::append(
        &mut tx,
        &ctx.actor(),
        crate::audit::Change {
            scope: crate::audit::STREET.into(),
            action: "download",
            entity: "wrapup_archive",
            entity_id: format!("{year}"),
            before: None,
            after: Some(json!({"year": year, "communities": n, "on": today})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(data)
}
