//! The projectors: each holds one server-sent event stream of its vote, parses it by hand
//! (`event:` and `data:` lines), and notes when each count first shows.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, StatusCode, header};
use serde_json::Value;
use tokio::sync::{Semaphore, watch};

use crate::Res;
use crate::conn::Conn;
use crate::setup::ProjectorAuth;
use crate::stats::{Sinks, VoteAcks};

/// What a projector task reads.
pub struct ProjectorRoom {
    pub vote: i64,
    pub auth: ProjectorAuth,
}

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

/// The same by a full parse: `ballots.counted`, or a top-level `counted` (should the projector's
/// event become a compact document of counts).
fn counted_full(data: &str) -> Option<u64> {
    let v = serde_json::from_str::<Value>(data).ok()?;
    v["ballots"]["counted"].as_u64().or(v["counted"].as_u64())
}

/// One projector: holds the event stream, notes when each count first shows, until `stop`.
/// `seen` publishes the highest count shown so far (for the catch-up wait). The gate's permit
/// is held until the first event, so that only so many projectors connect at a time.
pub async fn projector(
    addr: SocketAddr,
    room: Arc<ProjectorRoom>,
    acks: Arc<VoteAcks>,
    sinks: Sinks,
    seen: Arc<AtomicU64>,
    gate: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) {
    let permit = gate.acquire_owned().await;
    // The connection is kept with the body, so the stream lives until this task ends.
    let (_conn, mut body) = match open_stream(addr, &room).await {
        Ok(b) => b,
        Err(e) => {
            sinks.error(format!("projector: {e}"));
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
                sinks.error(format!("projector stream: {e}"));
                break;
            }
            None => {
                sinks.error("projector stream ended".into());
                break;
            }
        };
        let now = Instant::now();
        for (event, data) in parser.feed(&chunk) {
            if event != "tally" {
                continue;
            }
            sinks.event(data.len());
            if permit.take().is_some() {
                // First event: check the quick reading, then let the next projector connect.
                let full = counted_full(&data);
                full_parse = counted_fast(&data) != full;
                if full.is_none() {
                    // Not a sample would be taken: say so rather than report empty figures.
                    sinks.error("projector: a tally event without a count of ballots".into());
                }
                sinks.projector_ready();
            }
            let counted = if full_parse {
                counted_full(&data)
            } else {
                counted_fast(&data)
            };
            let Some(c) = counted else { continue };
            if c > shown {
                acks.shown(shown + 1..=c, now, &mut pending, &sinks);
                shown = c;
                seen.store(c, Ordering::Relaxed);
            }
        }
    }
    acks.settle(&pending, &sinks);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(counted_full(&out[0].1), Some(3));
        assert_eq!(counted_full("{\"counted\":4,\"posts\":[]}"), Some(4));
        assert_eq!(counted_full("{\"posts\":[]}"), None);
    }
}
