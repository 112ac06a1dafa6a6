//! A run out of the page and back: the results JSON (re-importable), one CSV row per task, and
//! Chrome's trace-event JSON, which Perfetto and `chrome://tracing` open with one track per
//! lane (Perfetto cannot be framed from a cross-origin isolated page, so traces go out as files).

use std::fmt::Write as _;

use serde::Serialize;

use crate::core::error::{Error, Result};
use crate::core::trace::Lane;
use crate::report::{RESULTS_SCHEMA, RESULTS_VERSION, Results};

/// Reads a results document exported by this page (any version up to ours).
///
/// # Errors
/// [`Error::Protocol`] when the text is not JSON of our schema, or comes from a newer version.
pub fn import(text: &str) -> Result<Results> {
    /// The two fields that say what a file is, read before the rest (other fields ignored).
    #[derive(serde::Deserialize)]
    struct Header {
        schema: Option<String>,
        version: Option<u64>,
    }
    // Read twice, straight from the text: going through a `serde_json::Value` would compile a
    // second deserialiser for every type of the document into the page.
    let header: Header = serde_json::from_str(text)
        .map_err(|e| Error::Protocol(format!("not a results file (JSON: {e})")))?;
    let schema = header.schema.as_deref();
    if schema != Some(RESULTS_SCHEMA) {
        return Err(Error::Protocol(format!(
            "not a results file: its schema is {schema:?}, not \"{RESULTS_SCHEMA}\""
        )));
    }
    let version = header.version.unwrap_or(0);
    if version > u64::from(RESULTS_VERSION) {
        return Err(Error::Protocol(format!(
            "this results file is version {version}; this page reads up to {RESULTS_VERSION}"
        )));
    }
    serde_json::from_str(text).map_err(|e| {
        Error::Protocol(format!(
            "a results file of version {version} this page cannot read: {e}"
        ))
    })
}

/// One row per task and model: `model,task,lane,enqueue_ms,start_ms,end_ms,latency_ms,answer,
/// expected,ok` plus the time spent in each state.
pub fn csv(results: &Results) -> String {
    const STATES: [(&str, crate::core::trace::State); 8] = [
        ("run_ms", crate::core::trace::State::Run),
        ("ready_ms", crate::core::trace::State::Ready),
        ("wait_io_ms", crate::core::trace::State::WaitIo),
        ("wait_gil_ms", crate::core::trace::State::WaitGil),
        ("blocked_ms", crate::core::trace::State::Blocked),
        ("serialize_ms", crate::core::trace::State::Serialize),
        ("transfer_ms", crate::core::trace::State::Transfer),
        ("deserialize_ms", crate::core::trace::State::Deserialize),
    ];
    let mut out =
        String::from("model,task,lane,enqueue_ms,start_ms,end_ms,latency_ms,answer,expected,ok");
    for (name, _) in STATES {
        out.push(',');
        out.push_str(name);
    }
    out.push('\n');
    for r in &results.models {
        for t in &r.tasks {
            let _ = write!(
                out,
                "{},{},{},{:.3},{:.3},{:.3},{:.3},{},{},{}",
                r.model.info().id,
                t.task,
                quote(&t.lane.to_string()),
                t.enqueue_ms,
                t.start_ms,
                t.end_ms,
                t.latency_ms(),
                t.answer,
                t.expected.map_or(String::new(), |e| e.to_string()),
                t.ok
            );
            for (_, state) in STATES {
                let _ = write!(
                    out,
                    ",{:.3}",
                    crate::core::trace::time_in(&t.segments, state)
                );
            }
            out.push('\n');
        }
    }
    out
}

/// A CSV field, quoted when it needs to be.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// One event of Chrome's trace-event format.
#[derive(Debug, Serialize)]
struct TraceEvent {
    name: String,
    /// `X` (a complete event with a duration) or `M` (metadata: names).
    ph: &'static str,
    /// Start, µs.
    #[serde(skip_serializing_if = "Option::is_none")]
    ts: Option<f64>,
    /// Duration, µs.
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<f64>,
    /// The model: one "process" per model.
    pid: u32,
    /// The lane: one "thread" per lane.
    tid: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    cat: Option<String>,
    args: serde_json::Value,
}

/// The run as Chrome trace-event JSON: each model a process, each lane a thread, each segment a
/// complete event named by its state (with the task in `args`).
pub fn chrome_trace(results: &Results) -> String {
    let mut events = Vec::new();
    for (pid, r) in results.models.iter().enumerate() {
        let pid = pid as u32 + 1;
        events.push(TraceEvent {
            name: "process_name".into(),
            ph: "M",
            ts: None,
            dur: None,
            pid,
            tid: 0,
            cat: None,
            args: serde_json::json!({ "name": r.model.info().label }),
        });
        let lanes = crate::present::chart::lanes_of(r);
        let tid_of = |lane: Lane| lanes.iter().position(|l| *l == lane).unwrap_or(0) as u32 + 1;
        for lane in &lanes {
            events.push(TraceEvent {
                name: "thread_name".into(),
                ph: "M",
                ts: None,
                dur: None,
                pid,
                tid: tid_of(*lane),
                cat: None,
                args: serde_json::json!({ "name": lane.to_string() }),
            });
        }
        let complete = |state: crate::core::trace::State,
                        s: &crate::core::trace::Segment,
                        lane: Lane,
                        args| TraceEvent {
            name: crate::present::chart::state_label(state).to_string(),
            ph: "X",
            ts: Some(s.start_ms * 1e3),
            dur: Some((s.end_ms - s.start_ms) * 1e3),
            pid,
            tid: tid_of(lane),
            cat: Some(format!("{state:?}").to_lowercase()),
            args,
        };
        for t in &r.tasks {
            for s in t
                .segments
                .iter()
                .filter(|s| s.state != crate::core::trace::State::Ready)
            {
                events.push(complete(
                    s.state,
                    s,
                    t.lane,
                    serde_json::json!({ "task": t.task }),
                ));
            }
        }
        for lane in &r.lanes {
            for s in lane
                .segments
                .iter()
                .filter(|s| s.state != crate::core::trace::State::Idle)
            {
                events.push(complete(s.state, s, lane.lane, serde_json::json!({})));
            }
        }
    }
    serde_json::json!({ "traceEvents": events, "displayTimeUnit": "ms" }).to_string()
}

#[cfg(test)]
mod test;
