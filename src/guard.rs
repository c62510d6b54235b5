//! The guard every route passes: who is asking, may their role use the route, may they see the
//! community in the path, is the CSRF token right, and is this create a repeat.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{RawPathParams, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::auth::{self, Ctx};
use crate::error::AppError;
use crate::routes::Access;
use crate::state::AppState;

/// Limit for uploads (`multipart/form-data`: the people import, attachments).
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;
/// Limit for every other body (JSON, forms).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// The longest text of an ordinary field (names, numbers, places, reasons), in characters;
/// domain types set tighter limits of their own.
pub const TEXT_MAX: usize = 500;
/// The longest text of a field that holds prose (a statement, a notice, a list of names).
pub const PROSE_MAX: usize = 20_000;
/// The fields that hold prose, in forms and JSON alike.
pub const PROSE_FIELDS: [&str; 12] = [
    "backers",
    "body",
    "candidates",
    "inspection",
    "introduction",
    "presentation",
    "secretary_statement",
    "statement",
    "text",
    "notes",
    "points",
    "summary",
];

/// What the guard knows about the route it stands in front of.
#[derive(Debug)]
pub struct RouteMeta {
    /// Who may use it.
    pub access: Access,
    /// JSON API route.
    pub api: bool,
    /// Check the CSRF token.
    pub csrf: bool,
    /// Creates: idempotency key required.
    pub creates: bool,
    /// `METHOD /path` for idempotency records and logs.
    pub route: String,
    /// Changes state (its body is read, within limits, and checked here).
    pub changes_state: bool,
}

/// The guard middleware.
pub async fn guard(
    State((state, meta)): State<(AppState, Arc<RouteMeta>)>,
    session: Session,
    params: RawPathParams,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    match check(&state, &meta, &session, &params, req).await {
        Ok((req, ctx)) => {
            let submitted = req.extensions().get::<crate::web::Submitted>().cloned();
            let back = referer_path(req.headers()).unwrap_or_else(|| path.clone());
            let run = async {
                let resp = if meta.creates {
                    crate::idempotency::run(&state, &meta, &ctx, req, next).await
                } else {
                    next.run(req).await
                };
                if !meta.api && meta.changes_state && is_form_rejection(&resp) {
                    return form_rejected(&session, &back, resp).await;
                }
                resp
            };
            match submitted {
                Some(s) => crate::web::SUBMITTED.scope(s, run).await,
                None => run.await,
            }
        }
        Err(e) => {
            if !meta.api && matches!(e, AppError::Unauthorized) {
                let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
                return Redirect::to(&format!("/login?next={next}")).into_response();
            }
            if matches!(e, AppError::Forbidden | AppError::NotFound | AppError::Csrf) {
                tracing::warn!(route = %meta.route, status = %e.status_code(), "access refused");
            }
            e.into_response()
        }
    }
}

