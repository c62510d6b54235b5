//! Load driver for the counting room (a developer tool, not a test); the binary `loadgen` is
//! [`cli`], and the durability test of the server's group commit uses the same parts.
//!
//! Starts the real `huanjie` server (the binary next to this one) as child processes on a
//! temporary SQLite file, or on a fresh PostgreSQL database (`--database`, one or more
//! `--instances`), on free loopback ports; sets up one residents' meeting and vote per
//! community through the JSON API; then runs the counters (closed-loop ballot entry) and the
//! projectors (server-sent event subscribers) for `--seconds`, and prints entries per second,
//! entry latency, the delay until projectors show an entry, the servers' peak memory and the
//! bare durable commit ceiling measured in the same run. Build both binaries first:
//!
//! ```sh
//! cargo build --release -p huanjie -p loadgen
//! target/release/loadgen --counters 16 --projectors 500 --seconds 10
//! ```
//!
//! Method and figures are explained in `docs/PERFORMANCE.md`. All traffic stays on loopback.
//!
//! Files: `server` (child processes), `database` (the PostgreSQL load database), `conn` (HTTP
//! client), `setup` (accounts, meetings, votes), `counters`, `events` (projectors and SSE
//! parsing), `stats` and `histogram` (what is recorded), `load` (the load phase), `bare` (the
//! bare commit ceiling), `report`.

/// The argument parser's trait, so a caller can build [`Args`] from words.
pub use clap::Parser;

pub mod bare;
pub mod conn;
pub mod counters;
pub mod database;
pub mod events;
pub mod histogram;
pub mod load;
pub mod report;
pub mod server;
pub mod setup;
pub mod stats;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::bare::Bare;
use crate::database::LoadDb;
use crate::report::{Instance, Report};
use crate::server::{Server, TempDir, server_binary, vm_kb};
use crate::setup::{Plan, Via, set_up};

/// Errors are messages for the person running the tool.
pub type Res<T> = Result<T, String>;

/// Drives the counting room of a real server with many counters and projectors.
#[derive(clap::Parser, Debug, Clone)]
#[command(name = "loadgen", about, long_about = None)]
pub struct Args {
    /// Counters entering ballots, each in a closed loop on its own session (in all; see
    /// --counters-per-community).
    #[arg(long, default_value_t = 16)]
    counters: usize,
    /// Projectors, each holding one event stream of its vote (in all, spread over the
    /// communities and instances).
    #[arg(long, default_value_t = 500)]
    projectors: usize,
    /// Length of the measured run.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
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
    /// Length of the bare commit loop (the 16-row loop runs a third of it).
    #[arg(long, default_value_t = 3.0)]
    bare_seconds: f64,
    /// The server binary (default: `huanjie` next to this executable).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Run on PostgreSQL: a loopback server's URL (e.g.
    /// postgres://postgres@127.0.0.1:5432/postgres). A database `huanjie_load_<random>` is
    /// created there for the run and dropped at the end.
    #[arg(long)]
    database: Option<String>,
    /// Server instances on the one PostgreSQL database (needs --database); counters and
    /// projectors are spread over them round robin.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=8))]
    instances: u64,
    /// Communities counting at once, each with its own meeting and vote.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100))]
    communities: u64,
    /// Counters per community (default: --counters divided among the communities, at least
    /// one each).
    #[arg(long)]
    counters_per_community: Option<usize>,
    /// A tiny run (2 counters, 5 projectors, 2 seconds) that fails only if the server did not
    /// start or nothing at all was entered.
    #[arg(long)]
    smoke: bool,
}

