//! A server-mode run as `siege` prints it (seed 002's output): one line per response — status,
//! seconds, bytes, URL — in the order they came back, the index request among them, then the
//! handlers' mean response time.

use crate::models::server::INDEX_BODY;
use crate::report::ModelResult;

/// What a handler writes: `self.write("done")`, heavy_func's return value.
const HANDLER_BODY: &str = "done";

/// The siege report of `result`, or `None` if it was not a server-mode run. `url` is the
/// handlers' path (the seed's `/blocking/`, `/threading/` …).
pub fn report(result: &ModelResult, url: &str) -> Option<String> {
    let index = result.index.as_ref()?;
    // A response: (seconds from the load's start, status, bytes, url); a wrong answer is a 500.
    let response = |end_ms: f64, ok: bool, body: &str, url| match ok {
        true => (end_ms / 1e3, 200, body.len(), url),
        false => (end_ms / 1e3, 500, 0, url),
    };
    let mut lines: Vec<(f64, u16, usize, &str)> = result
        .tasks
        .iter()
        .map(|t| response(t.end_ms, t.ok, HANDLER_BODY, url))
        .collect();
    lines.push(response(index.answered_ms, index.ok(), INDEX_BODY, "/"));
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<String> = lines
        .iter()
        .map(|(secs, status, bytes, url)| {
            format!("HTTP/1.1 {status} {secs:6.2} secs: {bytes:4} bytes ==> GET  {url}")
        })
        .collect();
    let handlers = result.tasks.len().max(1) as f64;
    let mean = result.tasks.iter().map(|t| t.latency_ms()).sum::<f64>() / handlers / 1e3;
    out.push(String::new());
    out.push(format!("Response time:\t\t{mean:10.2} secs"));
    out.push(format!(
        "GET / sent at {:.2} secs, answered in {:.0} ms{}",
        index.arrived_ms / 1e3,
        index.latency_ms(),
        match index.gil_waits {
            0 => String::new(),
            n => format!(
                " after waiting {:.0} ms for the GIL at {n} of its {} steps",
                index.gil_wait_ms, index.steps
            ),
        }
    ));
    Some(out.join("\n"))
}

#[cfg(test)]
mod test;
