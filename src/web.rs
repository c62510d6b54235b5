//! Page plumbing shared by every screen: the layout context (user, navigation, CSRF token,
//! flash message), flash messages across the POST → 303 redirect, and fresh idempotency keys.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::auth::{Ctx, Role};

const FLASH_KEY: &str = "flash";

/// A one-time message shown after a redirect.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    /// `ok` or `error`.
    pub kind: String,
    /// The message, in Chinese.
    pub message: String,
    /// After a refused form: what was typed and which fields were wrong, for the page to put
    /// back (see `static/forms.js`).
    #[serde(default)]
    pub echo: Option<Echo>,
}

/// A refused form as it was sent: the page it was posted to, its fields (never the CSRF token,
/// the idempotency key or a password), and the field errors by their Chinese names.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Echo {
    /// The form's action path.
    pub action: String,
    /// The fields in the order sent (repeated names in order).
    pub fields: Vec<(String, String)>,
    /// Field errors (`field` is the Chinese field name the message uses).
    pub errors: Vec<crate::error::FieldError>,
}

impl Flash {
    /// The echo as JSON safe to put inside a `<script>` element, if any.
    pub fn echo_json(&self) -> Option<String> {
        self.echo.as_ref().map(|e| {
            serde_json::to_string(e)
                .unwrap_or_default()
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
        })
    }
}

/// The form fields of the page post being handled, set by the guard, so that a refusal can
/// give them back ([`back_with_error`]).
#[derive(Clone, Debug, Default)]
pub struct Submitted {
    /// The path posted to.
    pub action: String,
    /// Its urlencoded fields.
    pub fields: Vec<(String, String)>,
}

tokio::task_local! {
    /// The page form being handled on this task.
    pub static SUBMITTED: Submitted;
}

/// Fields never given back: tokens, and passwords (a refused password is typed again).
const NOT_ECHOED: [&str; 6] = ["_csrf", "_idem", "password", "current", "new", "confirm"];

/// A navigation link.
#[derive(Clone, Debug)]
pub struct NavItem {
    /// Link target.
    pub href: String,
    /// Label.
    pub label: &'static str,
}

/// What `base.html` needs.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Page title.
    pub title: String,
    /// Logged-in user's label, empty when anonymous.
    pub user: String,
    /// Role label.
    pub role: String,
    /// Navigation for the role.
    pub nav: Vec<NavItem>,
    /// CSRF token for forms.
    pub csrf: String,
    /// Flash message, if any.
    pub flash: Option<Flash>,
    /// On a step's page: why its records can no longer change (the step closed, or not yet
    /// begun), from the step table; the page then shows its records without their forms.
    pub step_closed: Option<String>,
}

impl Layout {
    /// Builds the layout for a page, taking any pending flash message.
    pub async fn new(ctx: &Ctx, session: &Session, title: impl Into<String>) -> Layout {
        // Only take (and so write) the session when a flash is waiting: `remove` marks the
        // session modified even when the key is absent, which would store it on every page view.
        let flash = match session.get::<Flash>(FLASH_KEY).await {
            Ok(Some(_)) => session.remove::<Flash>(FLASH_KEY).await.ok().flatten(),
            _ => None,
        };
        let (user, role, nav) = match &ctx.user {
            Some(u) => (
                u.label(),
                u.role().label().to_string(),
                nav_for(u.role(), u.community_id, ctx),
            ),
            None => (String::new(), String::new(), Vec::new()),
        };
        Layout {
            title: title.into(),
            user,
            role,
            nav,
            csrf: ctx.csrf.clone(),
            flash,
            step_closed: None,
        }
    }

    /// The layout of step `code`'s page: [`Layout::step_closed`] says why its forms are not
    /// offered, with the reason every write to the step is refused with.
    pub async fn for_step(
        mut self,
        db: &crate::db::Db,
        c: &crate::campaigns::Campaign,
        code: &str,
    ) -> crate::error::AppResult<Layout> {
        self.step_closed = refusal(crate::steps::require_open(db, c, code).await)?;
        Ok(self)
    }

    /// A fresh idempotency key for a create form.
    pub fn idem(&self) -> String {
        new_key()
    }
}

fn nav_for(role: Role, _community: Option<i64>, _ctx: &Ctx) -> Vec<NavItem> {
    let item = |href: &str, label| NavItem {
        href: href.to_string(),
        label,
    };
    match role {
        Role::Street => vec![
            item("/", "首页"),
            item("/communities", "社区"),
            item("/people", "人员"),
            item("/campaigns", "换届工作"),
            item("/street", "街道工作"),
            item("/plan", "工作方案"),
            item("/discipline", "换届纪律"),
            item("/statistics", "总结统计"),
            item("/users", "用户"),
            item("/audit", "审计日志"),
        ],
        Role::Community => vec![
            item("/", "首页"),
            item("/communities", "本社区"),
            item("/campaigns", "换届工作"),
        ],
        Role::Scrutineer | Role::Counter => vec![item("/", "首页")],
    }
}

/// A random key (hex of 16 bytes) for idempotency and tokens.
pub fn new_key() -> String {
    let b: [u8; 16] = rand::random();
    hex::encode(b)
}

