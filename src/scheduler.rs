//! The async model's executor: one thread, a ready queue, timers and yield points, instrumented.
//!
//! This is what `asyncio`'s event loop does, small enough to read, and it records what each task
//! was doing at every moment. The rules are in `scheduler/README.md`; in short:
//!
//! 1. Ready tasks run one at a time, first in first out. A task runs until it awaits.
//! 2. Awaiting [`Handle::yield_now`] puts it at the back of the ready queue (state `ready`).
//! 3. Awaiting [`Handle::sleep_until`] parks it until its deadline (state `wait_io`); when the deadline
//!    passes it joins the back of the ready queue, timers in deadline order.
//! 4. When nothing is ready, [`Scheduler::tick`] says when the next timer is due; the driver
//!    waits until then (the browser: `setTimeout`; a test: it moves its fake clock).
//!
//! A task that never awaits (CPU work in "naive" mode) keeps the thread for its whole run: every
//! other task, and in the browser the page itself, waits — seed article 001's warning.
//!
//! The scheduler is pure: the browser driver (`web::event_loop`) gives the browser a turn after
//! every tick, and the host tests drive it with a fake clock for exact interleavings.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::task::noop_waker_ref;

use crate::metrics::Clock;
use crate::trace::{Segment, State};

/// Index of a task in the scheduler, in spawn order.
pub type TaskId = usize;

/// What [`Scheduler::tick`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tick {
    /// Ran one task until it awaited or finished.
    Ran(TaskId),
    /// Nothing is ready; the earliest timer is due at this time (ms).
    Idle {
        /// When the next sleeping task wakes.
        until_ms: f64,
    },
    /// Every task has finished.
    Done,
}

/// Why a task stopped running: set by the awaited future, read by the scheduler.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Park {
    Yield,
    Sleep { until_ms: f64 },
}

/// State shared between the scheduler and the futures its tasks await.
#[derive(Debug, Default)]
struct Shared {
    /// Set by a [`YieldNow`] or [`Sleep`] when it returns `Pending`.
    park: Option<Park>,
}

/// Given to every task: the awaitable yield points.
#[derive(Debug, Clone)]
pub struct Handle {
    shared: Rc<RefCell<Shared>>,
}

impl Handle {
    /// Lets every other ready task run before this one continues.
    pub fn yield_now(&self) -> YieldNow {
        self.yield_if(true)
    }

    /// [`Handle::yield_now`] when `yield_` is true; otherwise a point that does not yield (the
    /// naive mode's CPU loop, which never gives the thread up).
    pub fn yield_if(&self, yield_: bool) -> YieldNow {
        YieldNow {
            shared: self.shared.clone(),
            parked: !yield_,
        }
    }

    /// Waits until `until_ms` on a timer, leaving the thread to the others meanwhile.
    pub fn sleep_until(&self, until_ms: f64) -> Sleep {
        Sleep {
            shared: self.shared.clone(),
            until_ms,
            parked: false,
        }
    }
}

/// Future of [`Handle::yield_now`].
#[derive(Debug)]
pub struct YieldNow {
    shared: Rc<RefCell<Shared>>,
    parked: bool,
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.parked {
            return Poll::Ready(());
        }
        self.parked = true;
        self.shared.borrow_mut().park = Some(Park::Yield);
        Poll::Pending
    }
}

/// Future of [`Handle::sleep_until`].
#[derive(Debug)]
pub struct Sleep {
    shared: Rc<RefCell<Shared>>,
    until_ms: f64,
    parked: bool,
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.parked {
            return Poll::Ready(());
        }
        self.parked = true;
        let until_ms = self.until_ms;
        self.shared.borrow_mut().park = Some(Park::Sleep { until_ms });
        Poll::Pending
    }
}

type TaskFuture = Pin<Box<dyn Future<Output = ()>>>;

struct Task {
    /// `None` once finished.
    future: Option<TaskFuture>,
    /// What the task is doing now, since when.
    state: State,
    since_ms: f64,
    spawned_ms: f64,
    segments: Vec<Segment>,
}

impl Task {
    fn enter(&mut self, state: State, now_ms: f64) {
        self.segments
            .push(Segment::new(self.state, self.since_ms, now_ms));
        self.state = state;
        self.since_ms = now_ms;
    }
}

/// The executor. Spawn tasks, then call [`Scheduler::tick`] until it returns [`Tick::Done`].
pub struct Scheduler<C: Clock> {
    clock: C,
    shared: Rc<RefCell<Shared>>,
    tasks: Vec<Task>,
    ready: VecDeque<TaskId>,
    /// Sleeping tasks and when they wake, unsorted: there are few.
    timers: Vec<(f64, TaskId)>,
    /// The order in which tasks ran, one entry per tick.
    run_log: Vec<TaskId>,
}

