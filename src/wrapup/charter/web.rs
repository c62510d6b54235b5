//! W-3's page: the 居民自治章程 and the 居民公约 (adoption, vote, text, attached file), the meeting
//! systems (the usual four offered) and "完成"; and the attached file's download. Every form
//! posts, then redirects back with a flash message.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::read::{self, Doc, Document, System};
use super::write::{self, DocumentInput, SystemInput};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::domain::wrapup::SYSTEMS;
use crate::error::{AppError, AppResult};
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::{Layout, finish};

const PAGE: &str = "/wrapup/charter";

/// One document's slot on the page: which, and what is recorded.
pub struct Slot {
    /// Which.
    pub doc: Doc,
    /// As recorded.
    pub d: Option<Document>,
}

/// The W-3 page: both documents, the systems and closing.
#[derive(Template, WebTemplate)]
#[template(path = "wrapup/charter.html")]
pub struct CharterPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    slots: Vec<Slot>,
    systems: Vec<System>,
    offered: Vec<&'static str>,
    blockers: Vec<String>,
    closed: bool,
    today: String,
}

/// `GET …/wrapup/charter`.
pub async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<CharterPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let db = &state.db;
    let docs = read::documents(db, c.id).await?;
    let systems = read::systems(db, c.id).await?;
    Ok(CharterPage {
        layout: Layout::new(
            &ctx,
            &session,
            format!("{} 自治章程、居民公约及制度", community.name),
        )
        .await
        .for_step(db, &c, "W-3")
        .await?,
        base: format!("/communities/{}/campaigns/{}", community.code, c.id),
        slots: Doc::ALL
            .iter()
            .map(|doc| Slot {
                doc: *doc,
                d: docs.iter().find(|d| d.doc == *doc).cloned(),
            })
            .collect(),
        offered: SYSTEMS
            .iter()
            .copied()
            .filter(|n| !systems.iter().any(|s| s.name == *n))
            .collect(),
        systems,
        blockers: read::blockers(db, c.id).await?,
        closed: crate::steps::Progress::load(db, c.id).await?.closed("W-3"),
        today: state.today().to_string(),
        c,
        community,
    })
}

/// `POST …/wrapup/charter/documents/{doc}`.
pub async fn document_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Path((_, _, doc)): Path<(String, i64, Doc)>,
    Form(f): Form<DocumentInput>,
) -> AppResult<Response> {
    let (c, m) = (&scope.campaign, &scope.community);
    let r = write::set_document(&state, &ctx, c, m, doc, &f).await;
    finish(&session, &scope.page(PAGE), r, |d| {
        format!("已登记{}于 {} 通过。", d.title, d.adopted_on)
    })
    .await
}

/// The uploaded file of a multipart form: its name and bytes (the first field named `file`).
pub async fn uploaded(mut mp: Multipart) -> AppResult<(String, Vec<u8>)> {
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("上传内容无法读取。"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::bad_request("上传内容无法读取。"))?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(AppError::invalid("文件", "请选择要上传的文件"))
}

/// `POST …/wrapup/charter/documents/{doc}/file` (create, multipart).
pub async fn file_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Path((_, _, doc)): Path<(String, i64, Doc)>,
    mp: Multipart,
) -> AppResult<Response> {
    let (c, m) = (&scope.campaign, &scope.community);
    let r = match uploaded(mp).await {
        Ok((name, bytes)) => write::attach(&state, &ctx, c, m, doc, &name, bytes).await,
        Err(e) => Err(e),
    };
    finish(&session, &scope.page(PAGE), r, |f| {
        format!("已上传{}文件“{}”。", doc.zh(), f.filename)
    })
    .await
}

/// `GET …/wrapup/charter/documents/{doc}/file`: the attached file, inline with its type.
pub async fn file_get(
    State(state): State<AppState>,
    scope: CampaignScope,
    Path((_, _, doc)): Path<(String, i64, Doc)>,
) -> AppResult<Response> {
    let (f, data) = read::file(&state.db, scope.campaign.id, doc)
        .await?
        .ok_or(AppError::NotFound)?;
    let encoded: String = form_urlencoded::byte_serialize(f.filename.as_bytes()).collect();
    let ascii = match f.content_type.as_str() {
        "application/pdf" => "document.pdf",
        "image/png" => "document.png",
        "image/jpeg" => "document.jpg",
        _ => "document.docx",
    };
    let inline = if f.content_type == write::DOCX {
        "attachment"
    } else {
        "inline"
    };
    let mut resp = data.into_response();
    crate::guard::set_header(&mut resp, header::CONTENT_TYPE, &f.content_type);
    crate::guard::set_header(
        &mut resp,
        header::CONTENT_DISPOSITION,
        &format!(
            "{inline}; filename=\"{ascii}\"; filename*=UTF-8''{}",
            encoded.replace('+', "%20")
        ),
    );
    crate::guard::set_header(&mut resp, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    Ok(resp)
}

/// `POST …/wrapup/charter/systems` (create).
pub async fn system_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<SystemInput>,
) -> AppResult<Response> {
    let r = write::add_system(&state, &ctx, &scope.campaign, &scope.community, &f).await;
    finish(&session, &scope.page(PAGE), r, |s| {
        format!("已登记{}。", s.name)
    })
    .await
}

/// `POST …/wrapup/charter/systems/{system}/delete`.
pub async fn system_remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Path((_, _, id)): Path<(String, i64, i64)>,
) -> AppResult<Response> {
    let r = write::remove_system(&state, &ctx, &scope.campaign, &scope.community, id).await;
    finish(&session, &scope.page(PAGE), r, |s| {
        format!("已删除{}。", s.name)
    })
    .await
}

/// `POST …/wrapup/charter/close`.
pub async fn close_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let r = write::close(&state, &ctx, &scope.campaign, &scope.community).await;
    finish(&session, &scope.page(PAGE), r, |_| {
        "完善自治章程、居民公约及制度（W-3）已完成。".to_owned()
    })
    .await
}
