//! [`explain`]: one model's numbers read back in the seed articles' terms.

use crate::config::{AsyncMode, PayloadMode};
use crate::core::metrics::LONG_TASK_MS;
use crate::core::trace::{State, time_in};
use crate::models::{Model, NOT_ISOLATED_EXPLANATION};
use crate::present::decision::WorkloadClass;
use crate::report::{ModelResult, Results, Status};

/// One paragraph saying what `result` shows, in the seeds' terms and with its own numbers;
/// `results` is the batch it belongs to (for the settings, the environment and the other
/// models).
pub fn explain(result: &ModelResult, results: &Results) -> String {
    let label = result.model.info().label;
    let config = &results.config;
    let done = result.tasks.len();
    let total = config.tasks;
    match result.status {
        Status::Unavailable => {
            if result.model.info().needs_cross_origin_isolation
                && !results.environment.cross_origin_isolated
            {
                format!("{label} could not run on this page. {NOT_ISOLATED_EXPLANATION}")
            } else {
                format!(
                    "{label} could not run here: {}",
                    sentence(result.message.as_deref().unwrap_or("no reason was given"))
                )
            }
        }
        Status::Deadlocked => format!(
            "{label} deadlocked after {done} of {total} tasks. Each task submitted its work to \
             the same pool and blocked on .result(), so every worker ended up waiting for a \
             sub-task queued behind it, with no worker left to run one. This is seed 000's \
             recursive-submit lesson: give sub-tasks a separate pool (nested=separate), or never \
             block on an executor from inside its own tasks."
        ),
        Status::Cancelled => format!(
            "You cancelled {label} after {done} of {total} tasks, so its times are partial: it \
             is left out of the comparison and the decision table."
        ),
        Status::Error => format!(
            "{label} failed after {done} of {total} tasks: {} Nothing it measured is compared.",
            sentence(result.message.as_deref().unwrap_or("no reason was given"))
        ),
        Status::Ok if !result.answer_ok => {
            let detail = match (result.expected, result.answer) {
                (Some(expected), Some(answer)) => {
                    format!(" (expected {expected}, the tasks gave {answer})")
                }
                _ => String::new(),
            };
            format!(
                "{label} finished in {}, but not every task's answer matched its oracle{detail}. \
                 A fast wrong answer proves nothing, so its time is left out of the decision \
                 table.",
                ms(result.wall_ms)
            )
        }
        Status::Ok => finished(result, results).join(" "),
    }
}

