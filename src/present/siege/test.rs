use super::*;
use crate::config::RunConfig;
use crate::core::metrics::Heartbeat;
use crate::core::record::{Checked, TaskRecord};
use crate::core::trace::Lane;
use crate::models::Model;
use crate::models::server::IndexRecord;

fn handler(task: u32, end_ms: f64) -> TaskRecord {
    TaskRecord::single_run(
        task,
        Lane::Thread(0),
        0.0,
        end_ms - 100.0,
        end_ms,
        Checked {
            answer: 1,
            ok: true,
            ..Checked::default()
        },
    )
}

#[test]
fn a_server_run_reads_like_siege_with_the_index_among_the_responses() {
    let tasks = vec![handler(0, 200.0), handler(1, 400.0)];
    let mut result = ModelResult::from_tasks(
        Model::PoolGil,
        &RunConfig::default(),
        400.0,
        Heartbeat::from_beats(&[], 0.0, 400.0),
        tasks,
    );
    assert_eq!(report(&result, "/threading/"), None, "not a server run");
    result.index = Some(IndexRecord {
        arrived_ms: 20.0,
        answered_ms: 260.0,
        bytes: INDEX_BODY.len() as u64,
        gil_waits: 5,
        gil_wait_ms: 239.0,
        steps: 5,
    });
    let text = report(&result, "/threading/").expect("a server run");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "HTTP/1.1 200   0.20 secs:    4 bytes ==> GET  /threading/"
    );
    assert_eq!(lines[1], "HTTP/1.1 200   0.26 secs:   12 bytes ==> GET  /");
    assert_eq!(
        lines[2],
        "HTTP/1.1 200   0.40 secs:    4 bytes ==> GET  /threading/"
    );
    assert!(
        lines[4].starts_with("Response time:") && lines[4].ends_with("0.30 secs"),
        "{text}"
    );
    assert!(
        lines[5]
            .contains("answered in 240 ms after waiting 239 ms for the GIL at 5 of its 5 steps"),
        "{text}"
    );
}
