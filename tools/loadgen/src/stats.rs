//! What the counter and projector tasks record: per vote, the acknowledgments in the order they
//! arrived (the k-th acknowledgment is matched with a projector first showing k ballots); and
//! the figures, kept for the whole run and, when there are several, per instance and per
//! community. Each task records into the figures it belongs to (its "sinks").

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::histogram::Histogram;
use crate::setup::Plan;

/// One acknowledged entry: when its request was sent and when its 201 arrived.
#[derive(Clone, Copy, Debug)]
pub struct Ack {
    pub sent: Instant,
    pub acked: Instant,
}

/// The figures of one scope (the whole run, an instance or a community).
pub struct Figures {
    /// Send → 201 of each entry.
    pub entry: Histogram,
    /// 201 of the k-th entry → a projector first shows ≥ k ballots counted.
    pub ack_to_wall: Histogram,
    /// Send of the k-th acknowledged entry → a projector first shows ≥ k.
    pub send_to_wall: Histogram,
    /// Samples of `ack_to_wall` where the projector was ahead of the acknowledgment (kept as 0).
    pub wall_ahead: AtomicU64,
    /// Tally events and their bytes received by the projectors.
    pub events: AtomicU64,
    pub event_bytes: AtomicU64,
    /// Projectors that received their first event.
    pub projectors_ready: AtomicUsize,
    /// When each 201 arrived.
    pub acked: Mutex<Vec<Instant>>,
    /// Failures by kind ("409", "transport: …").
    pub errors: Mutex<BTreeMap<String, u64>>,
}

impl Default for Figures {
    fn default() -> Self {
        Self::new()
    }
}

impl Figures {
    pub fn new() -> Figures {
        Figures {
            entry: Histogram::new(),
            ack_to_wall: Histogram::new(),
            send_to_wall: Histogram::new(),
            wall_ahead: AtomicU64::new(0),
            events: AtomicU64::new(0),
            event_bytes: AtomicU64::new(0),
            projectors_ready: AtomicUsize::new(0),
            acked: Mutex::new(Vec::with_capacity(1 << 12)),
            errors: Mutex::new(BTreeMap::new()),
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

/// The figures one task records into.
#[derive(Clone)]
pub struct Sinks(Vec<Arc<Figures>>);

impl Sinks {
    pub fn error(&self, kind: String) {
        for f in &self.0 {
            *lock(&f.errors).entry(kind.clone()).or_default() += 1;
        }
    }

    pub fn event(&self, bytes: usize) {
        for f in &self.0 {
            f.events.fetch_add(1, Ordering::Relaxed);
            f.event_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
        }
    }

    pub fn projector_ready(&self) {
        for f in &self.0 {
            f.projectors_ready.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Every scope's figures, and each vote's acknowledgments.
pub struct Board {
    pub all: Arc<Figures>,
    /// Per instance; empty with one instance.
    pub instances: Vec<Arc<Figures>>,
    /// Per community; empty with one community.
    pub communities: Vec<Arc<Figures>>,
    /// Per community (one vote each).
    pub votes: Vec<Arc<VoteAcks>>,
}

impl Board {
    pub fn new(plan: &Plan) -> Board {
        let scopes = |n: usize| -> Vec<Arc<Figures>> {
            if n > 1 {
                (0..n).map(|_| Arc::new(Figures::new())).collect()
            } else {
                Vec::new()
            }
        };
        Board {
            all: Arc::new(Figures::new()),
            instances: scopes(plan.instances),
            communities: scopes(plan.communities),
            votes: (0..plan.communities)
                .map(|_| Arc::new(VoteAcks::default()))
                .collect(),
        }
    }

    /// The figures of a task on `instance` in `community`.
    pub fn sinks(&self, instance: usize, community: usize) -> Sinks {
        let mut v = vec![self.all.clone()];
        v.extend(self.instances.get(instance).cloned());
        v.extend(self.communities.get(community).cloned());
        Sinks(v)
    }
}

/// One vote's acknowledgments in the order they arrived: the k-th is `acks[k - 1]`.
#[derive(Default)]
pub struct VoteAcks {
    acks: Mutex<Vec<Ack>>,
}

impl VoteAcks {
    /// A counter got its 201.
    pub fn ack(&self, a: Ack, sinks: &Sinks) {
        lock(&self.acks).push(a);
        for f in &sinks.0 {
            f.entry.record(a.acked - a.sent);
            lock(&f.acked).push(a.acked);
        }
    }

    /// The number of acknowledgments and when the last arrived.
    pub fn total(&self) -> (u64, Option<Instant>) {
        let acks = lock(&self.acks);
        (acks.len() as u64, acks.last().map(|a| a.acked))
    }

    /// A projector first showed ≥ k ballots at `seen` for each k in `ks`; entries whose
    /// acknowledgment has not arrived yet are returned to be settled later.
    pub fn shown(
        &self,
        ks: std::ops::RangeInclusive<u64>,
        seen: Instant,
        pending: &mut Vec<(u64, Instant)>,
        sinks: &Sinks,
    ) {
        let acks = lock(&self.acks);
        for k in ks {
            match acks.get(k as usize - 1) {
                Some(a) => sinks.0.iter().for_each(|f| f.wall_sample(*a, seen)),
                None => pending.push((k, seen)),
            }
        }
    }

    /// Settles samples that arrived before their acknowledgment (or never got one).
    pub fn settle(&self, pending: &[(u64, Instant)], sinks: &Sinks) {
        let acks = lock(&self.acks);
        for &(k, seen) in pending {
            if let Some(a) = acks.get(k as usize - 1) {
                sinks.0.iter().for_each(|f| f.wall_sample(*a, seen));
            }
        }
    }
}

/// Locks a mutex, ignoring poisoning (a panicked task must not hide the figures).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