async fn check(
    state: &AppState,
    meta: &RouteMeta,
    session: &Session,
    params: &RawPathParams,
    mut req: Request,
) -> Result<(Request, Ctx), AppError> {
    let user = auth::session_user(state, session).await?;
    let csrf = match &user {
        Some(_) => session
            .get::<String>(auth::CSRF_KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut ctx = Ctx {
        user,
        community: None,
        csrf,
        api: meta.api,
        origin: origin_of(state, req.headers()),
    };
    if meta.access != Access::Public {
        let user = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
        if !meta.access.roles().contains(&user.role()) {
            // A hidden register is not refused but denied to exist.
            return Err(if meta.access == Access::StreetHidden {
                AppError::NotFound
            } else {
                AppError::Forbidden
            });
        }
        if let Some((_, code)) = params.iter().find(|(k, _)| *k == "code") {
            let c = crate::communities::by_code(&state.db, code)
                .await?
                .ok_or(AppError::NotFound)?;
            if !user.sees_community(c.id) {
                return Err(AppError::NotFound);
            }
            ctx.community = Some(c);
        }
        if let Some(meeting) = meeting_of(state, params).await? {
            // A meeting's (or vote's) resources: its community's staff and the street, or the
            // meeting's own scrutineers and counters; anyone else is told it does not exist.
            let (meeting_id, owner) = meeting;
            let visible = match user.role() {
                crate::auth::Role::Street | crate::auth::Role::Community => {
                    user.sees_community(owner)
                }
                _ => {
                    crate::db::Q::new(
                        "select count(*) from grants where user_id = $1 and meeting_id = $2",
                    )
                    .bind(user.id)
                    .bind(meeting_id)
                    .scalar(&state.db)
                    .await?
                        > 0
                }
            };
            if !visible || ctx.community.as_ref().is_some_and(|c| c.id != owner) {
                return Err(AppError::NotFound);
            }
        }
        if let Some((_, id)) = params.iter().find(|(k, _)| *k == "campaign") {
            // A campaign belongs to one community: hidden unless visible (and in the path's).
            let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
            let owner: Option<(i64,)> =
                crate::db::Q::new("select community_id from campaigns where id = $1")
                    .bind(id)
                    .optional(&state.db)
                    .await?;
            let owner = owner.ok_or(AppError::NotFound)?.0;
            if !user.sees_community(owner) || ctx.community.as_ref().is_some_and(|c| c.id != owner)
            {
                return Err(AppError::NotFound);
            }
        }
    }
    let mut form_fields = Vec::new();
    let mut body_bytes = Bytes::new();
    if meta.csrf || meta.creates || meta.changes_state {
        let (parts, body) = req.into_parts();
        let bytes = read_body(&parts.headers, body).await?;
        check_text_lengths(&parts.headers, &bytes)?;
        form_fields = form_fields_of(&parts.headers, &bytes).await;
        body_bytes = bytes.clone();
        let mut r = Request::from_parts(parts, Body::from(bytes));
        if !meta.api && content_type(r.headers()).starts_with("application/x-www-form-urlencoded") {
            let action = r.uri().path().to_string();
            r.extensions_mut().insert(crate::web::Submitted {
                action,
                fields: form_fields.clone(),
            });
        }
        req = r;
    }
    if meta.csrf {
        let sent = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| {
                form_fields
                    .iter()
                    .find(|(k, _)| k == "_csrf")
                    .map(|(_, v)| v.clone())
            });
        let ok = match sent {
            Some(s) if !ctx.csrf.is_empty() => bool::from(s.as_bytes().ct_eq(ctx.csrf.as_bytes())),
            _ => false,
        };
        if !ok {
            return Err(AppError::Csrf);
        }
    }
    if meta.creates {
        let key = req
            .headers()
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| {
                form_fields
                    .iter()
                    .find(|(k, _)| k == "_idem")
                    .map(|(_, v)| v.clone())
            })
            .filter(|k| !k.trim().is_empty() && k.len() <= 200);
        match key {
            Some(k) => {
                let path = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let key =
                    crate::idempotency::Key::bind(k, req.method().as_str(), &path, &body_bytes);
                req.extensions_mut().insert(key);
            }
            None => {
                return Err(AppError::bad_request(
                    "缺少幂等键（Idempotency-Key 请求头或表单字段 _idem）。",
                ));
            }
        }
    }
    req.extensions_mut().insert(ctx.clone());
    Ok((req, ctx))
}

/// The meeting named by a `{meeting}` or `{vote}` path parameter, with its community.
async fn meeting_of(
    state: &AppState,
    params: &RawPathParams,
) -> Result<Option<(i64, i64)>, AppError> {
    let find = |name: &str| {
        params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let sql = if let Some(id) = find("meeting") {
        Some(("select id, community_id from meetings where id = $1", id))
    } else {
        find("vote").map(|id| ("select m.id, m.community_id from votes v join meetings m on m.id = v.meeting_id where v.id = $1", id))
    };
    let Some((sql, id)) = sql else {
        return Ok(None);
    };
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let row: Option<(i64, i64)> = crate::db::Q::new(sql).bind(id).optional(&state.db).await?;
    row.map(Some).ok_or(AppError::NotFound)
}

/// Reads a request body within its limit: [`UPLOAD_LIMIT`] for uploads, [`BODY_LIMIT`] for
/// anything else. A declared length over the limit is refused before reading; a body that
/// turns out longer is cut off at the limit. Either way the answer is 413 in Chinese.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, AppError> {
    let upload = content_type(headers).starts_with("multipart/form-data");
    let limit = if upload { UPLOAD_LIMIT } else { BODY_LIMIT };
    let too_large = || {
        AppError::TooLarge(if upload {
            format!("上传的文件过大：上限为 {} MB。", limit / 1024 / 1024)
        } else {
            format!("提交的内容过大：上限为 {} MB。", limit / 1024 / 1024)
        })
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Refuses a form or JSON body with a text longer than its field may hold ([`TEXT_MAX`], or
/// [`PROSE_MAX`] for [`PROSE_FIELDS`]), naming the field. The backstop behind the domain
/// types' own limits: no field of any route stores more.
fn check_text_lengths(headers: &HeaderMap, bytes: &Bytes) -> Result<(), AppError> {
    let ct = content_type(headers);
    let check = |name: &str, value: &str| -> Result<(), AppError> {
        let max = if PROSE_FIELDS.contains(&name) {
            PROSE_MAX
        } else {
            TEXT_MAX
        };
        // Cheap first: a text of at most `max` bytes has at most `max` characters.
        if value.len() > max && value.chars().count() > max {
            return Err(AppError::invalid(
                &field_label(name),
                format!("过长（最多 {max} 字）"),
            ));
        }
        Ok(())
    };
    if ct.starts_with("application/x-www-form-urlencoded") {
        for (k, v) in form_urlencoded::parse(bytes) {
            check(&k, &v)?;
        }
    } else if ct.starts_with("application/json")
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes)
    {
        walk_json("", &v, &check)?;
    }
    Ok(())
}

fn walk_json(
    name: &str,
    v: &serde_json::Value,
    check: &dyn Fn(&str, &str) -> Result<(), AppError>,
) -> Result<(), AppError> {
    match v {
        serde_json::Value::String(s) => check(name, s),
        serde_json::Value::Array(a) => a.iter().try_for_each(|x| walk_json(name, x, check)),
        serde_json::Value::Object(o) => o.iter().try_for_each(|(k, x)| walk_json(k, x, check)),
        _ => Ok(()),
    }
}

/// A field's name as a person reads it in an error: the known ones in Chinese.
fn field_label(name: &str) -> String {
    const LABELS: [(&str, &str); 20] = [
        ("name", "名称"),
        ("username", "用户名"),
        ("display_name", "显示名称"),
        ("title", "标题"),
        ("reason", "理由"),
        ("place", "地点"),
        ("address", "地址"),
        ("phone", "联系电话"),
        ("household_no", "户号"),
        ("ethnicity", "民族"),
        ("resident_group", "居民小组"),
        ("party_org_name", "党组织名称"),
        ("person_id", "人员"),
        ("seats", "职数"),
        ("count", "数量"),
        ("votes", "票数"),
        ("table_no", "计票组"),
        ("meeting_id", "会议"),
        ("community_id", "社区"),
        ("basis", "登记依据"),
    ];
    LABELS
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, l)| (*l).to_string())
        .unwrap_or_else(|| "提交的内容".into())
}

