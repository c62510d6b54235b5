//! The report: the figures of the whole run in the lines other scripts read, then per
//! instance and per community when there are several, the bare ceiling of the same run, and
//! the aims of issue 20 (reported, never asserted).

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::Args;
use crate::bare::{Bare, GROUP};
use crate::load::{CATCH_UP_TIMEOUT, Load};
use crate::server::cores;
use crate::setup::Plan;
use crate::stats::{Figures, lock};

/// One server instance's process figures.
pub struct Instance {
    pub pid: u32,
    pub addr: String,
    /// Resident size once the server answered, before set-up.
    pub rss_at_start_kb: Option<u64>,
    /// Resident and peak resident size after set-up, before the projectors connect.
    pub rss_before_load_kb: (Option<u64>, Option<u64>),
    pub peak_rss_kb: Option<u64>,
    /// Lines logged at warn level or above, and the first few.
    pub log: (usize, Vec<String>),
}

/// The figures of one run.
pub struct Report {
    pub binary: PathBuf,
    /// "SQLite" or "PostgreSQL".
    pub backend: &'static str,
    pub plan: Plan,
    pub bare: Bare,
    pub load: Load,
    pub instances: Vec<Instance>,
}

fn ms(d: Option<Duration>) -> String {
    d.map(|d| format!("{:.1} ms", d.as_secs_f64() * 1000.0))
        .unwrap_or_else(|| "–".into())
}

fn mb(kb: Option<u64>) -> String {
    kb.map(|kb| format!("{:.1} MB", kb as f64 / 1024.0))
        .unwrap_or_else(|| "?".into())
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "?".into())
}

/// The largest of some figures, if any is known.
fn max_kb(v: impl Iterator<Item = Option<u64>>) -> Option<u64> {
    v.flatten().max()
}

impl Report {
    /// 201s of a scope received within the window.
    fn acked(&self, f: &Figures) -> u64 {
        let d = self.load.deadline;
        lock(&f.acked).iter().filter(|&&a| a <= d).count() as u64
    }

    fn rate_of(&self, f: &Figures) -> f64 {
        self.acked(f) as f64 / self.load.window().as_secs_f64().max(1e-9)
    }

    /// Entries/s of the whole run.
    pub fn rate(&self) -> f64 {
        self.rate_of(&self.load.board.all)
    }

    pub fn acked_in_window(&self) -> u64 {
        self.acked(&self.load.board.all)
    }

    fn per_second(&self, f: &Figures, seconds: u64) -> Vec<u64> {
        let last = seconds.max(1) as usize - 1;
        let mut out = vec![0u64; last + 1];
        for &a in lock(&f.acked).iter().filter(|&&a| a <= self.load.deadline) {
            out[((a - self.load.started).as_secs() as usize).min(last)] += 1;
        }
        out
    }

