//! The one error type. Each variant has a status code, a stable code for the JSON API and a
//! Chinese message; 5xx details are logged, never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A field-level problem in submitted data.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// The field (or column) concerned.
    pub field: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// Field errors as one Chinese sentence: `字段：问题；…`.
fn fields_text(errs: &[FieldError]) -> String {
    errs.iter()
        .map(|e| {
            if e.field.is_empty() {
                e.message.clone()
            } else {
                format!("{}：{}", e.field, e.message)
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not logged in.
    #[error("unauthorized")]
    Unauthorized,
    /// The role may never use this route.
    #[error("forbidden")]
    Forbidden,
    /// CSRF token missing or wrong.
    #[error("csrf")]
    Csrf,
    /// Absent, or outside what the user may see (existence not revealed).
    #[error("not found")]
    NotFound,
    /// Malformed request, with a Chinese message.
    #[error("{0}")]
    BadRequest(String),
    /// Input that breaks a rule, with per-field messages.
    #[error("{}", fields_text(.0))]
    Validation(Vec<FieldError>),
    /// The state of a resource does not allow the change.
    #[error("{0}")]
    Conflict(String),
    /// Login throttled, with a Chinese message saying when to retry.
    #[error("throttled: {0}")]
    Throttled(String),
    /// The request body is over its limit, with a Chinese message naming the limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Migration failure.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Anything else internal.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// An internal error with a description for the log.
    pub fn internal(msg: impl Into<String>) -> Self {
        AppError::Internal(msg.into())
    }
    /// A 400 with a Chinese message.
    pub fn bad_request(msg: impl Into<String>) -> Self {
        AppError::BadRequest(msg.into())
    }
    /// A 422 on one field.
    pub fn invalid(field: &str, msg: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.to_string(),
            message: msg.into(),
        }])
    }
    /// A 409 with a Chinese message.
    pub fn conflict(msg: impl Into<String>) -> Self {
        AppError::Conflict(msg.into())
    }

    /// The HTTP status.
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Db(_) | AppError::Migrate(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// Stable machine code for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Validation(_) => "validation",
            AppError::Conflict(_) => "conflict",
            AppError::Throttled(_) => "throttled",
            AppError::TooLarge(_) => "too_large",
            AppError::Db(_) | AppError::Migrate(_) | AppError::Internal(_) => "internal",
        }
    }

    /// The message shown to the user, in Chinese.
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthorized => "请先登录。".into(),
            AppError::Forbidden => "您的角色无权访问此页面。".into(),
            AppError::Csrf => "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。".into(),
            AppError::NotFound => "未找到该页面或资源。".into(),
            AppError::BadRequest(m)
            | AppError::Conflict(m)
            | AppError::Throttled(m)
            | AppError::TooLarge(m) => m.clone(),
            AppError::Validation(errs) => fields_text(errs),
            AppError::Db(_) | AppError::Migrate(_) | AppError::Internal(_) => {
                "服务器内部错误，请稍后重试。".into()
            }
        }
    }

    /// Field errors, if any.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::Validation(v) => v,
            _ => &[],
        }
    }
}

/// What the error middleware needs to render an error as HTML or JSON.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine code.
    pub code: &'static str,
    /// Chinese message.
    pub message: String,
    /// Per-field problems.
    pub fields: Vec<FieldError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let info = ErrorInfo {
            status,
            code: self.code(),
            message: self.message(),
            fields: self.fields().to_vec(),
        };
        let mut resp = (status, info.message.clone()).into_response();
        resp.extensions_mut().insert(info);
        resp
    }
}

/// Result alias used by handlers.
pub type AppResult<T> = Result<T, AppError>;
