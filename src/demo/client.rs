//! An in-process client of the JSON API: the demo drives the Party pipeline through the same
//! routes (guard, CSRF, rule checks, audit) a browser or a script would use, without a socket.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::error::{AppError, AppResult};

/// A logged-in session on the application's router.
#[derive(Clone)]
pub struct Client {
    router: Router,
    cookie: String,
    csrf: String,
    /// The account's name (for error messages).
    pub user: String,
    /// The application's clock, when the demo walks its calendar.
    clock: Option<crate::clock::Clock>,
}

fn request(
    method: Method,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "localhost");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let mut req = req.body(body).expect("a well-formed request");
    req.extensions_mut()
        .insert(ConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 0))));
    req
}

async fn send(router: &Router, req: Request<Body>) -> AppResult<(StatusCode, Vec<String>, Value)> {
    let resp = router
        .clone()
        .oneshot(req)
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    let status = resp.status();
    let cookies = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| AppError::internal(e.to_string()))?
        .to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok((status, cookies, value))
}

impl Client {
    /// Logs `user` in through `POST /api/v1/login`.
    pub async fn login(router: &Router, user: &str, password: &str) -> AppResult<Client> {
        let body = json!({"username": user, "password": password});
        let req = request(Method::POST, "/api/v1/login", None, Some(&body));
        let (status, cookies, v) = send(router, req).await?;
        if status != StatusCode::OK {
            return Err(AppError::internal(format!(
                "demo login of {user}: {status} {v}"
            )));
        }
        let cookie = cookies
            .iter()
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("huanjie_session="))
            })
            .ok_or_else(|| AppError::internal("demo login: no session cookie"))?
            .to_string();
        Ok(Client {
            router: router.clone(),
            cookie,
            csrf: v["csrf_token"].as_str().unwrap_or_default().to_string(),
            user: user.to_string(),
            clock: None,
        })
    }

    /// The same session, moving the application's clock when [`Client::on`] is called.
    pub fn with_clock(mut self, clock: crate::clock::Clock) -> Client {
        self.clock = Some(clock);
        self
    }

    /// Sets the application's "today" to `date` (`YYYY-MM-DD`): the demo's walk keeps the
    /// calendar's rules (a 公示 closes after its last day, a list is published the day it is
    /// recorded). Without a clock, does nothing.
    pub fn on(&self, date: &str) {
        let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d");
        if let (Some(c), Ok(d)) = (&self.clock, d) {
            c.set(d);
        }
    }

    /// Calls the API; any answer but 2xx is an error naming the route and the answer.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> AppResult<Value> {
        let mut req = request(method.clone(), path, Some(&self.cookie), body.as_ref());
        let headers = req.headers_mut();
        headers.insert(
            "x-csrf-token",
            self.csrf
                .parse()
                .map_err(|_| AppError::internal("csrf header"))?,
        );
        let key = format!("demo-{}", crate::auth::random_password());
        headers.insert(
            "idempotency-key",
            key.parse()
                .map_err(|_| AppError::internal("idempotency header"))?,
        );
        let (status, _, v) = send(&self.router, req).await?;
        if !status.is_success() {
            return Err(AppError::internal(format!(
                "demo ({}): {method} {path} answered {status}: {v}",
                self.user
            )));
        }
        Ok(v)
    }

    /// `GET` of any page (HTML, a workbook): its status and the body's length in bytes.
    pub async fn fetch(&self, path: &str) -> AppResult<(StatusCode, usize)> {
        let req = request(Method::GET, path, Some(&self.cookie), None);
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .map_err(|e| AppError::internal(e.to_string()))?;
        let status = resp.status();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| AppError::internal(e.to_string()))?
            .to_bytes();
        Ok((status, bytes.len()))
    }

    /// `GET`.
    pub async fn get(&self, path: &str) -> AppResult<Value> {
        self.call(Method::GET, path, None).await
    }

    /// `POST` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> AppResult<Value> {
        self.call(Method::POST, path, Some(body)).await
    }

    /// `PUT` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> AppResult<Value> {
        self.call(Method::PUT, path, Some(body)).await
    }
}