/// The small text fields of a form body (urlencoded or multipart), for `_csrf` and `_idem`.
async fn form_fields_of(headers: &HeaderMap, bytes: &Bytes) -> Vec<(String, String)> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    }
    if ct.starts_with("multipart/form-data")
        && let Ok(boundary) = multer::parse_boundary(ct)
    {
        let data = bytes.clone();
        let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(data) });
        let mut mp = multer::Multipart::new(stream, boundary);
        let mut out = Vec::new();
        while let Ok(Some(field)) = mp.next_field().await {
            let name = field.name().unwrap_or("").to_string();
            if name == "_csrf" || name == "_idem" {
                if let Ok(text) = field.text().await {
                    out.push((name, text));
                }
            }
        }
        return out;
    }
    Vec::new()
}

/// The site's address: the configured public URL, or the scheme and the request's `Host`.
fn origin_of(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config.public_url {
        return u.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("127.0.0.1");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// The path (and query) of this site's page that sent the request, from `Referer`.
fn referer_path(headers: &HeaderMap) -> Option<String> {
    let uri: axum::http::Uri = headers.get(header::REFERER)?.to_str().ok()?.parse().ok()?;
    let path = uri.path_and_query()?.as_str();
    let safe = auth::safe_next(path);
    (safe == path).then_some(safe)
}

/// An extractor's rejection of a form body (a number field left empty, a choice missing):
/// axum answers those in plain text, our own errors never.
fn is_form_rejection(resp: &Response) -> bool {
    matches!(resp.status().as_u16(), 400 | 422)
        && resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/plain"))
}

/// Sends a rejected page form back to its page, filled in again as typed, with the field the
/// rejection names marked (by its label in the form, when the name is a known one).
async fn form_rejected(session: &Session, back: &str, resp: Response) -> Response {
    let text = axum::body::to_bytes(resp.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let e = AppError::Validation(vec![crate::error::FieldError {
        field: rejected_field(&text).map(field_label).unwrap_or_default(),
        message: "未填写或格式不正确，请检查后重新提交".into(),
    }]);
    crate::web::back_with_error(session, back, e)
        .await
        .unwrap_or_else(|e| e.into_response())
}

/// The field a form rejection names: serde's messages read `…: person_id: cannot parse …` or
/// `missing field `basis``.
fn rejected_field(text: &str) -> Option<&str> {
    if let Some(i) = text.find("missing field `") {
        let rest = &text[i + "missing field `".len()..];
        return rest.split('`').next();
    }
    let rest = text.split_once("body: ")?.1;
    let name = rest.split(':').next()?.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

/// Adds a header value, ignoring values that cannot be headers.
pub fn set_header(resp: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

/// A bare status response (used by replays).
pub fn status_only(status: StatusCode) -> Response {
    status.into_response()
}
