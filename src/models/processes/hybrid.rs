//! Threads inside one process, under that process's own GIL: the hybrid of seed 002's last
//! siege (four Tornado processes, each running its requests on a thread pool).
//!
//! An isolated worker has one real thread, so its "threads" take turns on it exactly as CPython
//! threads take turns on the GIL: the holder computes slice by slice, hands the lock over once
//! another thread has waited a switch interval ([`Rules`], the same rules as the thread pool's
//! lock), and lets go around I/O. With the GIL only one thread ever computes at a time, so
//! interleaving them on one thread changes nothing a user can see except the one thing the
//! browser forbids: real parallel threads inside a worker that has its own memory.
//!
//! One simplification: a `fetch` step is a synchronous request on the worker's thread, so it
//! holds up the process's other threads while it waits (CPython's would run meanwhile). Waits
//! (`io` steps) overlap properly: the worker sleeps only when no thread can compute.

use std::collections::VecDeque;

use crate::core::metrics::Clock;
use crate::core::record::Checked;
use crate::core::trace::{Segment, State};
use crate::models::pool::gil::Rules;
use crate::models::processes::protocol::{TaskDone, TaskRun};
use crate::workloads::io::{BlockingIo, IoNext, IoStep};
use crate::workloads::{self, Runner, WorkloadKind, WorkloadSpec, data};

/// What a thread is doing.
#[derive(Debug)]
enum Phase {
    /// A CPU step: it needs the lock to go on.
    Compute(Runner),
    /// Back from an I/O wait: it takes the lock once, to return into Python, then goes on.
    Return,
    /// Waiting for I/O, the lock let go.
    Wait(IoStep),
    /// All steps done.
    Done,
}

/// One thread: one task of the chunk.
#[derive(Debug)]
struct Thread {
    id: u32,
    steps: Vec<WorkloadSpec>,
    /// This task's data payloads, in the order of its data steps.
    payloads: VecDeque<Vec<u8>>,
    /// The step under way.
    step: usize,
    phase: Phase,
    checks: Vec<Checked>,
    /// What the thread did; the open segment is `(state, since)`.
    segments: Vec<Segment>,
    state: State,
    since: f64,
    end_ms: f64,
}

impl Thread {
    /// Ends the open segment at `now` and opens one of `state`, if that is a change.
    fn show(&mut self, state: State, now: f64) {
        if state != self.state {
            if now > self.since {
                self.segments
                    .push(Segment::new(self.state, self.since, now));
            }
            self.state = state;
            self.since = now;
        }
    }
}

