//! The `huanjie serve` child processes: finding the binary, starting each on a free loopback
//! port with a given database, waiting until it answers, reading its memory and CPU from
//! `/proc`, and killing it on every path out.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hyper::Method;

use crate::Res;
use crate::conn::Conn;

/// Password given to the server for its first `admin` account.
pub const ADMIN_PASSWORD: &str = "Qiao-shu-lan-2027-load";
/// Longest wait for the server to answer after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// USER_HZ: the unit of utime/stime in /proc/<pid>/stat on Linux.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

/// The `huanjie` binary to start: `--server PATH`, else the one next to this executable (in a
/// workspace build both land in the same target directory).
pub fn server_binary(explicit: Option<&Path>) -> Res<PathBuf> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => std::env::current_exe()
            .map_err(|e| format!("cannot find this executable: {e}"))?
            .with_file_name(format!("huanjie{}", std::env::consts::EXE_SUFFIX)),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "no server binary at {}: build both first with \
             `cargo build --release -p huanjie -p loadgen` (or without --release for a debug \
             run), or pass --server PATH",
            path.display()
        ))
    }
}

/// A temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Res<TempDir> {
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

/// One running server; killed (and reaped) when dropped, whatever happened.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// Starts the server on a free loopback port with `database_url`, its working directory and
    /// log (`log_name`) in `dir`, and waits until it answers HTTP.
    pub async fn start(
        binary: &Path,
        dir: &Path,
        database_url: &str,
        log_name: &str,
    ) -> Res<Server> {
        let addr = free_port()?;
        let log = dir.join(log_name);
        let out = std::fs::File::create(&log).map_err(|e| format!("server log: {e}"))?;
        let err = out.try_clone().map_err(|e| format!("server log: {e}"))?;
        let child = Command::new(binary)
            .arg("serve")
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
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

    /// Kills the server at once (`SIGKILL`: no shutdown, no flush) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
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
    pub fn with_log(&self, msg: String) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("{msg}\n--- end of server log ---\n{}", tail.join("\n"))
    }

    /// What the server logged after its start-up lines (RUST_LOG=warn: warnings and errors),
    /// as the number of lines and the first few.
    pub fn log_excerpt(&self) -> (usize, Vec<String>) {
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
pub fn vm_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) a process has used so far, in seconds (`pid` may be `self`).
pub fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / CLOCK_TICKS_PER_SECOND)
}

/// CPU cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// CPU seconds used so far by each PostgreSQL backend serving `database` (a backend's process
/// title names its database), by pid. The cluster's shared processes (WAL writer,
/// checkpointer) are not counted.
pub fn postgres_cpu(database: &str) -> std::collections::HashMap<u32, f64> {
    let mut out = std::collections::HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd);
        if cmd.starts_with("postgres:")
            && cmd.split_whitespace().any(|w| w == database)
            && let Some(c) = cpu_seconds(&pid.to_string())
        {
            out.insert(pid, c);
        }
    }
    out
}
