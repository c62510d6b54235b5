//! A browser for page-driven tests: one session cookie, pages fetched, forms posted with the
//! hidden fields (CSRF token, idempotency key, client id) the page itself gave them.

use axum::http::{Method, StatusCode};

use crate::helpers::{B, Client, Resp, TestApp};

/// A browser session: the session cookie of one login.
pub struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl<'a> Browser<'a> {
    /// Logs in through the login form.
    pub async fn log_in(app: &'a TestApp, username: &str, password: &str) -> Browser<'a> {
        let page = app.send(None, Method::GET, "/login", B::Empty, &[]).await;
        assert!(page.text.contains("登录"), "{}", page.text);
        let r = app
            .send(
                None,
                Method::POST,
                "/login",
                B::Form(vec![
                    ("username".into(), username.into()),
                    ("password".into(), password.into()),
                    ("next".into(), "/".into()),
                ]),
                &[("origin", "http://localhost")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {username}: {}",
            r.text
        );
        let cookie = r
            .cookies
            .iter()
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("huanjie_session="))
            })
            .expect("session cookie")
            .to_string();
        Browser { app, cookie }
    }

    /// The session as a client of the test helpers (no CSRF header: forms carry their own).
    pub fn client(&self) -> Client {
        Client {
            cookie: self.cookie.clone(),
            csrf: String::new(),
        }
    }

    /// Fetches a page, which must answer 200.
    pub async fn get(&self, path: &str) -> String {
        let r = self
            .app
            .send(Some(&self.client()), Method::GET, path, B::Empty, &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.text);
        r.text
    }

    /// Posts the form of `page` whose action is `action`: its hidden fields plus `fields`.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let mut body = hidden_fields(page, action);
        body.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.app
            .send(
                Some(&self.client()),
                Method::POST,
                action,
                B::Form(body),
                &[],
            )
            .await
    }

    /// Posts a form, expects the redirect, follows it: (where it led, the page).
    pub async fn submit_ok(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (String, String) {
        let r = self.submit(page, action, fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "POST {action}: {}", r.text);
        let to = r.location.clone().unwrap();
        let next = self.get(&to).await;
        (to, next)
    }

    /// As `submit_ok`, answering the next page's flash message and the page.
    pub async fn submit_flash(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (String, String) {
        let (_, next) = self.submit_ok(page, action, fields).await;
        (flash(&next), next)
    }
}

/// The hidden inputs of the form with the given action.
pub fn hidden_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action} on the page:\n{page}"));
    let form = &page[start..start + page[start..].find("</form>").unwrap()];
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|chunk| {
            let name = &chunk[..chunk.find('"').unwrap()];
            let value = chunk
                .split_once("value=\"")
                .map(|(_, rest)| &rest[..rest.find('"').unwrap()])
                .unwrap_or("");
            (name.to_string(), value.to_string())
        })
        .collect()
}

/// The flash message shown on a page (empty when there is none).
pub fn flash(page: &str) -> String {
    let Some(start) = page.find("role=\"status\">") else {
        return String::new();
    };
    let rest = &page[start + "role=\"status\">".len()..];
    rest[..rest.find("</div>").unwrap()].to_string()
}