    pub fn print(&self, args: &Args) {
        let all = &self.load.board.all;
        let rate = self.rate();
        let share = 100.0 * rate / self.bare.commits.max(1e-9);
        let window = self.load.window().as_secs_f64();
        let mut layout = String::new();
        if self.plan.communities > 1 {
            layout += &format!(
                "; {} communities × {} counters",
                self.plan.communities, self.plan.counters_per_community
            );
        }
        if self.plan.instances > 1 {
            layout += &format!("; {} instances", self.plan.instances);
        }
        println!();
        println!(
            "== loadgen: {} counters, {} projectors (via {:?}), {} s, {} candidates / {} seats, {}{layout}{}",
            self.plan.counters(),
            self.plan.projectors,
            args.projectors_via,
            args.seconds,
            args.candidates,
            args.seats,
            self.backend,
            if args.smoke { " (smoke)" } else { "" }
        );
        println!("server binary          {}", self.binary.display());
        println!(
            "entries                {} acknowledged (201) in {:.2} s = {:.0} entries/s ({} in all, with the requests in flight at the end)",
            self.acked(all),
            window,
            rate,
            self.load.acked_total
        );
        let seconds: Vec<String> = self
            .per_second(all, args.seconds)
            .iter()
            .map(u64::to_string)
            .collect();
        println!("entries second by second {}", seconds.join(" "));
        println!(
            "entry latency          p50 {}  p99 {}  max {}",
            ms(all.entry.quantile(0.5)),
            ms(all.entry.quantile(0.99)),
            ms(all.entry.quantile(1.0))
        );
        self.print_wall(all);
        println!(
            "projectors             {} of {} connected; {} tally events, {:.1} MB of event data",
            all.projectors_ready.load(Ordering::Relaxed),
            self.plan.projectors,
            all.events.load(Ordering::Relaxed),
            all.event_bytes.load(Ordering::Relaxed) as f64 / 1e6
        );
        println!("errors                 {}", errors(all));
        let several = if self.instances.len() > 1 {
            format!(" (largest of {} instances)", self.instances.len())
        } else {
            String::new()
        };
        println!(
            "server peak RSS        {} (VmHWM); resident at start {}, after set-up {} (peak {}){several}",
            mb(max_kb(self.instances.iter().map(|i| i.peak_rss_kb))),
            mb(max_kb(self.instances.iter().map(|i| i.rss_at_start_kb))),
            mb(max_kb(
                self.instances.iter().map(|i| i.rss_before_load_kb.0)
            )),
            mb(max_kb(
                self.instances.iter().map(|i| i.rss_before_load_kb.1)
            ))
        );
        let server_cpu: Option<f64> = self.load.server_cpu.iter().copied().sum();
        println!(
            "CPU during the window  server {} s, loadgen {} s (of {:.1} s on {} cores){}",
            fmt_opt(server_cpu),
            fmt_opt(self.load.loadgen_cpu),
            window * cores() as f64,
            cores(),
            match self.load.postgres_cpu {
                Some(c) => format!("; PostgreSQL backends of the load database {c:.1} s"),
                None => String::new(),
            }
        );
        self.print_bare(args, share);
        let logged: usize = self.instances.iter().map(|i| i.log.0).sum();
        println!("server log             {logged} lines at warn level or above");
        for line in self.instances.iter().flat_map(|i| &i.log.1).take(3) {
            println!("                       {line}");
        }
        self.print_instances();
        self.print_communities();
        self.print_aims(args, rate, share);
    }

    fn print_bare(&self, args: &Args, share: f64) {
        let how = if self.backend == "SQLite" {
            "WAL, synchronous=FULL, one insert per transaction"
        } else {
            "scratch table in the load database, one insert per transaction"
        };
        println!(
            "bare {} ceiling    {:.0} commits/s ({how}, {} s)",
            self.backend, self.bare.commits, args.bare_seconds
        );
        println!(
            "  for comparison       {:.0} rows/s with {GROUP} inserts per commit (group commit; {:.0} commits/s)",
            self.bare.grouped_rows,
            self.bare.grouped_rows / GROUP as f64
        );
        println!("entries / ceiling      {share:.1} %");
    }

    fn print_wall(&self, s: &Figures) {
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
        let c = self.load.catch_up;
        println!(
            "catch-up               {} of {} projectors showed the final count {}",
            c.caught_up,
            s.projectors_ready.load(Ordering::Relaxed),
            match c.after_last_ack {
                Some(d) => format!("{} after the last 201", ms(Some(d))),
                None => format!("(not all within {} s)", CATCH_UP_TIMEOUT.as_secs()),
            }
        );
    }

    /// One line of a scope's figures (per instance, per community).
    fn scope_line(&self, f: &Figures, projectors: usize) -> String {
        format!(
            "{:>6} entries ({:.0}/s), entry p50 {} p99 {}; ack → projector p50 {} p99 {}; {} of {projectors} projectors; {:.1} MB of events; errors {}",
            self.acked(f),
            self.rate_of(f),
            ms(f.entry.quantile(0.5)),
            ms(f.entry.quantile(0.99)),
            ms(f.ack_to_wall.quantile(0.5)),
            ms(f.ack_to_wall.quantile(0.99)),
            f.projectors_ready.load(Ordering::Relaxed),
            f.event_bytes.load(Ordering::Relaxed) as f64 / 1e6,
            errors(f)
        )
    }

