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
    assert!(lines[1].starts_with("pool,0,thread 0,0.000,1.000,5.000,5.000,7,7,true,4.000,1.000"));
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
