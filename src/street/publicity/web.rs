//! A community's publicity page `/communities/{code}/publicity` (records, uploads, thumbnails),
//! the attachment download, and the API mirroring the forms.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::*;
use crate::routes::{Access, RouteDef, create, delete, get, post, put};
use crate::street::ReasonInput;
use crate::web::{self, Layout};

/// The routes of the publicity records.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let c = Access::Community;
    // A record's removal comes after its attachments' routes (it removes them too).
    vec![
        get("/communities/{code}/publicity", c, r::get(page_get)),
        create("/communities/{code}/publicity", c, r::post(add_post)),
        post(
            "/communities/{code}/publicity/{publicity}",
            c,
            r::post(update_post),
        ),
        create(
            "/communities/{code}/publicity/{publicity}/attachments",
            c,
            r::post(upload_post),
        ),
        get(
            "/communities/{code}/publicity/attachments/{attachment}",
            c,
            r::get(attachment_get),
        ),
        post(
            "/communities/{code}/publicity/attachments/{attachment}/delete",
            c,
            r::post(attachment_remove_post),
        ),
        post(
            "/communities/{code}/publicity/{publicity}/delete",
            c,
            r::post(remove_post),
        ),
        get("/api/v1/communities/{code}/publicity", c, r::get(api_list)),
        create("/api/v1/communities/{code}/publicity", c, r::post(api_add)),
        put(
            "/api/v1/communities/{code}/publicity/{publicity}",
            c,
            r::put(api_update),
        ),
        create(
            "/api/v1/communities/{code}/publicity/{publicity}/attachments",
            c,
            r::post(api_upload),
        ),
        delete(
            "/api/v1/communities/{code}/publicity/attachments/{attachment}",
            c,
            r::delete(api_attachment_remove),
        ),
        delete(
            "/api/v1/communities/{code}/publicity/{publicity}",
            c,
            r::delete(api_remove),
        ),
    ]
}

fn back(c: &Community) -> String {
    format!("/communities/{}/publicity", c.code)
}

#[derive(Template, WebTemplate)]
#[template(path = "street/publicity.html")]
struct PublicityPage {
    layout: Layout,
    community: Community,
    records: Vec<Record>,
    attachments: Vec<Attachment>,
    kinds: [super::Choice; 7],
    street: bool,
    today: String,
}

impl PublicityPage {
    /// The attachments of a record.
    fn files(&self, record_id: &i64) -> Vec<&Attachment> {
        self.attachments
            .iter()
            .filter(|a| a.record_id == *record_id)
            .collect()
    }
}

async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<PublicityPage> {
    let c = ctx.community()?.clone();
    Ok(PublicityPage {
        layout: Layout::new(&ctx, &session, format!("{}宣传资料发放", c.name)).await,
        records: records(&state.db, c.id).await?,
        attachments: attachments(&state.db, c.id).await?,
        kinds: KINDS,
        street: ctx.user()?.is_street(),
        today: state.today().to_string(),
        community: c,
    })
}

async fn add_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<RecordInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let r = add_record(&state, &ctx, &c, &f).await;
    web::finish(&session, &back(&c), r, |r| {
        format!("已登记{} {} 份（{}）。", r.kind_label(), r.count, r.date)
    })
    .await
}

async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Path<(String, i64)>,
    Form(f): Form<RecordInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let r = update_record(&state, &ctx, &c, id, &f).await;
    web::finish(&session, &back(&c), r, |r| {
        format!("已保存{}的记录。", r.kind_label())
    })
    .await
}

async fn remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Path<(String, i64)>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let r = match f.checked() {
        Ok(reason) => remove_record(&state, &ctx, &c, id, &reason).await,
        Err(e) => Err(e),
    };
    web::finish(&session, &back(&c), r, |r| {
        format!("已删除{}的记录。", r.kind_label())
    })
    .await
}

/// The uploaded file of a multipart form: its name and bytes (the first field named `file`).
async fn uploaded(mut mp: Multipart) -> AppResult<(String, Vec<u8>)> {
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
    Err(AppError::invalid("附件", "请选择要上传的文件"))
}

async fn upload_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Path<(String, i64)>,
    mp: Multipart,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let r = match uploaded(mp).await {
        Ok((name, bytes)) => add_attachment(&state, &ctx, &c, id, &name, bytes).await,
        Err(e) => Err(e),
    };
    web::finish(&session, &back(&c), r, |a| {
        format!("已上传附件“{}”。", a.filename)
    })
    .await
}

/// Serves an attachment inline with its type (images as thumbnails, PDFs opened).
async fn attachment_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let c = ctx.community()?;
    let (a, data) = attachment_in(&state.db, c, id).await?;
    let encoded: String = form_urlencoded::byte_serialize(a.filename.as_bytes()).collect();
    let ascii = match a.content_type.as_str() {
        "application/pdf" => "attachment.pdf",
        "image/png" => "attachment.png",
        _ => "attachment.jpg",
    };
    let mut resp = data.into_response();
    crate::guard::set_header(&mut resp, header::CONTENT_TYPE, &a.content_type);
    crate::guard::set_header(
        &mut resp,
        header::CONTENT_DISPOSITION,
        &format!(
            "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
            encoded.replace('+', "%20")
        ),
    );
    crate::guard::set_header(&mut resp, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    crate::guard::set_header(&mut resp, header::CACHE_CONTROL, "private, max-age=3600");
    Ok(resp)
}

async fn attachment_remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Path<(String, i64)>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let r = match f.checked() {
        Ok(reason) => remove_attachment(&state, &ctx, &c, id, &reason).await,
        Err(e) => Err(e),
    };
    web::finish(&session, &back(&c), r, |a| {
        format!("已删除附件“{}”。", a.filename)
    })
    .await
}

async fn api_list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Value>> {
    let c = ctx.community()?;
    Ok(Json(json!({
        "community": c.code,
        "records": records(&state.db, c.id).await?,
        "attachments": attachments(&state.db, c.id).await?,
    })))
}

async fn api_add(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<RecordInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let r = add_record(&state, &ctx, &c, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"record": r}))).into_response())
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Json(f): Json<RecordInput>,
) -> AppResult<Json<Value>> {
    let c = ctx.community()?.clone();
    Ok(Json(
        json!({"record": update_record(&state, &ctx, &c, id, &f).await?}),
    ))
}

async fn api_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Json(f): Json<ReasonInput>,
) -> AppResult<Json<Value>> {
    let c = ctx.community()?.clone();
    let reason = f.checked()?;
    Ok(Json(
        json!({"removed": remove_record(&state, &ctx, &c, id, &reason).await?}),
    ))
}

async fn api_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    mp: Multipart,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let (name, bytes) = uploaded(mp).await?;
    let a = add_attachment(&state, &ctx, &c, id, &name, bytes).await?;
    Ok((StatusCode::CREATED, Json(json!({"attachment": a}))).into_response())
}

async fn api_attachment_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Json(f): Json<ReasonInput>,
) -> AppResult<Json<Value>> {
    let c = ctx.community()?.clone();
    let reason = f.checked()?;
    Ok(Json(
        json!({"removed": remove_attachment(&state, &ctx, &c, id, &reason).await?}),
    ))
}