/// Runs `tasks` as threads of one process sharing one GIL with a switch interval of
/// `switch_ms`, all started at once (a pool with a thread per task, as Tornado's executor has
/// for a handful of requests). Returns each task's outcome in the chunk's order.
///
/// `io` supplies the waits, fetches and the chunk's data payloads (in the order of the tasks'
/// data steps). `on_slice` is called after every slice and every sleep (the worker's progress
/// tick); `on_finished` as each task finishes, with its id — the worker posts its response
/// then, as a server thread writes its reply without waiting for its siblings.
pub fn run_threads(
    tasks: Vec<TaskRun>,
    switch_ms: f64,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    mut on_slice: impl FnMut(),
    mut on_finished: impl FnMut(u32),
) -> Vec<TaskDone> {
    let mut rules = Rules::new(switch_ms);
    let start_ms = clock.now_ms();
    let mut threads: Vec<Thread> = tasks
        .into_iter()
        .map(|task| {
            // Taken in the chunk's order, which is how the page sent them.
            let payloads = task
                .steps
                .iter()
                .filter(|s| s.kind == WorkloadKind::Data)
                .map(|s| io.payload(s.n))
                .collect();
            Thread {
                id: task.id,
                steps: task.steps,
                payloads,
                step: 0,
                phase: Phase::Done,
                checks: Vec::new(),
                segments: Vec::new(),
                state: State::Ready,
                since: start_ms,
                end_ms: start_ms,
            }
        })
        .collect();
    for (t, thread) in threads.iter_mut().enumerate() {
        enter_step(thread, t as u32, &mut rules, clock, io, start_ms);
        if matches!(thread.phase, Phase::Done) {
            on_finished(thread.id);
        }
    }
    show_states(&mut threads, &mut rules, clock);
    loop {
        let now = rules.at(clock.now_ms());
        // Waits that are over: the thread asks for the lock to return into Python.
        for (t, thread) in threads.iter_mut().enumerate() {
            if let Phase::Wait(step) = &thread.phase
                && let IoNext::Done(answer) = step.next(clock)
            {
                thread
                    .checks
                    .push(Checked::of(&thread.steps[thread.step], answer));
                thread.phase = Phase::Return;
                rules.request(t as u32, now);
            }
        }
        match rules.holder() {
            Some(holder) => {
                let t = holder as usize;
                let thread = &mut threads[t];
                // The holder's slice: one step of its kernel, or its return into Python.
                let ended = match &mut thread.phase {
                    Phase::Compute(runner) => {
                        let done = runner.step(clock);
                        on_slice();
                        done.then(|| Some(runner.checked(&thread.steps[thread.step])))
                    }
                    // Back from a wait (its answer is already checked): the step is over.
                    _ => Some(None),
                };
                let now = rules.at(clock.now_ms());
                match ended {
                    Some(checked) => {
                        if let Some(checked) = checked {
                            thread.checks.push(checked);
                        }
                        thread.show(State::Run, now);
                        rules.release(holder, now);
                        thread.step += 1;
                        enter_step(thread, holder, &mut rules, clock, io, now);
                        if matches!(thread.phase, Phase::Done) {
                            thread.end_ms = now;
                            on_finished(thread.id);
                        }
                    }
                    None => {
                        if rules.checkpoint(holder, now) {
                            thread.show(State::Run, now);
                        }
                    }
                }
            }
            None => {
                // Nobody computes: sleep until the first wait is over, or stop when all are done.
                let Some(left) = threads
                    .iter()
                    .filter_map(|t| match &t.phase {
                        Phase::Wait(step) => match step.next(clock) {
                            IoNext::Sleep(ms) => Some(ms),
                            _ => Some(0.0),
                        },
                        _ => None,
                    })
                    .reduce(f64::min)
                else {
                    break;
                };
                if left > 0.0 {
                    io.sleep(left);
                }
                on_slice();
            }
        }
        show_states(&mut threads, &mut rules, clock);
    }
    threads
        .into_iter()
        .map(|thread| TaskDone {
            id: thread.id,
            checked: workloads::combine(&thread.checks),
            start_ms,
            end_ms: thread.end_ms,
            steps: thread.segments,
        })
        .collect()
}

/// Brings every thread's open segment up to date: its state follows from its phase and from
/// who holds the lock.
fn show_states(threads: &mut [Thread], rules: &mut Rules, clock: &impl Clock) {
    let now = rules.at(clock.now_ms());
    let holder = rules.holder();
    for (t, thread) in threads.iter_mut().enumerate() {
        let state = match thread.phase {
            _ if holder == Some(t as u32) => State::Run,
            Phase::Compute(_) | Phase::Return => State::WaitGil,
            Phase::Wait(_) => State::WaitIo,
            Phase::Done => continue,
        };
        thread.show(state, now);
    }
}

/// Starts thread `t`'s step `thread.step` at `now`: a CPU step asks for the lock, a wait begins,
/// a fetch is made at once (see the module note); past the last step the thread is done.
fn enter_step(
    thread: &mut Thread,
    t: u32,
    rules: &mut Rules,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    now: f64,
) {
    loop {
        let Some(spec) = thread.steps.get(thread.step).copied() else {
            thread.phase = Phase::Done;
            // Close the open segment: the thread's last turn.
            if now > thread.since {
                thread
                    .segments
                    .push(Segment::new(thread.state, thread.since, now));
            }
            thread.since = now;
            return;
        };
        if let Some(mut step) = spec.io_step(clock) {
            // Requests are made at once (see the module note); a wait becomes the phase.
            let begin = clock.now_ms();
            while let IoNext::Fetch(path) = step.next(clock) {
                step.fetched(io.fetch(path));
            }
            match step.next(clock) {
                IoNext::Done(answer) => {
                    thread.show(State::WaitIo, begin);
                    thread.checks.push(Checked::of(&spec, answer));
                    thread.phase = Phase::Return;
                    rules.request(t, clock.now_ms());
                }
                _ => thread.phase = Phase::Wait(step),
            }
            return;
        }
        match spec.kind {
            WorkloadKind::Data => {
                let payload = thread.payloads.pop_front().unwrap_or_default();
                thread.phase = Phase::Compute(Runner::Data(data::DataTransform::new(payload)));
            }
            _ => {
                let Some(runner) = spec.runner() else {
                    thread.step += 1;
                    continue;
                };
                thread.phase = Phase::Compute(runner);
            }
        }
        rules.request(t, now);
        return;
    }
}

#[cfg(test)]
mod test;