/// The `loadgen` command: runs the load the arguments describe and prints the report. Exit
/// code 2 for arguments that make no run, 1 for a failed run.
pub async fn cli(mut args: Args) -> ExitCode {
    if args.smoke {
        args.counters = 2;
        args.projectors = 5;
        args.seconds = 2;
        args.bare_seconds = 0.5;
    }
    let plan = match plan_of(&args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args, &plan).await {
        Ok(report) => {
            report.print(&args);
            if report.acked_in_window() == 0 {
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

/// The run's layout from the arguments, or why they do not make one.
pub fn plan_of(args: &Args) -> Res<Plan> {
    let communities = args.communities as usize;
    let per = args
        .counters_per_community
        .unwrap_or((args.counters / communities).max(1));
    if per == 0 || args.seats == 0 || args.seats > args.candidates {
        return Err("need at least one counter and 1 ≤ seats ≤ candidates".into());
    }
    if args.instances > 1 && args.database.is_none() {
        return Err(
            "--instances above 1 needs --database postgres://… (one SQLite file \
                    serves one instance)"
                .into(),
        );
    }
    if !(args.bare_seconds > 0.0 && args.bare_seconds <= 600.0) {
        return Err("--bare-seconds must be above 0 and at most 600".into());
    }
    Ok(Plan {
        communities,
        counters_per_community: per,
        projectors: args.projectors,
        instances: args.instances as usize,
    })
}

/// The whole run. On SQLite: bare ceiling, server, measurements, in a temporary directory. On
/// PostgreSQL the same in a load database created first and dropped last, also when the run
/// fails, panics or is interrupted (Ctrl-C). The servers and the temporary directory are
/// cleaned up by their guards on every path.
async fn run(args: &Args, plan: &Plan) -> Res<Report> {
    let binary = server_binary(args.server.as_deref())?;
    let dir = TempDir::new()?;
    let Some(admin_url) = &args.database else {
        let bare = bare::sqlite(&dir.0, args.bare_seconds).await?;
        let url = format!("sqlite:{}", dir.0.join("huanjie.db").display());
        return measure(args, plan, &binary, &dir.0, &url, bare, None).await;
    };
    let db = LoadDb::create(admin_url).await?;
    println!("loadgen: load database {}", db.name);
    let (a, p, b, d, url, name) = (
        args.clone(),
        plan.clone(),
        binary.clone(),
        dir.0.clone(),
        db.url.clone(),
        db.name.clone(),
    );
    let mut task = tokio::spawn(async move {
        let bare = bare::postgres(&url, a.bare_seconds).await?;
        measure(&a, &p, &b, &d, &url, bare, Some(&name)).await
    });
    let result = tokio::select! {
        r = &mut task => r.unwrap_or_else(|e| Err(format!("the run panicked: {e}"))),
        _ = tokio::signal::ctrl_c() => {
            task.abort();
            let _ = task.await;
            Err("interrupted".into())
        }
    };
    let name = db.name.clone();
    match db.remove().await {
        Ok(()) => println!("loadgen: dropped the load database {name}"),
        Err(e) => eprintln!("loadgen: {e}"),
    }
    result
}

/// Starts the instances on `url` one after the other (the first runs the migrations), sets up
/// the rooms, runs the load and gathers the report; the servers are stopped on return.
/// `pg_database` names the PostgreSQL load database (None: SQLite).
async fn measure(
    args: &Args,
    plan: &Plan,
    binary: &Path,
    dir: &Path,
    url: &str,
    bare: Bare,
    pg_database: Option<&str>,
) -> Res<Report> {
    let mut servers: Vec<Server> = Vec::new();
    for i in 0..plan.instances {
        let log = if plan.instances == 1 {
            "server.log".to_string()
        } else {
            format!("server-{}.log", i + 1)
        };
        let server = Server::start(binary, dir, url, &log).await?;
        println!(
            "loadgen: server {} (pid {}) on http://{}/",
            binary.display(),
            server.pid(),
            server.addr
        );
        servers.push(server);
    }
    let pids: Vec<u32> = servers.iter().map(Server::pid).collect();
    let addrs: Vec<SocketAddr> = servers.iter().map(|s| s.addr).collect();
    let at_start: Vec<Option<u64>> = pids.iter().map(|&p| vm_kb(p, "VmRSS")).collect();
    let rooms = set_up(&addrs, args, plan)
        .await
        .map_err(|e| servers[0].with_log(format!("set-up failed: {e}")))?;
    let before_load: Vec<_> = pids
        .iter()
        .map(|&p| (vm_kb(p, "VmRSS"), vm_kb(p, "VmHWM")))
        .collect();
    let load = load::load(&addrs, &pids, args, plan, &rooms, pg_database).await;
    let instances = servers
        .iter()
        .enumerate()
        .map(|(i, s)| Instance {
            pid: s.pid(),
            addr: s.addr.to_string(),
            rss_at_start_kb: at_start[i],
            rss_before_load_kb: before_load[i],
            peak_rss_kb: vm_kb(s.pid(), "VmHWM"),
            log: s.log_excerpt(),
        })
        .collect();
    Ok(Report {
        binary: binary.to_path_buf(),
        backend: if pg_database.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        plan: plan.clone(),
        bare,
        load,
        instances,
    })
}
