//! Load driver for the counting room (a developer tool, not a test).
//!
//! Starts the real `huanjie` server (the binary next to this one) as a child process on a
//! temporary SQLite file and a free loopback port, sets up a residents' meeting through the JSON
//! API, then runs `--counters` closed-loop ballot-entry clients and `--projectors` server-sent
//! event subscribers for `--seconds`, and prints entries per second, entry latency, the delay
//! until projectors show an entry, the server's peak memory and, for scale, the rate of bare
//! durable single-row SQLite commits on the same disk. Build both binaries first:
//!
//! ```sh
//! cargo build --release --bins
//! cargo run --release --bin loadgen -- --counters 16 --projectors 500 --seconds 10
//! ```
//!
//! Method and figures are explained in `docs/PERFORMANCE.md`. All traffic stays on 127.0.0.1.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Method, Request, Response, StatusCode, header};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};

/// Password given to the server for its first `admin` account.
const ADMIN_PASSWORD: &str = "Qiao-shu-lan-2027-load";
/// Every box number of the vote: large enough that no entry is ever refused.
const BOX: i64 = 10_000_000;
/// Longest wait for one HTTP answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest wait for the server to answer after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest wait for all projectors to show the final count after the last entry.
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(10);
/// Projectors connecting at the same time while the room is set up.
const CONNECT_CONCURRENCY: usize = 32;
/// USER_HZ: the unit of utime/stime in /proc/<pid>/stat on Linux.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

/// Drives the counting room of a real server with many counters and projectors.
#[derive(Parser, Debug, Clone)]
#[command(name = "loadgen", about, long_about = None)]
struct Args {
    /// Counters entering ballots, each in a closed loop on its own session.
    #[arg(long, default_value_t = 16)]
    counters: usize,
    /// Projectors, each holding one event stream of the vote.
    #[arg(long, default_value_t = 500)]
    projectors: usize,
    /// Length of the measured run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Candidates on the ballot (at most 100).
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u64).range(1..=100))]
    candidates: u64,
    /// Seats to fill.
    #[arg(long, default_value_t = 5)]
    seats: u64,
    /// How projectors connect: a display link (no session) or a scrutineer's session.
    #[arg(long, value_enum, default_value_t = Via::Link)]
    projectors_via: Via,
    /// Length of the bare SQLite commit loop.
    #[arg(long, default_value_t = 3.0)]
    bare_seconds: f64,
    /// The server binary (default: `huanjie` next to this executable).
    #[arg(long)]
    server: Option<PathBuf>,
    /// A tiny run (2 counters, 5 projectors, 2 seconds) that fails only if the server did not
    /// start or nothing at all was entered.
    #[arg(long)]
    smoke: bool,
}

