//! Exact interleavings with a fake clock: each test states the rule it demonstrates.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use super::*;
use crate::core::metrics::fake::{ManualClock, SteppingClock};

/// Drives the scheduler to the end, jumping the clock to the next timer when idle.
fn run_to_completion(scheduler: &mut Scheduler<ManualClock>) {
    loop {
        match scheduler.tick() {
            Tick::Ran(_) => {}
            Tick::Idle {
                until_ms: Some(until_ms),
            } => {
                let clock = scheduler.clock().clone();
                clock.set(until_ms.max(clock.now_ms()));
            }
            Tick::Idle { until_ms: None } => panic!("no external waits in these tests"),
            Tick::Done => break,
        }
    }
}

fn states(segments: &[Segment]) -> Vec<State> {
    segments.iter().map(|s| s.state).collect()
}

#[test]
fn yielding_tasks_take_turns_in_fifo_order() {
    let mut s = Scheduler::new(ManualClock::default());
    for _ in 0..3 {
        let h = s.handle();
        s.spawn(async move {
            h.yield_now().await;
            h.yield_now().await;
        });
    }
    run_to_completion(&mut s);
    assert_eq!(s.run_log(), [0, 1, 2, 0, 1, 2, 0, 1, 2]);
    assert!((0..3).all(|id| s.is_finished(id)));
}

#[test]
fn gather_of_sleeps_takes_the_longest_not_the_sum() {
    // Seed 001: tasks A, B, C sleep 2, 3 and 1 s; asyncio.gather finishes in 3 s, not 6.
    let clock = ManualClock::default();
    let mut s = Scheduler::new(clock.clone());
    let finished = Rc::new(RefCell::new(Vec::new()));
    for (name, secs) in [("A", 2.0), ("B", 3.0), ("C", 1.0)] {
        let (h, clock, finished) = (s.handle(), clock.clone(), finished.clone());
        s.spawn(async move {
            h.sleep_until(clock.now_ms() + secs * 1000.0).await;
            finished.borrow_mut().push((name, clock.now_ms()));
        });
    }
    run_to_completion(&mut s);
    assert_eq!(
        *finished.borrow(),
        [("C", 1000.0), ("A", 2000.0), ("B", 3000.0)]
    );
    assert_eq!(clock.now_ms(), 3000.0);
    // Each task waited on its timer (its runs took no time on this clock).
    let segments = s.segments();
    assert_eq!(segments[1], [Segment::new(State::WaitIo, 0.0, 3000.0)]);
}

#[test]
fn a_task_that_never_awaits_holds_the_loop_while_the_others_wait() {
    // Seed 001's warning: a blocking step inside a coroutine stalls every other task.
    let clock = ManualClock::default();
    let mut s = Scheduler::new(clock.clone());
    let (h, c) = (s.handle(), clock.clone());
    s.spawn(async move {
        h.sleep_until(c.now_ms() + 10.0).await;
    });
    let c = clock.clone();
    s.spawn(async move {
        c.advance(50.0); // 50 ms of CPU work without an await
    });
    run_to_completion(&mut s);
    let segments = s.segments();
    // Task 0's timer was due at 10 ms, but it could only run at 50, when task 1 let go.
    assert_eq!(
        segments[0],
        [
            Segment::new(State::WaitIo, 0.0, 10.0),
            Segment::new(State::Ready, 10.0, 50.0),
        ]
    );
    assert_eq!(segments[1], [Segment::new(State::Run, 0.0, 50.0)]);
}

#[test]
fn cooperative_cpu_work_interleaves_and_records_ready_time() {
    let clock = ManualClock::default();
    let mut s = Scheduler::new(clock.clone());
    for _ in 0..2 {
        let (h, c) = (s.handle(), clock.clone());
        s.spawn(async move {
            for _ in 0..3 {
                c.advance(1.0); // one 1 ms slice
                h.yield_now().await;
            }
        });
    }
    run_to_completion(&mut s);
    assert_eq!(s.run_log(), [0, 1, 0, 1, 0, 1, 0, 1]);
    let segments = s.segments();
    assert_eq!(
        states(&segments[0]),
        [
            State::Run,
            State::Ready,
            State::Run,
            State::Ready,
            State::Run,
            State::Ready
        ]
    );
    // Task 1 waited for task 0's first slice before its own.
    assert_eq!(segments[1][0], Segment::new(State::Ready, 0.0, 1.0));
}

#[test]
fn the_kernels_run_as_scheduler_tasks() {
    use crate::core::control::RunControl;
    use crate::workloads::{self, WorkloadKind, WorkloadSpec};
    let clock = ManualClock::default();
    let mut s = Scheduler::new(clock.clone());
    let answers = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..2 {
        let (h, c, answers) = (s.handle(), clock.clone(), answers.clone());
        s.spawn(async move {
            let spec = WorkloadSpec {
                kind: WorkloadKind::Primes,
                n: 1_000_000,
            };
            let control = RunControl::default();
            let checked = workloads::run_async(
                &spec,
                &control,
                &c,
                || h.yield_now(),
                &TimerIo {
                    handle: h.clone(),
                    clock: c.clone(),
                },
                || (),
            )
            .await;
            answers.borrow_mut().push(checked);
        });
    }
    run_to_completion(&mut s);
    let ok = Some(crate::core::record::Checked {
        answer: 78_498,
        ok: true,
        expected: Some(78_498),
        cpu: None,
    });
    assert_eq!(*answers.borrow(), [ok, ok]);
    let switches = s.run_log().windows(2).filter(|w| w[0] != w[1]).count();
    assert!(
        switches > 2,
        "the two sieves interleaved slice by slice: {switches}"
    );
}

