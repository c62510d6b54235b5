//! The test application: a fresh database per test (a copy of the migrated template: an SQLite
//! file, or a uniquely named PostgreSQL database when TEST_DATABASE_URL is set), the router
//! driven without a socket, and one logged-in client per role.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use huanjie::audit::Actor;
use huanjie::config::Config;
use huanjie::db::{Db, Q};
use huanjie::state::AppState;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Password of every test account.
pub const PASSWORD: &str = "correct-horse-9";

/// Who sends a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// No session.
    Anon,
    /// 街道工作组.
    Street,
    /// 社区工作人员 of sg01.
    Community,
    /// 监票人.
    Scrutineer,
    /// 计票人.
    Counter,
}

impl Who {
    /// Every client.
    pub const ALL: [Who; 5] = [
        Who::Anon,
        Who::Street,
        Who::Community,
        Who::Scrutineer,
        Who::Counter,
    ];
    /// The account name.
    pub fn username(self) -> &'static str {
        match self {
            Who::Anon => "",
            Who::Street => "t-street",
            Who::Community => "t-community",
            Who::Scrutineer => "t-scrutineer",
            Who::Counter => "t-counter",
        }
    }
}

/// A logged-in client: its cookie and CSRF token.
#[derive(Clone, Debug, Default)]
pub struct Client {
    /// `Cookie` header value.
    pub cookie: String,
    /// CSRF token.
    pub csrf: String,
}

/// A response, body read.
#[derive(Debug)]
pub struct Resp {
    /// Status.
    pub status: StatusCode,
    /// `Location`, if any.
    pub location: Option<String>,
    /// Body text.
    pub text: String,
    /// Set-Cookie values.
    pub cookies: Vec<String>,
    /// The body's bytes (a workbook, a picture).
    pub bytes: Vec<u8>,
}

impl Resp {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text))
    }
}

/// A request body.
pub enum B {
    /// None.
    Empty,
    /// JSON.
    Json(Value),
    /// A urlencoded form.
    Form(Vec<(String, String)>),
    /// A multipart form: text fields and one file (name, bytes).
    Multipart(Vec<(String, String)>, Option<(String, Vec<u8>)>),
}

