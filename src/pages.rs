//! Error pages: every error becomes a Chinese HTML page, or `{"error": {"code", "message"}}`
//! under `/api/`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{AppError, ErrorInfo};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: &'static str,
    message: String,
}

/// Fallback for unknown paths.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Turns errors carried in response extensions into their final form.
pub async fn render_errors(State(_state): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let info = match resp.extensions().get::<ErrorInfo>().cloned() {
        Some(info) => info,
        // A rejection by an axum extractor (malformed JSON or form): same shape, in Chinese.
        None if matches!(resp.status().as_u16(), 400 | 413 | 415 | 422) && is_plain_text(&resp) => {
            let e = AppError::bad_request(match resp.status().as_u16() {
                413 => "提交的内容过大。",
                415 => "提交的内容类型不正确（JSON 接口需 Content-Type: application/json）。",
                _ => "提交的数据格式不正确或缺少必填项，请检查后重试。",
            });
            ErrorInfo {
                status: resp.status(),
                code: e.code(),
                message: e.message(),
                fields: Vec::new(),
            }
        }
        None => return resp,
    };
    let mut out = if api {
        let mut err = json!({"code": info.code, "message": info.message});
        if !info.fields.is_empty() {
            err["fields"] = json!(info.fields);
        }
        (info.status, axum::Json(json!({ "error": err }))).into_response()
    } else {
        let title = match info.status.as_u16() {
            401 => "请先登录",
            403 => "无权访问",
            404 => "页面不存在",
            409 => "操作冲突",
            429 => "请稍后再试",
            s if s >= 500 => "服务器错误",
            _ => "请求有误",
        };
        (
            info.status,
            ErrorPage {
                status: info.status.as_u16(),
                title,
                message: info.message.clone(),
            },
        )
            .into_response()
    };
    for h in [header::LOCATION, header::RETRY_AFTER] {
        if let Some(v) = resp.headers().get(&h) {
            out.headers_mut().insert(h, v.clone());
        }
    }
    out
}

/// axum's own rejections are plain text; our pages and JSON bodies are not.
fn is_plain_text(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/plain"))
}