    fn print_instances(&self) {
        let scopes = &self.load.board.instances;
        if scopes.is_empty() {
            return;
        }
        println!(
            "per instance (counters and projectors round robin; events cross by LISTEN/NOTIFY)"
        );
        for (i, (f, inst)) in scopes.iter().zip(&self.instances).enumerate() {
            let projectors = (0..self.plan.projectors)
                .filter(|&p| self.plan.projector_place(p).0 == i)
                .count();
            println!(
                "  instance {} (pid {}, {}): {}",
                i + 1,
                inst.pid,
                inst.addr,
                self.scope_line(f, projectors)
            );
            println!(
                "      peak RSS {} (after set-up {}), CPU {} s, {} log lines",
                mb(inst.peak_rss_kb),
                mb(inst.rss_before_load_kb.0),
                fmt_opt(self.load.server_cpu.get(i).copied().flatten()),
                inst.log.0
            );
        }
    }

    fn print_communities(&self) {
        let scopes = &self.load.board.communities;
        if scopes.is_empty() {
            return;
        }
        println!("per community (one vote each)");
        for (c, f) in scopes.iter().enumerate() {
            let projectors = (0..self.plan.projectors)
                .filter(|&p| self.plan.projector_place(p).1 == c)
                .count();
            println!("  lg{:02} {}", c + 1, self.scope_line(f, projectors));
        }
        let range = |v: Vec<f64>| {
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(0.0, f64::max);
            (min, max)
        };
        let rates = range(scopes.iter().map(|f| self.rate_of(f)).collect());
        let p99 = |h: &crate::histogram::Histogram| {
            h.quantile(0.99)
                .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
        };
        let entry = range(scopes.iter().map(|f| p99(&f.entry)).collect());
        let wall = range(scopes.iter().map(|f| p99(&f.ack_to_wall)).collect());
        println!(
            "  min / max            {:.0} / {:.0} entries/s; entry p99 {:.1} / {:.1} ms; ack → projector p99 {:.1} / {:.1} ms",
            rates.0, rates.1, entry.0, entry.1, wall.0, wall.1
        );
    }

    /// The aims of issue 20, as goals for the benchmark (never a failure).
    fn print_aims(&self, args: &Args, rate: f64, share: f64) {
        let all = &self.load.board.all;
        let yes = |b: bool| if b { "met" } else { "NOT met" };
        let under = |d: Option<Duration>, limit: u64| match d {
            Some(d) => yes(d <= Duration::from_millis(limit)),
            None => "n/a",
        };
        let seconds = self.per_second(all, args.seconds);
        let holds = match (seconds.first(), seconds.last()) {
            (Some(&first), Some(&last)) if seconds.len() > 1 && first > 0 => {
                yes(last as f64 >= 0.9 * first as f64)
            }
            _ => "n/a",
        };
        // 40 MB per 500 projectors for 10 s, scaled to this run.
        let budget = 40e6 * self.plan.projectors as f64 / 500.0 * args.seconds as f64 / 10.0;
        let bytes = all.event_bytes.load(Ordering::Relaxed) as f64;
        let peak = max_kb(self.instances.iter().map(|i| i.peak_rss_kb));
        println!(
            "aims (not gates)       ≥ 5000 entries/s: {}; last second ≥ 90 % of the first: {holds}; ≥ 100 % of ceiling: {}; entry p50 ≤ 5 ms: {}, p99 ≤ 50 ms: {}; p99 ack → projector ≤ 50 ms: {}; peak RSS ≤ 150 MB: {}; event data ≤ 40 MB per 500 projectors and 10 s: {}",
            yes(rate >= 5000.0),
            yes(share >= 100.0),
            under(all.entry.quantile(0.5), 5),
            under(all.entry.quantile(0.99), 50),
            under(all.ack_to_wall.quantile(0.99), 50),
            yes(peak.is_some_and(|kb| kb <= 150 * 1024)),
            if self.plan.projectors == 0 {
                "n/a"
            } else {
                yes(bytes <= budget)
            },
        );
    }
}

/// A scope's failures by kind, or "none".
fn errors(f: &Figures) -> String {
    let errors = lock(&f.errors);
    if errors.is_empty() {
        "none".into()
    } else {
        let list: Vec<String> = errors.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        list.join("; ")
    }
}