#[test]
fn an_external_wait_parks_the_task_until_its_future_wakes_it() {
    let clock = ManualClock::default();
    let mut s = Scheduler::new(clock.clone());
    let (tx, rx) = futures::channel::oneshot::channel::<u64>();
    let got = Rc::new(Cell::new(0));
    let (h, g) = (s.handle(), got.clone());
    s.spawn(async move {
        g.set(h.external(rx).await.unwrap());
    });
    let h = s.handle();
    s.spawn(async move {
        h.yield_now().await;
    });
    assert_eq!(
        s.tick(),
        Tick::Ran(0),
        "task 0 starts its request and parks"
    );
    assert_eq!(s.tick(), Tick::Ran(1));
    assert_eq!(s.tick(), Tick::Ran(1), "only task 1 is ready meanwhile");
    assert_eq!(
        s.tick(),
        Tick::Idle { until_ms: None },
        "waiting on the outside world"
    );
    let mut woken = s.woken();
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(std::pin::Pin::new(&mut woken).poll(&mut cx).is_pending());
    clock.advance(7.0);
    tx.send(42).unwrap();
    assert!(std::pin::Pin::new(&mut woken).poll(&mut cx).is_ready());
    assert_eq!(s.tick(), Tick::Ran(0));
    assert_eq!(s.tick(), Tick::Done);
    assert_eq!(got.get(), 42);
    assert_eq!(s.segments()[0], [Segment::new(State::WaitIo, 0.0, 7.0)]);
}

/// A foreign future that is ready on its second poll, keeping the waker it was given.
#[derive(Debug, Default)]
struct WakesLater {
    polled: bool,
    waker: Rc<RefCell<Option<Waker>>>,
}

impl Future for WakesLater {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.polled, true) {
            return Poll::Ready(());
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn a_late_wake_up_does_not_wake_the_driver_of_an_idle_loop() {
    let clock = ManualClock::default();
    let mut s = Scheduler::new(clock.clone());
    let h = s.handle();
    s.spawn(async move { h.sleep_until(10.0).await });
    // The foreign future's task is task 1: its waker must be made for the task being polled.
    let foreign = WakesLater::default();
    let waker = foreign.waker.clone();
    let h = s.handle();
    s.spawn(async move { h.external(foreign).await });
    assert_eq!(s.tick(), Tick::Ran(0), "task 0 sleeps");
    assert_eq!(s.tick(), Tick::Ran(1), "task 1 parks on its foreign future");
    let waker = waker
        .borrow_mut()
        .take()
        .expect("task 1 gave its future a waker");
    waker.wake_by_ref();
    assert_eq!(s.tick(), Tick::Ran(1), "woken, task 1 finishes");
    // The foreign future wakes its task again, after the task has finished.
    waker.wake();
    assert_eq!(
        s.tick(),
        Tick::Idle {
            until_ms: Some(10.0)
        }
    );
    let mut woken = s.woken();
    let noop = futures::task::noop_waker();
    assert!(
        Pin::new(&mut woken)
            .poll(&mut Context::from_waker(&noop))
            .is_pending(),
        "nothing new to wait for: the driver sleeps until the timer instead of spinning"
    );
    clock.advance(10.0);
    assert_eq!(s.tick(), Tick::Ran(0));
    assert_eq!(s.tick(), Tick::Done);
}

#[test]
fn back_to_back_ticks_read_the_clock_once_each_and_chain_their_times() {
    let clock = SteppingClock::default();
    let mut s = Scheduler::new(clock.clone());
    for _ in 0..3 {
        s.spawn(async {});
    }
    assert_eq!(clock.reads(), 3, "one reading per spawn");
    let mut now_ms = clock.now_ms();
    for id in 0..3 {
        assert_eq!(s.tick_at(now_ms), Tick::Ran(id));
        now_ms = s.last_end_ms();
    }
    assert_eq!(
        clock.reads(),
        7,
        "one reading per tick: when its task stopped"
    );
    assert_eq!(s.tick_at(now_ms), Tick::Done);
    // Each task ran from the previous one's end (the first from the reading it was given, 4).
    let runs: Vec<(f64, f64)> = s
        .segments()
        .iter()
        .map(|t| {
            let run = t.iter().find(|g| g.state == State::Run).expect("ran");
            (run.start_ms, run.end_ms)
        })
        .collect();
    assert_eq!(runs, [(4.0, 5.0), (5.0, 6.0), (6.0, 7.0)]);
}