/// The sentences for a run that finished with every answer right.
pub(super) fn finished(result: &ModelResult, results: &Results) -> Vec<String> {
    let config = &results.config;
    let class = WorkloadClass::of(config);
    let computes = class != WorkloadClass::IoBound;
    let waits = config.has_io();
    let lanes = result.threads_used.len().max(1);
    let gap = result.heartbeat.longest_gap_ms;
    let speedup = result.summary.speedup_vs_blocking;
    let versus = compared(speedup);
    let mut out = vec![format!(
        "{} ran {} tasks ({}) in {}{}.",
        result.model.info().label,
        result.tasks.len(),
        class.label(),
        ms(result.wall_ms),
        match result.model {
            Model::Blocking | Model::Async => " on the page's one thread".to_string(),
            Model::PoolGil | Model::Pool => plural(lanes, " on {} thread"),
            Model::Processes => plural(lanes, " on {} worker"),
            Model::Hybrid => plural(result.workers.max(1) as usize, " on {} worker"),
        }
    )];
    let overlap = overlap_sentence(result);
    match result.model {
        Model::Blocking => {
            out.push(format!(
                "Every task ran on the page's own thread, one after another, so the page could \
                 not repaint or respond meanwhile: the longest gap between heartbeats was {} (over \
                 {LONG_TASK_MS:.0} ms is felt as a freeze).",
                ms(gap)
            ));
            if waits {
                out.push(
                    "The main thread cannot sleep, so it spent each I/O wait spinning.".into(),
                );
                if let Some(overlap) = overlap {
                    out.push(overlap);
                }
            }
            out.push("It is the baseline the other models' speedups are measured against.".into());
        }
        Model::Async => {
            if computes {
                out.push(format!(
                    "The event loop is one thread, so CPU work cannot run in parallel: {versus}."
                ));
                out.push(match config.async_mode {
                    AsyncMode::Cooperative => {
                        let switches = result
                            .task_switches
                            .map(|n| format!(" ({n} switches between tasks)"))
                            .unwrap_or_default();
                        if gap <= LONG_TASK_MS {
                            format!(
                                "Every slice ended with a yield, so the tasks took turns{switches} \
                                 and the page stayed responsive: the longest heartbeat gap was {}.",
                                ms(gap)
                            )
                        } else {
                            format!(
                                "Every slice ended with a yield, so the tasks took turns{switches}, \
                                 yet the longest heartbeat gap was {}, long enough to feel.",
                                ms(gap)
                            )
                        }
                    }
                    AsyncMode::Naive => {
                        if gap > LONG_TASK_MS {
                            format!(
                                "Each task computed without yielding and held the loop until it \
                                 finished, so the page froze for up to {}.",
                                ms(gap)
                            )
                        } else {
                            format!(
                                "Each task computed without yielding and held the loop until it \
                                 finished, though none ran long enough to be felt: the longest \
                                 heartbeat gap was {}.",
                                ms(gap)
                            )
                        }
                    }
                });
                if let Some(overlap) = overlap {
                    out.push(overlap);
                }
            } else {
                out.push(
                    "Awaiting a timer or a fetch leaves the loop free, so one thread can keep \
                     many waits in progress."
                        .into(),
                );
                if let Some(overlap) = overlap {
                    out.push(overlap);
                }
                out.push(format!("Overall it was {versus}."));
                out.push(responsiveness(gap));
            }
        }
        Model::PoolGil => {
            if computes {
                out.push(format!(
                    "With the GIL only one thread runs Python code at a time, so {} gave {versus}.",
                    plural(lanes, "{} thread")
                ));
                let waited: f64 = result
                    .tasks
                    .iter()
                    .map(|t| time_in(&t.segments, State::WaitGil))
                    .sum();
                if waited > 0.0 {
                    let handovers = result
                        .gil
                        .as_ref()
                        .map(|g| {
                            format!(
                                "; the holder was made to let go {} times on the {} switch interval",
                                g.forced_switches,
                                ms(g.switch_interval_ms)
                            )
                        })
                        .unwrap_or_default();
                    out.push(format!(
                        "The tasks spent {} in all waiting for the GIL{handovers}.",
                        ms(waited)
                    ));
                }
            } else {
                out.push(
                    "Waiting releases the GIL, so the threads could wait side by side.".into(),
                );
            }
            if let Some(overlap) = overlap {
                out.push(overlap);
            }
            if !computes {
                out.push(format!("Overall it was {versus}."));
            }
            out.push(responsiveness(gap));
        }
        Model::Pool => {
            if computes {
                let cores = results.environment.hardware_concurrency.max(1) as usize;
                let ideal = lanes.min(cores).min(results.config.tasks.max(1) as usize);
                out.push(format!(
                    "Without a GIL the threads computed in parallel: {versus} (at best about \
                     {ideal}× with {} on {}).",
                    plural(lanes, "{} thread"),
                    plural(cores, "{} core")
                ));
            } else {
                out.push("Each thread blocked in its own wait, so the waits overlapped up to one per thread.".into());
            }
            if let Some(overlap) = overlap {
                out.push(overlap);
            }
            if !computes {
                out.push(format!("Overall it was {versus}."));
            }
            out.push(responsiveness(gap));
        }
        Model::Processes => processes_sentences(result, computes, &versus, overlap, &mut out),
        Model::Hybrid => {
            processes_sentences(result, computes, &versus, overlap, &mut out);
            let waited: f64 = result
                .tasks
                .iter()
                .map(|t| time_in(&t.segments, State::WaitGil))
                .sum();
            out.push(format!(
                "Inside each worker its share of the tasks ran at once as threads under that \
                 worker's own GIL, taking turns every {} ({} waiting for it in all): tasks in one \
                 worker finish together, and a short one gets through between the long ones' turns.",
                ms(f64::from(config.switch_ms)),
                ms(waited)
            ));
        }
    }
    out
}