type Res<T> = Result<T, String>;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = Args::parse();
    if args.smoke {
        args.counters = 2;
        args.projectors = 5;
        args.seconds = 2;
        args.bare_seconds = 0.5;
    }
    if args.counters == 0 || args.seats == 0 || args.seats > args.candidates {
        eprintln!("loadgen: need at least one counter and 1 ≤ seats ≤ candidates");
        return ExitCode::from(2);
    }
    match run(&args).await {
        Ok(report) => {
            report.print(&args);
            if report.acked == 0 {
                eprintln!("loadgen: FAILED: no ballot was entered");
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("loadgen: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The whole run: bare ceiling, server, set-up, load, measurements. The server and the
/// temporary directory are cleaned up by their guards on every path out of here.
async fn run(args: &Args) -> Res<Report> {
    let binary = server_binary(args)?;
    let dir = TempDir::new()?;
    let bare = bare_rates(&dir.0, args.bare_seconds).await?;
    let server = Server::start(&binary, &dir.0).await?;
    println!(
        "loadgen: server {} (pid {}) on http://{}/",
        binary.display(),
        server.pid(),
        server.addr
    );
    let at_start = vm_kb(server.pid(), "VmRSS");
    let room = set_up(server.addr, args)
        .await
        .map_err(|e| server.with_log(format!("set-up failed: {e}")))?;
    let before_load = (vm_kb(server.pid(), "VmRSS"), vm_kb(server.pid(), "VmHWM"));
    let mut report = load(server.addr, args, &room, server.pid()).await;
    report.bare = bare;
    report.rss_before_load_kb = before_load;
    report.rss_at_start_kb = at_start;
    report.peak_rss_kb = vm_kb(server.pid(), "VmHWM");
    report.server_log = server.log_excerpt();
    report.binary = binary;
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// The server process

/// The `huanjie` binary to start.
fn server_binary(args: &Args) -> Res<PathBuf> {
    let path = match &args.server {
        Some(p) => p.clone(),
        None => std::env::current_exe()
            .map_err(|e| format!("cannot find this executable: {e}"))?
            .with_file_name(format!("huanjie{}", std::env::consts::EXE_SUFFIX)),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "no server binary at {}: build both binaries first with `cargo build --release --bins` \
             (or `cargo build --bins` for a debug run), or pass --server PATH",
            path.display()
        ))
    }
}

/// A temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Res<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("huanjie-loadgen-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The running server; killed (and reaped) when dropped, whatever happened.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// Starts the server on a free loopback port with a fresh database in `dir`, and waits
    /// until it answers HTTP.
    async fn start(binary: &Path, dir: &Path) -> Res<Server> {
        let addr = free_port()?;
        let log = dir.join("server.log");
        let out = std::fs::File::create(&log).map_err(|e| format!("server log: {e}"))?;
        let err = out.try_clone().map_err(|e| format!("server log: {e}"))?;
        let child = Command::new(binary)
            .arg("serve")
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env(
                "DATABASE_URL",
                format!("sqlite:{}", dir.join("huanjie.db").display()),
            )
            .env("HUANJIE_BIND", addr.to_string())
            .env("HUANJIE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("HUANJIE_SECURE_COOKIES", "false")
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut server = Server { child, addr, log };
        server.wait_ready().await?;
        Ok(server)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Polls `GET /api/v1/me` until any HTTP answer arrives (401 is fine).
    async fn wait_ready(&mut self) -> Res<()> {
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(self.with_log(format!("the server exited at start ({status})")));
            }
            if let Ok(mut c) = Conn::open(self.addr).await
                && c.call(Method::GET, "/api/v1/me", None, None, false)
                    .await
                    .is_ok()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(self.with_log(format!(
            "the server did not answer within {} s",
            START_TIMEOUT.as_secs()
        )))
    }

    /// An error message followed by the end of the server's log.
    fn with_log(&self, msg: String) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("{msg}\n--- end of server log ---\n{}", tail.join("\n"))
    }

    /// What the server logged after its start-up lines (RUST_LOG=warn: warnings and errors),
    /// as the number of lines and the first few.
    fn log_excerpt(&self) -> (usize, Vec<String>) {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("Huanjie ") && !l.contains("admin"))
            .collect();
        let first = lines
            .iter()
            .take(3)
            .map(|l| l.chars().take(200).collect())
            .collect();
        (lines.len(), first)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port that is free now (the server binds it a moment later).
fn free_port() -> Res<SocketAddr> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map_err(|e| e.to_string())
}

/// A memory figure of a process from /proc/<pid>/status (`VmHWM` = peak resident set size,
/// `VmRSS` = resident now), in kB.
fn vm_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) a process has used so far, in seconds.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / CLOCK_TICKS_PER_SECOND)
}

// ---------------------------------------------------------------------------------------------
// HTTP over one kept-alive connection (hyper's client half)

/// One HTTP/1.1 connection to the server.
struct Conn {
    tx: SendRequest<Full<Bytes>>,
    host: String,
}

/// A logged-in user: the session cookie and its CSRF token.
#[derive(Clone, Debug)]
struct Login {
    cookie: String,
    csrf: String,
}