impl<C: Clock> std::fmt::Debug for Scheduler<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("tasks", &self.tasks.len())
            .field("ready", &self.ready)
            .field("timers", &self.timers)
            .finish()
    }
}

impl<C: Clock> Scheduler<C> {
    /// An empty scheduler on `clock`.
    pub fn new(clock: C) -> Scheduler<C> {
        Scheduler {
            clock,
            shared: Rc::default(),
            tasks: Vec::new(),
            ready: VecDeque::new(),
            timers: Vec::new(),
            run_log: Vec::new(),
        }
    }

    /// The handle tasks await on.
    pub fn handle(&self) -> Handle {
        Handle {
            shared: self.shared.clone(),
        }
    }

    /// The scheduler's clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// Adds a task at the back of the ready queue (`asyncio.create_task`).
    pub fn spawn(&mut self, future: impl Future<Output = ()> + 'static) -> TaskId {
        let id = self.tasks.len();
        self.tasks.push(Task {
            future: Some(Box::pin(future)),
            state: State::Ready,
            since_ms: self.clock.now_ms(),
            spawned_ms: self.clock.now_ms(),
            segments: Vec::new(),
        });
        self.ready.push_back(id);
        id
    }

    /// Moves every task whose timer is due to the ready queue, earliest deadline first.
    fn wake_due(&mut self, now_ms: f64) {
        self.timers
            .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let due = self
            .timers
            .iter()
            .take_while(|(at, _)| *at <= now_ms)
            .count();
        for (at, id) in self.timers.drain(..due) {
            // The wait ended at the deadline, even if we notice only now: from then on the task
            // was ready and waiting for the thread.
            let task = &mut self.tasks[id];
            task.enter(State::Ready, at.max(task.since_ms));
            self.ready.push_back(id);
        }
    }

    /// Runs the next ready task until it awaits or finishes.
    pub fn tick(&mut self) -> Tick {
        let now_ms = self.clock.now_ms();
        self.wake_due(now_ms);
        let Some(id) = self.ready.pop_front() else {
            return match self.timers.iter().map(|t| t.0).min_by(f64::total_cmp) {
                Some(until_ms) => Tick::Idle { until_ms },
                None => Tick::Done,
            };
        };
        self.run_log.push(id);
        let task = &mut self.tasks[id];
        task.enter(State::Run, now_ms);
        let mut future = task.future.take().expect("a ready task has its future");
        self.shared.borrow_mut().park = None;
        let poll = future
            .as_mut()
            .poll(&mut Context::from_waker(noop_waker_ref()));
        let end_ms = self.clock.now_ms();
        let park = self.shared.borrow_mut().park.take();
        let task = &mut self.tasks[id];
        match (poll, park) {
            (Poll::Ready(()), _) => {
                task.segments
                    .push(Segment::new(State::Run, task.since_ms, end_ms));
                task.since_ms = end_ms;
            }
            (Poll::Pending, Some(Park::Yield)) => {
                task.future = Some(future);
                task.enter(State::Ready, end_ms);
                self.ready.push_back(id);
            }
            (Poll::Pending, Some(Park::Sleep { until_ms })) => {
                task.future = Some(future);
                task.enter(State::WaitIo, end_ms);
                self.timers.push((until_ms, id));
            }
            (Poll::Pending, None) => {
                // Only our own futures may suspend a task: anything else would never be woken.
                panic!("task {id} awaited a future this scheduler does not drive");
            }
        }
        Tick::Ran(id)
    }

    /// Whether a task has finished (outside [`Scheduler::tick`], only finished tasks have no
    /// future).
    pub fn is_finished(&self, id: TaskId) -> bool {
        self.tasks[id].future.is_none()
    }

    /// The order in which tasks ran, one entry per tick.
    pub fn run_log(&self) -> &[TaskId] {
        &self.run_log
    }

    /// When each task was spawned, in task order.
    pub fn spawned_at(&self) -> Vec<f64> {
        self.tasks.iter().map(|t| t.spawned_ms).collect()
    }

    /// Each task's segments so far, without zero-length ones, in task order.
    pub fn segments(&self) -> Vec<Vec<Segment>> {
        self.tasks
            .iter()
            .map(|t| crate::trace::compact(t.segments.iter().copied()))
            .collect()
    }
}

#[cfg(test)]
mod test;