/// Stores a flash message for the next page.
pub async fn flash(session: &Session, kind: &str, message: impl Into<String>) {
    let f = Flash {
        kind: kind.into(),
        message: message.into(),
        echo: None,
    };
    if let Err(e) = session.insert(FLASH_KEY, f).await {
        tracing::warn!(error = %e, "flash not stored");
    }
}

/// Masks an ID number for lists: first four and last four characters kept.
pub fn mask_id(id: &str) -> String {
    mask(id, 4, 4)
}

/// Masks a phone number for lists: first three and last four kept.
pub fn mask_phone(p: &str) -> String {
    mask(p, 3, 4)
}

fn mask(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// POST → 303 See Other.
pub fn see_other(to: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    axum::response::Redirect::to(to).into_response()
}

/// Answers a form: on success a flash made by `ok` and back to `back`; a 422 or 409 is shown
/// as a flash on `back` (nothing changed), any other error is raised.
pub async fn finish<T>(
    session: &Session,
    back: &str,
    r: crate::error::AppResult<T>,
    ok: impl FnOnce(T) -> String,
) -> crate::error::AppResult<axum::response::Response> {
    use crate::error::AppError;
    match r {
        Ok(v) => {
            flash(session, "ok", ok(v)).await;
            Ok(see_other(back))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            back_with_error(session, back, e).await
        }
        Err(e) => Err(e),
    }
}

/// Answers a form's validation error: the message as a flash, and back to the form, which the
/// page fills again with what was typed (the guard's [`SUBMITTED`], put back by
/// `static/forms.js`) and marks the fields in error. One helper for every form.
pub async fn back_with_error(
    session: &Session,
    to: &str,
    e: crate::error::AppError,
) -> Result<axum::response::Response, crate::error::AppError> {
    let echo = SUBMITTED.try_with(|s| Echo {
        action: s.action.clone(),
        fields: s
            .fields
            .iter()
            .filter(|(k, _)| !NOT_ECHOED.contains(&k.as_str()))
            .cloned()
            .collect(),
        errors: e.fields().to_vec(),
    });
    let f = Flash {
        kind: "error".into(),
        message: e.message(),
        echo: echo.ok(),
    };
    if let Err(e) = session.insert(FLASH_KEY, f).await {
        tracing::warn!(error = %e, "flash not stored");
    }
    Ok(see_other(to))
}

/// Optional whole numbers from JSON (`3`, `null`, absent) and from forms, where a field left
/// empty arrives as `""` and means "not given".
pub mod opt_i64 {
    use serde::{Deserialize, Deserializer, de::Error};

    /// Deserialises a number, null, or a form string (empty → `None`).
    pub fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum N {
            Int(i64),
            Text(String),
            Null(()),
        }
        match Option::<N>::deserialize(d)? {
            None | Some(N::Null(())) => Ok(None),
            Some(N::Int(n)) => Ok(Some(n)),
            Some(N::Text(t)) if t.trim().is_empty() => Ok(None),
            Some(N::Text(t)) => t
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| D::Error::custom(format!("“{t}”不是有效的整数"))),
        }
    }
}

/// A QR code of `text` as an inline SVG at least `size` pixels square (empty if the text is
/// too long for a QR code).
pub fn qr_svg(text: &str, size: u32) -> String {
    qrcode::QrCode::new(text.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color>()
                .min_dimensions(size, size)
                .build()
        })
        .unwrap_or_default()
}

/// What a page says instead of a form whose action is refused now: the refusal's Chinese
/// reason, from the very check the action's handler runs (`None` when the action is possible).
/// Errors that are not refusals (the database failing) stay errors.
pub fn refusal(r: crate::error::AppResult<()>) -> crate::error::AppResult<Option<String>> {
    use crate::error::AppError;
    match r {
        Ok(()) => Ok(None),
        Err(e @ (AppError::Conflict(_) | AppError::Validation(_) | AppError::BadRequest(_))) => {
            Ok(Some(e.message()))
        }
        Err(e) => Err(e),
    }
}

/// A file to download: its content type, and a Content-Disposition with an ASCII fallback
/// name and the Chinese name (RFC 5987).
pub fn download(
    content_type: &str,
    ascii_name: &str,
    zh_name: &str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let zh = urlencode(zh_name);
    let disposition = format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{zh}");
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The content type of an Excel workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `v` percent-encoded for a query string or a header parameter.
pub fn urlencode(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_is_masked_to_its_first_and_last_four_characters() {
        assert_eq!(mask_id("370102199001011234"), "3701**********1234");
    }

    #[test]
    fn a_phone_number_keeps_three_and_four_digits() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }

    #[derive(serde::Deserialize)]
    struct N {
        #[serde(default, deserialize_with = "opt_i64::de")]
        n: Option<i64>,
    }

    #[test]
    fn an_optional_number_may_be_a_number_null_absent_or_an_empty_form_field() {
        let n = |j: &str| serde_json::from_str::<N>(j).map(|v| v.n);
        assert_eq!(n(r#"{"n": 3}"#).unwrap(), Some(3));
        assert_eq!(n(r#"{"n": " 12 "}"#).unwrap(), Some(12));
        assert_eq!(n(r#"{"n": ""}"#).unwrap(), None);
        assert_eq!(n(r#"{"n": null}"#).unwrap(), None);
        assert_eq!(n("{}").unwrap(), None);
        let err = n(r#"{"n": "三"}"#).unwrap_err().to_string();
        assert!(err.contains("不是有效的整数"), "{err}");
    }
}
