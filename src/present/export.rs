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
mod tests {
    use super::*;
    use crate::config::RunConfig;
    use crate::core::metrics::Heartbeat;
    use crate::core::record::Checked;
    use crate::core::record::TaskRecord;
    use crate::models::Model;
    use crate::report::{Environment, ModelResult};

    fn doc() -> Results {
        let env = Environment {
            cross_origin_isolated: true,
            hardware_concurrency: 2,
            timer_resolution_ms: Some(0.005),
            user_agent: "test".into(),
            count_per_ms: Some(1),
        };
        let config = RunConfig {
            tasks: 2,
            ..RunConfig::default()
        };
        let ok = Checked {
            answer: 7,
            ok: true,
            ..Default::default()
        };
        let tasks = vec![
            TaskRecord::single_run(0, "thread 0".into(), 0.0, 1.0, 5.0, ok),
            TaskRecord::single_run(1, "worker 1 · thread 2".into(), 0.0, 2.0, 4.0, ok),
        ];
        let r = ModelResult::from_tasks(
            Model::Pool,
            &config,
            5.0,
            Heartbeat::from_beats(&[], 0.0, 5.0),
            tasks,
        );
        let mut d = Results::new(env, config, vec![]);
        d.push(r);
        d
    }

    #[test]
    fn an_export_imports_back_identically_and_foreign_files_are_refused() {
        let d = doc();
        assert_eq!(import(&d.to_json()), Ok(d.clone()));
        assert!(matches!(import("{}"), Err(Error::Protocol(_))));
        assert!(matches!(import("not json"), Err(Error::Protocol(_))));
        let newer = d.to_json().replacen(
            &format!("\"version\": {RESULTS_VERSION}"),
            &format!("\"version\": {}", RESULTS_VERSION + 1),
            1,
        );
        match import(&newer) {
            Err(Error::Protocol(m)) => assert!(m.contains("reads up to"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn csv_has_a_row_per_task_with_quoted_lanes() {
        let text = csv(&doc());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("model,task,lane,"));
        assert!(
            lines[1].starts_with("pool,0,thread 0,0.000,1.000,5.000,5.000,7,7,true,4.000,1.000")
        );
        assert!(
            lines[2].starts_with("pool,1,worker 1 · thread 2,"),
            "{}",
            lines[2]
        );
        // No lane's name needs quoting, but a field that would is quoted as CSV quotes.
        assert_eq!(quote("thread, \"1\""), "\"thread, \"\"1\"\"\"");
        assert_eq!(quote("thread 1"), "thread 1");
    }

    #[test]
    fn the_trace_has_a_process_per_model_a_thread_per_lane_and_microseconds() {
        let trace: serde_json::Value = serde_json::from_str(&chrome_trace(&doc())).unwrap();
        let events = trace["traceEvents"].as_array().unwrap();
        let names: Vec<&str> = events
            .iter()
            .filter(|e| e["name"] == "thread_name")
            .map(|e| e["args"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 2);
        let runs: Vec<&serde_json::Value> = events.iter().filter(|e| e["ph"] == "X").collect();
        assert_eq!(runs.len(), 2, "ready segments are not events");
        assert_eq!(runs[0]["ts"], 1000.0);
        assert_eq!(runs[0]["dur"], 4000.0);
        assert_eq!(runs[0]["args"]["task"], 0);
        assert_ne!(runs[0]["tid"], runs[1]["tid"]);
    }
}
