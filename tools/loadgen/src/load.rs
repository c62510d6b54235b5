//! The load phase: connects the projectors (spread over the instances and communities), runs
//! the counters for the set time, waits for the projectors to catch up, and gathers the
//! figures.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::Args;
use crate::counters::{RoomInfo, counter};
use crate::events::{ProjectorRoom, projector};
use crate::server::{cpu_seconds, postgres_cpu};
use crate::setup::{Plan, Room};
use crate::stats::Board;

/// Longest wait for all projectors to show the final count after the last entry.
pub const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for every projector's first event before the window opens.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Projectors connecting at the same time while the room is set up.
const CONNECT_CONCURRENCY: usize = 32;

/// How the projectors caught up with the last acknowledged entry.
#[derive(Clone, Copy, Debug, Default)]
pub struct CatchUp {
    /// Projectors showing their vote's final count.
    pub caught_up: usize,
    /// From the last acknowledgment until the last of them showed it.
    pub after_last_ack: Option<Duration>,
}

/// What the load phase measured.
pub struct Load {
    pub board: Board,
    pub started: Instant,
    pub deadline: Instant,
    /// 201s received in all (in-flight requests finish after the window).
    pub acked_total: u64,
    pub catch_up: CatchUp,
    /// CPU seconds of each server instance during the window.
    pub server_cpu: Vec<Option<f64>>,
    pub loadgen_cpu: Option<f64>,
    /// CPU seconds of the PostgreSQL backends serving the load database during the window
    /// (backends that ended within it are missed).
    pub postgres_cpu: Option<f64>,
}

impl Load {
    pub fn window(&self) -> Duration {
        self.deadline - self.started
    }
}

/// A projector task and what it shows.
struct Wall {
    community: usize,
    seen: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

/// Runs the load on the servers at `addrs` (processes `pids`) with the rooms set up;
/// `pg_database` names the PostgreSQL load database, if any.
pub async fn load(
    addrs: &[SocketAddr],
    pids: &[u32],
    args: &Args,
    plan: &Plan,
    rooms: &[Room],
    pg_database: Option<&str>,
) -> Load {
    let board = Board::new(plan);
    let (stop_projectors, projectors_rx) = watch::channel(false);
    let walls = start_projectors(addrs, plan, rooms, &board, projectors_rx);
    wait_connected(&board, &walls).await;

    let (stop_counters, counters_rx) = watch::channel(false);
    let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
    let cpu = || {
        let servers: Vec<Option<f64>> = pids.iter().map(|p| cpu_seconds(p)).collect();
        (servers, cpu_seconds("self"))
    };
    let pg_cpu = || pg_database.map(postgres_cpu).unwrap_or_default();
    let pg_before = pg_cpu();
    let cpu_before = cpu();
    let started = Instant::now();
    let mut counters = Vec::new();
    for (c, room) in rooms.iter().enumerate() {
        let info = Arc::new(RoomInfo {
            vote: room.vote,
            seats: args.seats,
            candidates: room.candidates.clone(),
        });
        for (j, (instance, login)) in room.counters.iter().enumerate() {
            counters.push(tokio::spawn(counter(
                c * plan.counters_per_community + j,
                addrs[*instance],
                login.clone(),
                info.clone(),
                board.votes[c].clone(),
                board.sinks(*instance, c),
                counters_rx.clone(),
            )));
        }
    }
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    let deadline = Instant::now();
    let _ = stop_counters.send(true);
    // Each counter finishes its request in flight (bounded by the request timeout) and stops.
    for c in counters {
        let _ = c.await;
    }
    let cpu_after = cpu();
    let pg_after = pg_cpu();
    let postgres_cpu = pg_database.map(|_| {
        pg_after
            .iter()
            .map(|(pid, after)| after - pg_before.get(pid).copied().unwrap_or(0.0))
            .sum()
    });
    let totals: Vec<(u64, Option<Instant>)> = board.votes.iter().map(|v| v.total()).collect();
    let catch_up = wait_caught_up(&walls, &totals).await;
    let _ = stop_projectors.send(true);
    for w in walls {
        let _ = w.task.await;
    }
    Load {
        board,
        started,
        deadline,
        acked_total: totals.iter().map(|t| t.0).sum(),
        catch_up,
        server_cpu: cpu_before
            .0
            .iter()
            .zip(&cpu_after.0)
            .map(|(a, b)| delta(*a, *b))
            .collect(),
        loadgen_cpu: delta(cpu_before.1, cpu_after.1),
        postgres_cpu,
    }
}

/// Spawns the projector tasks, round robin over the instances and the communities.
fn start_projectors(
    addrs: &[SocketAddr],
    plan: &Plan,
    rooms: &[Room],
    board: &Board,
    stop: watch::Receiver<bool>,
) -> Vec<Wall> {
    let gate = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let prooms: Vec<Arc<ProjectorRoom>> = rooms
        .iter()
        .map(|r| {
            Arc::new(ProjectorRoom {
                vote: r.vote,
                auth: r.projector.clone(),
            })
        })
        .collect();
    (0..plan.projectors)
        .map(|p| {
            let (instance, community) = plan.projector_place(p);
            let seen = Arc::new(AtomicU64::new(0));
            let task = tokio::spawn(projector(
                addrs[instance],
                prooms[community].clone(),
                board.votes[community].clone(),
                board.sinks(instance, community),
                seen.clone(),
                gate.clone(),
                stop.clone(),
            ));
            Wall {
                community,
                seen,
                task,
            }
        })
        .collect()
}

fn delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

/// Waits until every projector got its first event (or failed), at most [`CONNECT_TIMEOUT`].
async fn wait_connected(board: &Board, walls: &[Wall]) {
    let started = Instant::now();
    loop {
        let ready = board.all.projectors_ready.load(Ordering::Relaxed);
        let failed = walls.iter().filter(|w| w.task.is_finished()).count();
        if ready + failed >= walls.len() || started.elapsed() > CONNECT_TIMEOUT {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits (bounded) until every projector shows its vote's total; `totals` holds each vote's
/// acknowledgments and the arrival of its last.
async fn wait_caught_up(walls: &[Wall], totals: &[(u64, Option<Instant>)]) -> CatchUp {
    let last_ack = totals.iter().filter_map(|t| t.1).max();
    let started = Instant::now();
    loop {
        let caught_up = walls
            .iter()
            .filter(|w| w.seen.load(Ordering::Relaxed) >= totals[w.community].0)
            .count();
        let now = Instant::now();
        if caught_up == walls.len() {
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
