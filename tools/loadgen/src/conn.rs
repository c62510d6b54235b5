//! HTTP/1.1 over one kept-alive loopback connection, with hyper's client half: JSON calls with
//! the session cookie, CSRF token and idempotency key the API asks for, and logging in.

use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Method, Request, Response, StatusCode, header};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;

use crate::Res;

/// Longest wait for one HTTP answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// One HTTP/1.1 connection to the server.
pub struct Conn {
    tx: SendRequest<Full<Bytes>>,
    host: String,
}

/// A logged-in user: the session cookie and its CSRF token.
#[derive(Clone, Debug)]
pub struct Login {
    pub cookie: String,
    pub csrf: String,
}

impl Conn {
    /// Connects to the server (no Nagle delay: requests are small and latency is measured).
    pub async fn open(addr: SocketAddr) -> Res<Conn> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (tx, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn {
            tx,
            host: addr.to_string(),
        })
    }

    /// A request with the headers every call carries.
    pub fn request(
        &self,
        method: Method,
        path: &str,
        login: Option<&Login>,
    ) -> hyper::http::request::Builder {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host);
        if let Some(l) = login {
            b = b
                .header(header::COOKIE, &l.cookie)
                .header("x-csrf-token", &l.csrf);
        }
        b
    }

    /// Sends a request and waits (bounded) for the answer's head.
    pub async fn send(&mut self, req: Request<Full<Bytes>>) -> Res<Response<Incoming>> {
        let go = async {
            self.tx
                .ready()
                .await
                .map_err(|e| format!("connection: {e}"))?;
            self.tx
                .send_request(req)
                .await
                .map_err(|e| format!("request: {e}"))
        };
        tokio::time::timeout(REQUEST_TIMEOUT, go)
            .await
            .map_err(|_| "timed out".to_string())?
    }

    /// Sends a JSON call; a create also gets a fresh idempotency key. Returns the status, the
    /// answer's JSON (null when empty) and its headers.
    pub async fn call(
        &mut self,
        method: Method,
        path: &str,
        login: Option<&Login>,
        body: Option<&Value>,
        create: bool,
    ) -> Res<(StatusCode, Value, header::HeaderMap)> {
        let mut b = self.request(method, path, login);
        if create {
            b = b.header("idempotency-key", fresh_key());
        }
        let bytes = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Bytes::from(v.to_string())
            }
            None => Bytes::new(),
        };
        let req = b.body(Full::new(bytes)).map_err(|e| e.to_string())?;
        let resp = self.send(req).await?;
        let (parts, body) = resp.into_parts();
        let bytes = tokio::time::timeout(REQUEST_TIMEOUT, body.collect())
            .await
            .map_err(|_| "timed out reading the body".to_string())?
            .map_err(|e| format!("body: {e}"))?
            .to_bytes();
        let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((parts.status, v, parts.headers))
    }

    /// A call that must answer `want`; returns the JSON.
    pub async fn expect(
        &mut self,
        want: u16,
        method: Method,
        path: &str,
        login: Option<&Login>,
        body: Value,
        create: bool,
    ) -> Res<Value> {
        let (status, v, _) = self.call(method, path, login, Some(&body), create).await?;
        if status.as_u16() == want {
            Ok(v)
        } else {
            Err(format!("{path} answered {status}: {v}"))
        }
    }

    /// Logs in and keeps the session cookie and CSRF token.
    pub async fn login(&mut self, username: &str, password: &str) -> Res<Login> {
        let body = json!({"username": username, "password": password});
        let (status, v, headers) = self
            .call(Method::POST, "/api/v1/login", None, Some(&body), false)
            .await?;
        if status != StatusCode::OK {
            return Err(format!("login of {username} answered {status}: {v}"));
        }
        let cookie = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|h| h.to_str().ok())
            .filter_map(|h| h.split(';').next())
            .find(|c| c.starts_with("huanjie_session="))
            .ok_or("login set no session cookie")?
            .to_string();
        let csrf = v["csrf_token"].as_str().ok_or("login gave no CSRF token")?;
        Ok(Login {
            cookie,
            csrf: csrf.to_string(),
        })
    }
}

/// A unique idempotency key.
fn fresh_key() -> String {
    let b: [u8; 12] = rand::random();
    b.iter().map(|x| format!("{x:02x}")).collect()
}