/// Where the test database lives, and how to drop it.
enum Backing {
    /// Kept so the directory lives as long as the app.
    Sqlite(#[expect(dead_code)] tempfile_dir::Dir),
    Postgres {
        admin_url: String,
        name: String,
    },
}

/// A fresh application for one test.
pub struct TestApp {
    /// The router.
    pub router: Router,
    /// The state (database, config).
    pub state: AppState,
    /// The database URL (for running the binary against it).
    pub url: String,
    /// Logged-in clients by role.
    pub clients: Vec<(Who, Client)>,
    backing: Backing,
}

mod tempfile_dir {
    //! A temporary directory removed on drop (no extra crate needed).
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            let name = format!("huanjie-test-{}-{}", std::process::id(), rand_suffix());
            let p = std::env::temp_dir().join(name);
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    pub fn rand_suffix() -> String {
        let b: [u8; 8] = rand::random();
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Backing::Postgres { admin_url, name } = &self.backing {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Dropping needs async; do it on a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Runtime::new().unwrap();
                rt.block_on(async {
                    if let Ok(db) = Db::connect(&admin_url).await {
                        let _ = Q::new(format!("drop database if exists {name} with (force)"))
                            .execute(&db)
                            .await;
                        db.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Sixteen random hex digits, for unique names.
pub fn rand_suffix() -> String {
    tempfile_dir::rand_suffix()
}

/// The backend under test, for messages.
pub fn backend() -> &'static str {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        "postgres"
    } else {
        "sqlite"
    }
}

impl TestApp {
    /// Sets the application's "today" (China Standard Time) to `date` (`YYYY-MM-DD`): the one
    /// clock every date rule reads. Tests move it instead of waiting.
    pub fn on(&self, date: &str) {
        let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a YYYY-MM-DD date");
        self.state.clock.set(d);
    }

    /// Starts an app with two communities (sg01, sg02), one account per role and each logged in.
    pub async fn spawn() -> TestApp {
        let (url, backing) = match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => {
                let template = crate::template::postgres(&admin_url);
                let name = format!("huanjie_test_{}", tempfile_dir::rand_suffix());
                let admin = Db::connect(&admin_url)
                    .await
                    .expect("TEST_DATABASE_URL must reach PostgreSQL");
                Q::new(format!("create database {name} template {template}"))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
                (
                    crate::template::with_database(&admin_url, &name),
                    Backing::Postgres { admin_url, name },
                )
            }
            None => {
                let dir = tempfile_dir::Dir::new();
                let file = dir.0.join("test.db");
                crate::template::sqlite_copy(&file);
                (format!("sqlite:{}", file.display()), Backing::Sqlite(dir))
            }
        };
        let config = Config::for_tests(&url);
        let db = huanjie::open(&config).await.unwrap();
        let state = AppState::new(db, config);
        let router = huanjie::build_router(state.clone()).await.unwrap();
        let mut app = TestApp {
            router,
            state,
            url,
            clients: Vec::new(),
            backing,
        };
        app.seed().await;
        app
    }

    async fn seed(&mut self) {
        let street = self.create_user("t-street", "street", "").await;
        let ctx = huanjie::auth::Ctx {
            user: huanjie::auth::by_id(&self.state.db, street).await.unwrap(),
            community: None,
            csrf: String::new(),
            api: true,
            origin: String::new(),
        };
        for (code, name) in [("sg01", "一号社区"), ("sg02", "二号社区")] {
            let input = huanjie::communities::CommunityInput {
                code: code.into(),
                name: name.into(),
                org_type: "zongzhi".into(),
                households: Some(100),
            };
            huanjie::communities::create_community(&self.state, &ctx, &input)
                .await
                .unwrap();
        }
        self.create_user("t-community", "community", "sg01").await;
        self.create_user("t-scrutineer", "scrutineer", "").await;
        self.create_user("t-counter", "counter", "").await;
        for who in [Who::Street, Who::Community, Who::Scrutineer, Who::Counter] {
            let c = self.login(who.username(), PASSWORD).await;
            self.clients.push((who, c));
        }
    }

    /// Creates an account with the test password; returns its id.
    pub async fn create_user(&self, name: &str, role: &str, community: &str) -> i64 {
        let input = huanjie::users::NewUser {
            username: name.into(),
            display_name: String::new(),
            role: role.into(),
            community: community.into(),
            password: PASSWORD.into(),
        };
        huanjie::users::create_user(
            &self.state.db,
            self.state.config.password_cost,
            &Actor::system(),
            &input,
        )
        .await
        .unwrap()
        .0
        .id
    }

    /// Logs in through the API; panics on failure.
    pub async fn login(&self, username: &str, password: &str) -> Client {
        let r = self
            .send(
                None,
                Method::POST,
                "/api/v1/login",
                B::Json(json!({"username": username, "password": password})),
                &[],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "login of {username} failed: {}",
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
        Client {
            cookie,
            csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    /// The client of a role (None for anonymous).
    pub fn client(&self, who: Who) -> Option<&Client> {
        self.clients.iter().find(|(w, _)| *w == who).map(|(_, c)| c)
    }

    /// Sends a request as `client`, from 10.0.0.1 unless a header overrides nothing.
    pub async fn send(
        &self,
        client: Option<&Client>,
        method: Method,
        path: &str,
        body: B,
        headers: &[(&str, &str)],
    ) -> Resp {
        self.send_from(client, "10.0.0.1", method, path, body, headers)
            .await
    }

    /// Sends a request from a given client address.
    pub async fn send_from(
        &self,
        client: Option<&Client>,
        addr: &str,
        method: Method,
        path: &str,
        body: B,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            req = req.header(header::HOST, "localhost");
        }
        if let Some(c) = client {
            req = req.header(header::COOKIE, &c.cookie);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = match body {
            B::Empty => Body::empty(),
            B::Json(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            B::Form(fields) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                let mut s = form_urlencoded::Serializer::new(String::new());
                for (k, v) in &fields {
                    s.append_pair(k, v);
                }
                Body::from(s.finish())
            }
            B::Multipart(fields, file) => {
                let boundary = "----huanjie-test-boundary";
                req = req.header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                );
                let mut out = Vec::new();
                for (k, v) in &fields {
                    out.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
                }
                if let Some((name, bytes)) = file {
                    out.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
                    out.extend(bytes);
                    out.extend(b"\r\n");
                }
                out.extend(format!("--{boundary}--\r\n").as_bytes());
                Body::from(out)
            }
        };
        let mut req = req.body(body).unwrap();
        let ip: SocketAddr = format!("{addr}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(ip));
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let cookies = resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        // An event stream never ends: the caller only learns that it opened.
        let streaming = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        let bytes = if streaming {
            Default::default()
        } else {
            resp.into_body().collect().await.unwrap().to_bytes()
        };
        Resp {
            status,
            location,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            cookies,
            bytes: bytes.to_vec(),
        }
    }

    /// Sends as a role with its CSRF token (and any extra headers).
    pub async fn call(&self, who: Who, method: Method, path: &str, body: B) -> Resp {
        let client = self.client(who).cloned();
        let csrf = client.as_ref().map(|c| c.csrf.clone()).unwrap_or_default();
        let key = format!("k-{}", tempfile_dir::rand_suffix());
        self.send(
            client.as_ref(),
            method,
            path,
            body,
            &[("x-csrf-token", &csrf), ("idempotency-key", &key)],
        )
        .await
    }

    /// A count from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        Q::new(sql).scalar(&self.state.db).await.unwrap()
    }

    /// The number of audit entries.
    pub async fn audit_count(&self) -> i64 {
        self.count("select count(*) from audit_log").await
    }
}

/// A valid 18-digit ID number for a birth date and sequence (odd sequence = 男).
pub fn id_number(birth: &str, seq: u32) -> String {
    let first = format!("370102{birth}{seq:03}");
    let check = huanjie::domain::idcard::check_char(&first).unwrap();
    format!("{first}{check}")
}