impl Conn {
    /// Connects to the server (no Nagle delay: requests are small and latency is measured).
    async fn open(addr: SocketAddr) -> Res<Conn> {
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
    fn request(
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
    async fn send(&mut self, req: Request<Full<Bytes>>) -> Res<Response<Incoming>> {
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
    async fn call(
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
    async fn expect(
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
    async fn login(&mut self, username: &str, password: &str) -> Res<Login> {
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

// ---------------------------------------------------------------------------------------------
// Setting up the room

/// What the load phase needs: the vote, the counters' logins, the projectors' access.
struct Room {
    vote: i64,
    counters: Vec<Login>,
    projector: ProjectorAuth,
    candidates: Vec<String>,
}

/// How projectors are let into the event stream; [`subscribe_request`] is the one place that
/// turns it into a request.
#[derive(Clone, Debug)]
enum ProjectorAuth {
    /// A display link's URL (`/projector/t/{token}`): no account, no session.
    Link(String),
    /// A logged-in scrutineer's session cookie, on `/api/v1/votes/{id}/events`.
    Session(Login),
}

/// Which way the projectors connect (`--projectors-via`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// A display link, as a wall projector does.
    Link,
    /// A scrutineer's session.
    Session,
}

/// Candidate names, distinct for up to 100.
fn candidate_names(n: u64) -> Vec<String> {
    const SURNAMES: [&str; 10] = ["丁", "王", "李", "张", "赵", "孙", "周", "吴", "郑", "陈"];
    const GIVEN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    (0..n as usize)
        .map(|i| format!("{}{}", SURNAMES[i % 10], GIVEN[i / 10 % 10]))
        .collect()
}

/// Creates the community, meeting, staff and vote as `admin`, moves the vote to counting and
/// logs every staff member in.
async fn set_up(addr: SocketAddr, args: &Args) -> Res<Room> {
    let mut c = Conn::open(addr).await?;
    let admin = c.login("admin", ADMIN_PASSWORD).await?;
    let a = Some(&admin);
    let community =
        json!({"code": "lg01", "name": "压测社区", "org_type": "zhibu", "households": 0});
    c.expect(201, Method::POST, "/api/v1/communities", a, community, true)
        .await?;
    let meeting =
        json!({"title": "居民选举大会（压测）", "kind": "residents", "date": "2027-04-26"});
    let m = c
        .expect(
            201,
            Method::POST,
            "/api/v1/communities/lg01/meetings",
            a,
            meeting,
            true,
        )
        .await?["id"]
        .as_i64()
        .ok_or("meeting without id")?;
    let staff_path = format!("/api/v1/meetings/{m}/staff");
    let scrutineer = json!({"name": "监票人甲", "role": "scrutineer", "chief": true});
    let s = c
        .expect(201, Method::POST, &staff_path, a, scrutineer, true)
        .await?;
    let mut counter_accounts = Vec::new();
    for i in 0..args.counters {
        let body = json!({"name": format!("计票人{}", i + 1), "role": "counter", "table": i + 1});
        counter_accounts.push(
            c.expect(201, Method::POST, &staff_path, a, body, true)
                .await?,
        );
    }
    let candidates = candidate_names(args.candidates);
    let vote = json!({"title": "选举委员（压测）", "preset": "residents", "electorate": BOX,
        "double_entry": false,
        "posts": [{"post": "委员", "seats": args.seats, "candidates": candidates}]});
    let v = c
        .expect(
            201,
            Method::POST,
            &format!("/api/v1/meetings/{m}/votes"),
            a,
            vote,
            true,
        )
        .await?["id"]
        .as_i64()
        .ok_or("vote without id")?;
    let state_path = format!("/api/v1/votes/{v}/state");
    c.expect(
        200,
        Method::POST,
        &state_path,
        a,
        json!({"to": "voting", "present": BOX}),
        false,
    )
    .await?;
    let counting =
        json!({"to": "counting", "present": BOX, "ballots_issued": BOX, "ballots_collected": BOX});
    c.expect(200, Method::POST, &state_path, a, counting, false)
        .await?;
    let projector = match args.projectors_via {
        Via::Session => ProjectorAuth::Session(login_staff(&mut c, &s).await?),
        Via::Link => {
            let path = format!("/api/v1/votes/{v}/display-links");
            let link = c
                .expect(201, Method::POST, &path, a, json!({}), true)
                .await?;
            ProjectorAuth::Link(link["url"].as_str().ok_or("link without url")?.to_string())
        }
    };
    let mut counters = Vec::new();
    for account in &counter_accounts {
        counters.push(login_staff(&mut c, account).await?);
    }
    Ok(Room {
        vote: v,
        counters,
        projector,
        candidates,
    })
}

/// Logs in the account the staff route answered with.
async fn login_staff(c: &mut Conn, created: &Value) -> Res<Login> {
    let user = created["username"].as_str().ok_or("staff without login")?;
    let password = created["password"]
        .as_str()
        .ok_or("staff without password")?;
    c.login(user, password).await
}

// ---------------------------------------------------------------------------------------------
// Measurements shared by all tasks

/// A latency histogram in microseconds: exact below 1,024 µs, then 512 buckets per power of
/// two (under 0.2 % error), up to about an hour. Counts are atomics, so every task records
/// into the same one without a lock.
struct Histogram {
    buckets: Vec<AtomicU64>,
}

/// Sub-buckets per power of two, as a power of two.
const SUB_BITS: u32 = 9;

impl Histogram {
    fn new() -> Histogram {
        Histogram {
            buckets: (0..(24 << SUB_BITS) + 1024)
                .map(|_| AtomicU64::new(0))
                .collect(),
        }
    }

    fn index(us: u64) -> usize {
        let us = us.min((1 << 32) - 1);
        if us < 1 << (SUB_BITS + 1) {
            us as usize
        } else {
            let shift = 63 - us.leading_zeros() - SUB_BITS;
            ((shift as usize) << SUB_BITS) + (us >> shift) as usize
        }
    }

    /// The largest value that falls into bucket `i`.
    fn upper(i: usize) -> u64 {
        if i < 1 << (SUB_BITS + 1) {
            i as u64
        } else {
            let shift = (i >> SUB_BITS) as u32 - 1;
            let m = (i - ((shift as usize) << SUB_BITS)) as u64;
            ((m + 1) << shift) - 1
        }
    }

    fn record(&self, d: Duration) {
        let i = Self::index(d.as_micros() as u64);
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
    }

    fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    /// The value at quantile `q` (0–1), rounded up to its bucket's top; None when empty.
    fn quantile(&self, q: f64) -> Option<Duration> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            seen += b.load(Ordering::Relaxed);
            if seen >= rank {
                return Some(Duration::from_micros(Self::upper(i)));
            }
        }
        None
    }
}

/// One acknowledged entry: when its request was sent and when its 201 arrived.
#[derive(Clone, Copy, Debug)]
struct Ack {
    sent: Instant,
    acked: Instant,
}

/// Everything the tasks record.
struct Stats {
    /// Acknowledgments in the order they arrived: the k-th is `acks[k - 1]`.
    acks: Mutex<Vec<Ack>>,
    /// Send → 201 of each entry.
    entry: Histogram,
    /// 201 of the k-th entry → a projector first shows ≥ k ballots counted.
    ack_to_wall: Histogram,
    /// Send of the k-th acknowledged entry → a projector first shows ≥ k.
    send_to_wall: Histogram,
    /// Samples of `ack_to_wall` where the projector was ahead of the acknowledgment (kept as 0).
    wall_ahead: AtomicU64,
    /// Tally events and their bytes received by all projectors.
    events: AtomicU64,
    event_bytes: AtomicU64,
    /// Projectors that received their first event.
    projectors_ready: AtomicUsize,
    /// Failures by kind ("409", "transport: …").
    errors: Mutex<BTreeMap<String, u64>>,
}

impl Stats {
    fn new() -> Stats {
        Stats {
            acks: Mutex::new(Vec::with_capacity(1 << 16)),
            entry: Histogram::new(),
            ack_to_wall: Histogram::new(),
            send_to_wall: Histogram::new(),
            wall_ahead: AtomicU64::new(0),
            events: AtomicU64::new(0),
            event_bytes: AtomicU64::new(0),
            projectors_ready: AtomicUsize::new(0),
            errors: Mutex::new(BTreeMap::new()),
        }
    }

    fn error(&self, kind: String) {
        *lock(&self.errors).entry(kind).or_default() += 1;
    }

    fn ack(&self, a: Ack) {
        self.entry.record(a.acked - a.sent);
        lock(&self.acks).push(a);
    }

    /// A projector first showed ≥ k ballots at `seen` for each k in `ks`; entries whose
    /// acknowledgment has not arrived yet are returned to be settled later.
    fn shown(
        &self,
        ks: std::ops::RangeInclusive<u64>,
        seen: Instant,
        pending: &mut Vec<(u64, Instant)>,
    ) {
        let acks = lock(&self.acks);
        for k in ks {
            match acks.get(k as usize - 1) {
                Some(a) => self.wall_sample(*a, seen),
                None => pending.push((k, seen)),
            }
        }
    }

    /// Settles samples that arrived before their acknowledgment (or never got one).
    fn settle(&self, pending: &[(u64, Instant)]) {
        let acks = lock(&self.acks);
        for &(k, seen) in pending {
            if let Some(a) = acks.get(k as usize - 1) {
                self.wall_sample(*a, seen);
            }
        }
    }

    fn wall_sample(&self, a: Ack, seen: Instant) {
        if seen < a.acked {
            self.wall_ahead.fetch_add(1, Ordering::Relaxed);
        }
        self.ack_to_wall
            .record(seen.saturating_duration_since(a.acked));
        self.send_to_wall
            .record(seen.saturating_duration_since(a.sent));
    }
}

/// Locks a mutex, ignoring poisoning (a panicked task must not hide the figures).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Counters

/// A small deterministic random generator (xorshift64*), seeded per counter.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random ballot: mostly up to `seats` names marked 赞成 and now and then one 反对; 2 %
/// declared invalid.
fn random_ballot(rng: &mut Rng, candidates: &[String], seats: u64) -> Value {
    if rng.below(100) < 2 {
        return json!({"invalid": true, "reason": "字迹无法辨认"});
    }
    let mut order: Vec<&String> = candidates.iter().collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let n_for = (seats - rng.below(2).min(seats)) as usize;
    let (chosen, rest) = order.split_at(n_for.min(order.len()));
    let against: Vec<&String> = rest.iter().take(rng.below(2) as usize).copied().collect();
    json!({"marks": {"委员": {"for": chosen, "against": against}}})
}

/// One counter: enters ballots one after the other until told to stop.
async fn counter(
    n: usize,
    addr: SocketAddr,
    login: Login,
    room: Arc<RoomInfo>,
    stats: Arc<Stats>,
    mut stop: watch::Receiver<bool>,
) {
    let mut rng =
        Rng(0x9e37_79b9_7f4a_7c15 ^ ((n as u64 + 1) << 32) ^ rand::random::<u32>() as u64);
    let path = format!("/api/v1/votes/{}/ballots", room.vote);
    let mut conn = None;
    let mut i = 0u64;
    while !*stop.borrow_and_update() {
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match Conn::open(addr).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    stats.error(format!("transport: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        i += 1;
        let body = json!({"client_id": format!("lg-{n}-{i}"),
            "ballot": random_ballot(&mut rng, &room.candidates, room.seats)});
        let sent = Instant::now();
        match c
            .call(Method::POST, &path, Some(&login), Some(&body), true)
            .await
        {
            Ok((StatusCode::CREATED, _, _)) => stats.ack(Ack {
                sent,
                acked: Instant::now(),
            }),
            Ok((status, v, _)) => {
                let code = v["error"]["code"].as_str().unwrap_or("");
                stats.error(format!("{} {code}", status.as_u16()));
            }
            Err(e) => {
                stats.error(format!("transport: {e}"));
                conn = None;
            }
        }
    }
}

/// The parts of the room every counter task reads.
struct RoomInfo {
    vote: i64,
    seats: u64,
    candidates: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Projectors

/// The request that opens a projector's event stream (the one place to change for display links).
fn subscribe_request(conn: &Conn, vote: i64, auth: &ProjectorAuth) -> Res<Request<Full<Bytes>>> {
    let b = match auth {
        ProjectorAuth::Link(url) => conn.request(Method::GET, &format!("{url}/events"), None),
        ProjectorAuth::Session(login) => {
            let path = format!("/api/v1/votes/{vote}/events");
            conn.request(Method::GET, &path, Some(login))
        }
    };
    b.header(header::ACCEPT, "text/event-stream")
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())
}

/// Server-sent events, split from the byte stream: only `event:` and `data:` lines matter.
#[derive(Default)]
struct SseParser {
    buf: Vec<u8>,
    event: String,
    data: String,
}

impl SseParser {
    /// Feeds a chunk; returns the (event name, data) of every event it completes.
    fn feed(&mut self, chunk: &[u8]) -> Vec<(String, String)> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(nl) = self.buf[start..].iter().position(|&b| b == b'\n') {
            let line = &self.buf[start..start + nl];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = String::from_utf8_lossy(line).into_owned();
            start += nl + 1;
            if line.is_empty() {
                if !self.data.is_empty() || !self.event.is_empty() {
                    let event = std::mem::take(&mut self.event);
                    out.push((event, std::mem::take(&mut self.data)));
                }
            } else if let Some(v) = line.strip_prefix("event:") {
                self.event = v.trim_start().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                if !self.data.is_empty() {
                    self.data.push('\n');
                }
                self.data.push_str(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        self.buf.drain(..start);
        out
    }
}

/// `ballots.counted` of a result document, read without parsing the whole document (500
/// projectors parsing every event would take CPU from the server on the same cores). The
/// first event of each projector is checked against a full parse.
fn counted_fast(data: &str) -> Option<u64> {
    let at = data.find("\"counted\":")? + "\"counted\":".len();
    let digits: String = data[at..]
        .chars()
        .skip_while(|c| c.is_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn counted_full(data: &str) -> Option<u64> {
    serde_json::from_str::<Value>(data).ok()?["ballots"]["counted"].as_u64()
}

/// One projector: holds the event stream, notes when each count first shows, until `stop`.
/// `seen` publishes the highest count shown so far (for the catch-up wait).
async fn projector(
    addr: SocketAddr,
    room: Arc<ProjectorRoom>,
    stats: Arc<Stats>,
    seen: Arc<AtomicU64>,
    gate: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) {
    let permit = gate.acquire_owned().await;
    // The connection is kept with the body, so the stream lives until this task ends.
    let (_conn, mut body) = match open_stream(addr, &room).await {
        Ok(b) => b,
        Err(e) => {
            stats.error(format!("projector: {e}"));
            return;
        }
    };
    let mut permit = Some(permit);
    let mut parser = SseParser::default();
    let mut full_parse = false;
    let mut shown = 0u64;
    let mut pending = Vec::new();
    loop {
        let frame = tokio::select! {
            f = body.frame() => f,
            _ = stop.changed() => break,
        };
        let chunk = match frame {
            Some(Ok(f)) => match f.into_data() {
                Ok(d) => d,
                Err(_) => continue,
            },
            Some(Err(e)) => {
                stats.error(format!("projector stream: {e}"));
                break;
            }
            None => {
                stats.error("projector stream ended".into());
                break;
            }
        };
        let now = Instant::now();
        for (event, data) in parser.feed(&chunk) {
            if event != "tally" {
                continue;
            }
            stats.events.fetch_add(1, Ordering::Relaxed);
            stats
                .event_bytes
                .fetch_add(data.len() as u64, Ordering::Relaxed);
            if permit.take().is_some() {
                // First event: check the quick reading, then let the next projector connect.
                full_parse = counted_fast(&data) != counted_full(&data);
                stats.projectors_ready.fetch_add(1, Ordering::Relaxed);
            }
            let counted = if full_parse {
                counted_full(&data)
            } else {
                counted_fast(&data)
            };
            let Some(c) = counted else { continue };
            if c > shown {
                stats.shown(shown + 1..=c, now, &mut pending);
                shown = c;
                seen.store(c, Ordering::Relaxed);
            }
        }
    }
    stats.settle(&pending);
}

/// What projector tasks read.
struct ProjectorRoom {
    vote: i64,
    auth: ProjectorAuth,
}

async fn open_stream(addr: SocketAddr, room: &ProjectorRoom) -> Res<(Conn, Incoming)> {
    let mut conn = Conn::open(addr).await?;
    let req = subscribe_request(&conn, room.vote, &room.auth)?;
    let resp = conn.send(req).await?;
    if resp.status() != StatusCode::OK {
        return Err(format!("events answered {}", resp.status()));
    }
    Ok((conn, resp.into_body()))
}

// ---------------------------------------------------------------------------------------------
// The load phase

/// Connects the projectors, runs the counters for the set time, waits for the projectors to
/// catch up, and gathers the figures.
async fn load(addr: SocketAddr, args: &Args, room: &Room, server_pid: u32) -> Report {
    let stats = Arc::new(Stats::new());
    let (stop_projectors, projectors_rx) = watch::channel(false);
    let (seen, projectors) = start_projectors(addr, args, room, &stats, projectors_rx);
    let connected = wait_connected(&stats, &projectors, args.projectors).await;

    let (stop_counters, counters_rx) = watch::channel(false);
    let info = Arc::new(RoomInfo {
        vote: room.vote,
        seats: args.seats,
        candidates: room.candidates.clone(),
    });
    let server = server_pid.to_string();
    let cpu_before = (cpu_seconds(&server), cpu_seconds("self"));
    let started = Instant::now();
    let counters: Vec<_> = room
        .counters
        .iter()
        .enumerate()
        .map(|(n, login)| {
            let task = counter(
                n,
                addr,
                login.clone(),
                info.clone(),
                stats.clone(),
                counters_rx.clone(),
            );
            tokio::spawn(task)
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    let deadline = Instant::now();
    let _ = stop_counters.send(true);
    // Each counter finishes its request in flight (bounded by REQUEST_TIMEOUT) and stops.
    for c in counters {
        let _ = c.await;
    }
    let cpu_after = (cpu_seconds(&server), cpu_seconds("self"));
    let (total, last_ack) = {
        let acks = lock(&stats.acks);
        (acks.len() as u64, acks.last().map(|a| a.acked))
    };
    let catch_up = wait_caught_up(&seen, total, last_ack).await;
    let _ = stop_projectors.send(true);
    for p in projectors {
        let _ = p.await;
    }
    let (acked, per_second) = {
        let acks = lock(&stats.acks);
        let in_window: Vec<&Ack> = acks.iter().filter(|a| a.acked <= deadline).collect();
        let last = args.seconds.max(1) as usize - 1;
        let mut per_second = vec![0u64; last + 1];
        for a in &in_window {
            per_second[((a.acked - started).as_secs() as usize).min(last)] += 1;
        }
        (in_window.len() as u64, per_second)
    };
    Report {
        window: deadline - started,
        acked,
        per_second,
        acked_total: total,
        projectors_connected: connected,
        catch_up,
        server_cpu: delta(cpu_before.0, cpu_after.0),
        loadgen_cpu: delta(cpu_before.1, cpu_after.1),
        stats,
        ..Report::default()
    }
}

/// Spawns the projector tasks; returns each one's highest count shown, and the tasks.
fn start_projectors(
    addr: SocketAddr,
    args: &Args,
    room: &Room,
    stats: &Arc<Stats>,
    stop: watch::Receiver<bool>,
) -> (Vec<Arc<AtomicU64>>, Vec<tokio::task::JoinHandle<()>>) {
    let gate = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let proom = Arc::new(ProjectorRoom {
        vote: room.vote,
        auth: room.projector.clone(),
    });
    (0..args.projectors)
        .map(|_| {
            let seen = Arc::new(AtomicU64::new(0));
            let task = projector(
                addr,
                proom.clone(),
                stats.clone(),
                seen.clone(),
                gate.clone(),
                stop.clone(),
            );
            (seen, tokio::spawn(task))
        })
        .unzip()
}

fn delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

/// Waits until every projector got its first event (or failed), at most 60 s.
async fn wait_connected(
    stats: &Stats,
    tasks: &[tokio::task::JoinHandle<()>],
    want: usize,
) -> usize {
    let started = Instant::now();
    loop {
        let ready = stats.projectors_ready.load(Ordering::Relaxed);
        let failed = tasks.iter().filter(|t| t.is_finished()).count();
        if ready + failed >= want || started.elapsed() > Duration::from_secs(60) {
            return ready;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How the projectors caught up with the last acknowledged entry.
#[derive(Clone, Copy, Debug, Default)]
struct CatchUp {
    /// Projectors showing the final count.
    caught_up: usize,
    /// From the last acknowledgment until the last of them showed it.
    after_last_ack: Option<Duration>,
}

/// Waits (bounded) until every projector shows `total` ballots counted.
async fn wait_caught_up(seen: &[Arc<AtomicU64>], total: u64, last_ack: Option<Instant>) -> CatchUp {
    let started = Instant::now();
    loop {
        let caught_up = seen
            .iter()
            .filter(|s| s.load(Ordering::Relaxed) >= total)
            .count();
        let now = Instant::now();
        if caught_up == seen.len() {
            return CatchUp {
                caught_up,
                after_last_ack: last_ack.map(|a| now.saturating_duration_since(a)),
            };
        }
        if started.elapsed() > CATCH_UP_TIMEOUT {
            return CatchUp {
                caught_up,
                after_last_ack: None,
            };
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// The bare ceiling

/// Rows per group commit in the comparison loop.
const GROUP: u64 = 16;

/// Durable SQLite commit rates on the disk the server uses.
#[derive(Clone, Copy, Debug, Default)]
struct Bare {
    /// Single-row commits per second: the ceiling every handler shares.
    commits: f64,
    /// Rows per second when [`GROUP`] rows share one commit (what group commit could reach).
    grouped_rows: f64,
}

/// Runs the bare loops: single-row commits for `seconds`, then grouped ones for a third of it.
async fn bare_rates(dir: &Path, seconds: f64) -> Res<Bare> {
    Ok(Bare {
        commits: bare_loop(&dir.join("bare-1.db"), seconds, 1).await?,
        grouped_rows: bare_loop(&dir.join("bare-n.db"), (seconds / 3.0).max(0.3), GROUP).await?,
    })
}

/// Rows per second inserted into a fresh SQLite file with the server's settings (WAL,
/// synchronous=FULL, `BEGIN IMMEDIATE`), `rows` inserts per transaction, for `seconds`.
async fn bare_loop(file: &Path, seconds: f64, rows: u64) -> Res<f64> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sqlx::{ConnectOptions, Connection};
    let fail = |e: sqlx::Error| format!("bare SQLite: {e}");
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .map_err(fail)?;
    sqlx::query(
        "create table t (id integer primary key, body text not null, created_at text not null)",
    )
    .execute(&mut conn)
    .await
    .map_err(fail)?;
    let body = r#"{"marks":{"委员":{"against":["李三"],"for":["丁一","王二","张四","赵五"]}}}"#;
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed().as_secs_f64() < seconds {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(fail)?;
        for _ in 0..rows {
            sqlx::query("insert into t (body, created_at) values ($1, $2)")
                .bind(body)
                .bind(format!("{:?}", std::time::SystemTime::now()))
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)?;
        n += rows;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

// ---------------------------------------------------------------------------------------------
// The report

/// The figures of one run.
struct Report {
    binary: PathBuf,
    window: Duration,
    /// 201s received within the window.
    acked: u64,
    /// 201s received in each second of the window.
    per_second: Vec<u64>,
    /// 201s received in all (in-flight requests finish after the window).
    acked_total: u64,
    projectors_connected: usize,
    catch_up: CatchUp,
    server_cpu: Option<f64>,
    loadgen_cpu: Option<f64>,
    peak_rss_kb: Option<u64>,
    /// Resident and peak resident size after set-up, before the projectors connect.
    rss_before_load_kb: (Option<u64>, Option<u64>),
    /// Resident size once the server answered, before set-up.
    rss_at_start_kb: Option<u64>,
    bare: Bare,
    server_log: (usize, Vec<String>),
    stats: Arc<Stats>,
}

impl Default for Report {
    fn default() -> Self {
        Report {
            binary: PathBuf::new(),
            window: Duration::ZERO,
            acked: 0,
            per_second: Vec::new(),
            acked_total: 0,
            projectors_connected: 0,
            catch_up: CatchUp::default(),
            server_cpu: None,
            loadgen_cpu: None,
            peak_rss_kb: None,
            rss_before_load_kb: (None, None),
            rss_at_start_kb: None,
            bare: Bare::default(),
            server_log: (0, Vec::new()),
            stats: Arc::new(Stats::new()),
        }
    }
}

fn ms(d: Option<Duration>) -> String {
    d.map(|d| format!("{:.1} ms", d.as_secs_f64() * 1000.0))
        .unwrap_or_else(|| "–".into())
}

impl Report {
    fn rate(&self) -> f64 {
        self.acked as f64 / self.window.as_secs_f64().max(1e-9)
    }

    fn print(&self, args: &Args) {
        let s = &self.stats;
        let rate = self.rate();
        let share = 100.0 * rate / self.bare.commits.max(1e-9);
        println!();
        println!(
            "== loadgen: {} counters, {} projectors (via {:?}), {} s, {} candidates / {} seats{}",
            args.counters,
            args.projectors,
            args.projectors_via,
            args.seconds,
            args.candidates,
            args.seats,
            if args.smoke { " (smoke)" } else { "" }
        );
        println!("server binary          {}", self.binary.display());
        println!(
            "entries                {} acknowledged (201) in {:.2} s = {:.0} entries/s ({} in all, with the requests in flight at the end)",
            self.acked,
            self.window.as_secs_f64(),
            rate,
            self.acked_total
        );
        let seconds: Vec<String> = self.per_second.iter().map(u64::to_string).collect();
        println!("entries second by second {}", seconds.join(" "));
        println!(
            "entry latency          p50 {}  p99 {}  max {}",
            ms(s.entry.quantile(0.5)),
            ms(s.entry.quantile(0.99)),
            ms(s.entry.quantile(1.0))
        );
        self.print_wall();
        println!(
            "projectors             {} of {} connected; {} tally events, {:.1} MB of event data",
            self.projectors_connected,
            args.projectors,
            s.events.load(Ordering::Relaxed),
            s.event_bytes.load(Ordering::Relaxed) as f64 / 1e6
        );
        self.print_errors();
        println!(
            "server peak RSS        {} (VmHWM); resident at start {}, after set-up {} (peak {})",
            mb(self.peak_rss_kb),
            mb(self.rss_at_start_kb),
            mb(self.rss_before_load_kb.0),
            mb(self.rss_before_load_kb.1)
        );
        println!(
            "CPU during the window  server {} s, loadgen {} s (of {:.1} s on {} cores)",
            fmt_opt(self.server_cpu),
            fmt_opt(self.loadgen_cpu),
            self.window.as_secs_f64() * cores() as f64,
            cores()
        );
        println!(
            "bare SQLite ceiling    {:.0} commits/s (WAL, synchronous=FULL, one insert per transaction, {} s)",
            self.bare.commits, args.bare_seconds
        );
        println!(
            "  for comparison       {:.0} rows/s with {GROUP} inserts per commit (group commit)",
            self.bare.grouped_rows
        );
        println!("entries / ceiling      {share:.1} %");
        println!(
            "server log             {} lines at warn level or above",
            self.server_log.0
        );
        for line in &self.server_log.1 {
            println!("                       {line}");
        }
        self.print_aims(rate, share);
    }

    fn print_wall(&self) {
        let s = &self.stats;
        let samples = s.ack_to_wall.count();
        let ahead = s.wall_ahead.load(Ordering::Relaxed);
        println!(
            "ack → projector        p50 {}  p99 {}  max {}  ({} samples; {:.1} % shown before the 201 arrived, counted as 0)",
            ms(s.ack_to_wall.quantile(0.5)),
            ms(s.ack_to_wall.quantile(0.99)),
            ms(s.ack_to_wall.quantile(1.0)),
            samples,
            100.0 * ahead as f64 / samples.max(1) as f64
        );
        println!(
            "send → projector       p50 {}  p99 {}  max {}",
            ms(s.send_to_wall.quantile(0.5)),
            ms(s.send_to_wall.quantile(0.99)),
            ms(s.send_to_wall.quantile(1.0))
        );
        println!(
            "catch-up               {} of {} projectors showed the final count {}",
            self.catch_up.caught_up,
            self.projectors_connected,
            match self.catch_up.after_last_ack {
                Some(d) => format!("{} after the last 201", ms(Some(d))),
                None => format!("(not all within {} s)", CATCH_UP_TIMEOUT.as_secs()),
            }
        );
    }

    fn print_errors(&self) {
        let errors = lock(&self.stats.errors);
        if errors.is_empty() {
            println!("errors                 none");
        } else {
            let list: Vec<String> = errors.iter().map(|(k, n)| format!("{k}: {n}")).collect();
            println!("errors                 {}", list.join("; "));
        }
    }

    fn print_aims(&self, rate: f64, share: f64) {
        let p99 = self.stats.ack_to_wall.quantile(0.99);
        let yes = |b: bool| if b { "met" } else { "NOT met" };
        println!(
            "aims (not gates)       ≥ 5000 entries/s: {}; ≥ 40 % of ceiling: {}; p99 ack → projector ≤ 100 ms: {}; peak RSS ≤ 150 MB: {}",
            yes(rate >= 5000.0),
            yes(share >= 40.0),
            match p99 {
                Some(d) => yes(d <= Duration::from_millis(100)),
                None => "n/a",
            },
            yes(self.peak_rss_kb.is_some_and(|kb| kb <= 150 * 1024)),
        );
    }
}

fn mb(kb: Option<u64>) -> String {
    kb.map(|kb| format!("{:.1} MB", kb as f64 / 1024.0))
        .unwrap_or_else(|| "?".into())
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "?".into())
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_contiguous_and_bound_their_values() {
        for v in [
            0u64, 1, 1023, 1024, 1025, 2047, 2048, 4095, 123_456, 9_999_999,
        ] {
            let i = Histogram::index(v);
            assert!(Histogram::upper(i) >= v, "{v}");
            assert!(i == 0 || Histogram::upper(i - 1) < v, "{v}");
        }
    }

    #[test]
    fn sse_parser_joins_split_chunks() {
        let mut p = SseParser::default();
        assert!(
            p.feed(b"event: tally\r\ndata: {\"ballots\":{\"coun")
                .is_empty()
        );
        let out = p.feed(b"ted\":3}}\n\n: keep-alive\n\n");
        assert_eq!(
            out,
            vec![(
                "tally".to_string(),
                "{\"ballots\":{\"counted\":3}}".to_string()
            )]
        );
        assert_eq!(counted_fast(&out[0].1), Some(3));
    }
}