pub(super) fn processes_sentences(
    result: &ModelResult,
    computes: bool,
    versus: &str,
    overlap: Option<String>,
    out: &mut Vec<String>,
) {
    if computes {
        out.push(format!(
            "Each worker has its own memory and runs on its own, so they computed in parallel: \
             {versus}."
        ));
    } else {
        out.push(format!("Each worker waited on its own: {versus}."));
    }
    if let Some(overlap) = overlap {
        out.push(overlap);
    }
    let startup: f64 = result.startup_ms.iter().sum();
    if !result.startup_ms.is_empty() {
        out.push(format!(
            "Starting {} took {} each on average — a cost threads do not pay.",
            plural(result.startup_ms.len(), "{} worker"),
            ms(startup / result.startup_ms.len() as f64)
        ));
    }
    let moving: f64 = result
        .tasks
        .iter()
        .map(|t| {
            time_in(&t.segments, State::Serialize)
                + time_in(&t.segments, State::Transfer)
                + time_in(&t.segments, State::Deserialize)
        })
        .sum();
    if let Some(ipc) = &result.ipc {
        if ipc.reused_workers > 0 {
            out.push(format!(
                "{} reused warm from an earlier run started nothing.",
                plural(ipc.reused_workers as usize, "{} worker")
            ));
        }
        let payload = if ipc.payload_bytes > 0 {
            format!(
                ", {} of it payload ({})",
                bytes(ipc.payload_bytes),
                match ipc.payload_mode {
                    PayloadMode::Copy => "copied",
                    PayloadMode::Transfer => "transferred",
                    PayloadMode::Shared => "in shared memory",
                }
            )
        } else {
            String::new()
        };
        out.push(format!(
            "{} carried {} out and {} back{payload}.",
            plural(ipc.messages as usize, "{} message"),
            bytes(ipc.bytes_out),
            bytes(ipc.bytes_in)
        ));
    }
    if moving > 0.0 {
        out.push(format!(
            "The tasks spent {} in all being serialised, in flight or deserialised: the pickling \
             cost of seed 000.",
            ms(moving)
        ));
    }
    if let Some(x) = result.summary.speedup_vs_blocking
        && x < SAME_BAND.0
        && (startup > 0.0 || moving > 0.0)
    {
        out.push(
            "Here starting workers and moving data cost more than computing in parallel saved."
                .into(),
        );
    }
    out.push(responsiveness(result.heartbeat.longest_gap_ms));
}

/// Speedups inside this band are reported as "about as fast": timer noise, not a result.
pub(super) const SAME_BAND: (f64, f64) = (0.9, 1.1);

/// How a run compares with the blocking one, with the number.
pub(super) fn compared(speedup: Option<f64>) -> String {
    match speedup {
        Some(x) if x >= SAME_BAND.1 => format!("{x:.2}× faster than blocking"),
        Some(x) if x > SAME_BAND.0 => format!("no speedup over blocking ({x:.2}×)"),
        Some(x) => format!("slower than blocking ({x:.2}×)"),
        None => "not compared with blocking, which did not finish in this batch".into(),
    }
}

/// How much the tasks' I/O waits overlapped: their total over the wall time.
pub(super) fn overlap_sentence(result: &ModelResult) -> Option<String> {
    let waited: f64 = result
        .tasks
        .iter()
        .map(|t| time_in(&t.segments, State::WaitIo))
        .sum();
    if waited <= 0.0 || result.wall_ms <= 0.0 {
        return None;
    }
    let ratio = waited / result.wall_ms;
    Some(if ratio > 1.1 {
        format!(
            "The tasks waited {} on I/O in all within {} of wall time: about {ratio:.1} waits \
             in progress at once.",
            ms(waited),
            ms(result.wall_ms)
        )
    } else {
        format!(
            "The tasks waited {} on I/O in all within {} of wall time ({ratio:.2}): the waits \
             did not overlap.",
            ms(waited),
            ms(result.wall_ms)
        )
    })
}

pub(super) fn responsiveness(gap: f64) -> String {
    if gap <= LONG_TASK_MS {
        format!(
            "The page stayed responsive: the longest heartbeat gap was {}.",
            ms(gap)
        )
    } else {
        format!(
            "Still, the longest heartbeat gap was {}, long enough to feel.",
            ms(gap)
        )
    }
}

/// `"{} thread"` with the count filled in and an `s` when it is not one.
pub(super) fn plural(n: usize, pattern: &str) -> String {
    let text = pattern.replace("{}", &n.to_string());
    if n == 1 { text } else { format!("{text}s") }
}

pub(super) fn ms(value: f64) -> String {
    if value >= 10.0 {
        format!("{value:.0} ms")
    } else {
        format!("{value:.1} ms")
    }
}

pub(super) fn bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

/// `text` ending with a full stop.
pub(super) fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod test;
