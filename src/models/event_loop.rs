//! The async model's executor: one thread, a ready queue, timers and yield points, instrumented.
//!
//! This is what `asyncio`'s event loop does, small enough to read, and it records what each task
//! was doing at every moment. The rules are in `event_loop/README.md`; in short:
//!
//! 1. Ready tasks run one at a time, first in first out. A task runs until it awaits.
//! 2. Awaiting [`Handle::yield_now`] puts it at the back of the ready queue (state `ready`).
//! 3. Awaiting [`Handle::sleep_until`] parks it until its deadline (state `wait_io`); when the deadline
//!    passes it joins the back of the ready queue, timers in deadline order.
//! 4. When nothing is ready, [`Scheduler::tick`] says when the next timer is due; the driver
//!    waits until then (the browser: `setTimeout`; a test: it moves its fake clock).
//! 5. A foreign future (a `fetch`) is awaited through [`Handle::external`]: the task waits
//!    (`wait_io`) until the future wakes it.
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
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use futures::task::{ArcWake, AtomicWaker};

use crate::core::metrics::Clock;
use crate::core::trace::{Segment, State};
use crate::workloads::io::AsyncIo;

/// Index of a task in the scheduler, in spawn order.
pub type TaskId = usize;

/// What [`Scheduler::tick`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tick {
    /// Ran one task until it awaited or finished.
    Ran(TaskId),
    /// Nothing is ready. The driver waits until the earliest timer (if any) or until an
    /// external wait completes ([`Scheduler::woken`]), whichever comes first.
    Idle {
        /// When the next sleeping task wakes; `None` if only external waits are pending.
        until_ms: Option<f64>,
    },
    /// Every task has finished.
    Done,
}

/// Why a task stopped running: set by the awaited future, read by the scheduler.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Park {
    Yield,
    Sleep {
        until_ms: f64,
    },
    /// Awaiting a foreign future (a `fetch`): woken through the task's waker.
    External,
}

/// Tasks whose external waits completed, and the driver waiting to hear about it. Behind an
/// `Arc<Mutex<…>>` only because `Waker` must be `Send + Sync`; everything runs on one thread.
#[derive(Debug, Default)]
struct Wakeups {
    woken: Mutex<Vec<TaskId>>,
    driver: AtomicWaker,
}

/// The waker handed to a task: marks it woken and wakes the driver.
struct TaskWaker {
    id: TaskId,
    wakeups: Arc<Wakeups>,
}

impl ArcWake for TaskWaker {
    fn wake_by_ref(this: &Arc<Self>) {
        this.wakeups
            .woken
            .lock()
            .expect("single-threaded: never poisoned")
            .push(this.id);
        this.wakeups.driver.wake();
    }
}

/// State shared between the scheduler and the futures its tasks await.
#[derive(Debug, Default)]
struct Shared {
    /// Set by a [`YieldNow`], [`Sleep`] or [`External`] when it returns `Pending`.
    park: Option<Park>,
    /// The task being polled, while one is: an [`External`] makes its waker for it.
    current: Option<TaskId>,
    /// Where a task's waker reports that its external wait completed.
    wakeups: Arc<Wakeups>,
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

    /// Awaits a foreign future (a `fetch`), leaving the thread to the others meanwhile; the task
    /// is `wait_io` until the future wakes it.
    pub fn external<F: Future>(&self, future: F) -> External<F> {
        External {
            shared: self.shared.clone(),
            inner: Box::pin(future),
            waker: None,
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

/// The scheduler's timers as a task's I/O (`AsyncIo`); `fetch` needs the browser, so here it
/// fails (the browser driver has its own `AsyncIo` that fetches through [`Handle::external`]).
#[derive(Debug, Clone)]
pub struct TimerIo<C> {
    /// The scheduler's handle.
    pub handle: Handle,
    /// The scheduler's clock.
    pub clock: C,
}

impl<C: Clock> AsyncIo for TimerIo<C> {
    fn sleep(&self, ms: f64) -> impl Future<Output = ()> {
        self.handle.sleep_until(self.clock.now_ms() + ms)
    }

    fn fetch(&self, path: &str) -> impl Future<Output = Result<u64, String>> {
        std::future::ready(Err(format!("no network here to fetch {path}")))
    }
}

/// Future of [`Handle::external`].
#[derive(Debug)]
pub struct External<F> {
    shared: Rc<RefCell<Shared>>,
    inner: Pin<Box<F>>,
    /// The waker the foreign future gets: it marks this task woken. Made on the first poll,
    /// here rather than per task at spawn — most tasks never wait on a foreign future, and a
    /// waker is an allocation (docs/BENCHMARKS.md, B5). It wakes the task, not whatever polled
    /// this future: await an `External` from the task itself, not inside a combinator that
    /// gives its children wakers of their own (`FuturesUnordered`, `buffer_unordered`), which
    /// would never hear of the wake-up.
    waker: Option<Waker>,
}

impl<F: Future> Future for External<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let waker = this.waker.get_or_insert_with(|| {
            let shared = this.shared.borrow();
            futures::task::waker(Arc::new(TaskWaker {
                id: shared
                    .current
                    .expect("an External is polled by its task, in a tick"),
                wakeups: shared.wakeups.clone(),
            }))
        });
        match this.inner.as_mut().poll(&mut Context::from_waker(waker)) {
            Poll::Ready(out) => Poll::Ready(out),
            Poll::Pending => {
                self.shared.borrow_mut().park = Some(Park::External);
                Poll::Pending
            }
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
}

/// Every task's segments, in the order they ended: one log for all the tasks rather than a
/// vector each (an allocation per task less; [`Scheduler::segments`] sorts them out).
type Log = Vec<(TaskId, Segment)>;

impl Task {
    /// Ends the task's current segment at `now_ms` (into `log`) and starts one in `state`.
    fn enter(&mut self, id: TaskId, state: State, now_ms: f64, log: &mut Log) {
        log.push((id, Segment::new(self.state, self.since_ms, now_ms)));
        self.state = state;
        self.since_ms = now_ms;
    }
}

/// Future of [`Scheduler::woken`].
#[derive(Debug)]
pub struct Woken {
    wakeups: Arc<Wakeups>,
}

impl Future for Woken {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.wakeups.driver.register(cx.waker());
        if self
            .wakeups
            .woken
            .lock()
            .expect("never poisoned")
            .is_empty()
        {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
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
    /// Tasks parked on an external wait.
    waiting: Vec<TaskId>,
    /// The order in which tasks ran, one entry per tick.
    run_log: Vec<TaskId>,
    /// When the last tick ended.
    last_end_ms: f64,
    /// The tasks' segments.
    log: Log,
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
            waiting: Vec::new(),
            run_log: Vec::new(),
            last_end_ms: f64::NAN,
            log: Vec::new(),
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

    /// Makes room for `tasks` more tasks, each run in one go (a batch spawned at once: its
    /// bookkeeping then grows without reallocating).
    pub fn reserve(&mut self, tasks: usize) {
        self.tasks.reserve(tasks);
        self.ready.reserve(tasks);
        self.run_log.reserve(tasks);
        // A `ready` and a `run` segment each.
        self.log.reserve(2 * tasks);
    }

    /// Adds a task at the back of the ready queue (`asyncio.create_task`).
    pub fn spawn(&mut self, future: impl Future<Output = ()> + 'static) -> TaskId {
        let now_ms = self.clock.now_ms();
        self.spawn_at(future, now_ms)
    }

    /// [`Scheduler::spawn`] at `now_ms`, a reading of the clock the caller took: a batch
    /// spawned in one go can share one.
    pub fn spawn_at(&mut self, future: impl Future<Output = ()> + 'static, now_ms: f64) -> TaskId {
        let id = self.tasks.len();
        self.tasks.push(Task {
            future: Some(Box::pin(future)),
            state: State::Ready,
            since_ms: now_ms,
            spawned_ms: now_ms,
        });
        self.ready.push_back(id);
        id
    }

    /// Moves every task whose timer is due to the ready queue, earliest deadline first.
    fn wake_due(&mut self, now_ms: f64) {
        if self.timers.is_empty() {
            return;
        }
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
            let since_ms = task.since_ms;
            task.enter(id, State::Ready, at.max(since_ms), &mut self.log);
            self.ready.push_back(id);
        }
    }

    /// Moves tasks whose external wait completed to the ready queue.
    fn wake_external(&mut self, now_ms: f64) {
        // While no task waits, there is no lock to take on every tick: a wake-up now is a late
        // one, for a task that waits no more (see `forget_late_wakeups`), or an early one, from
        // the task being parked on its foreign future this very tick — it joins `waiting` when
        // its poll returns, and the next tick finds the wake-up.
        if self.waiting.is_empty() {
            return;
        }
        let woken = std::mem::take(&mut *self.wakeups().woken.lock().expect("never poisoned"));
        for id in woken {
            if let Some(i) = self.waiting.iter().position(|&w| w == id) {
                self.waiting.swap_remove(i);
                self.tasks[id].enter(id, State::Ready, now_ms, &mut self.log);
                self.ready.push_back(id);
            }
        }
    }

    /// Where the tasks' wakers report (held in `shared`, where an [`External`] finds it). Looked
    /// up only while a task waits or the loop is idle, never on a busy tick.
    fn wakeups(&self) -> Arc<Wakeups> {
        self.shared.borrow().wakeups.clone()
    }

    /// Drops the wake-ups of tasks that wait no more (a foreign future may wake its task more
    /// than once), which `wake_external` leaves while no task waits: with nothing ready, they
    /// would make [`Scheduler::woken`] resolve at once, and the driver spin.
    fn forget_late_wakeups(&mut self) {
        if self.waiting.is_empty() {
            self.wakeups().woken.lock().expect("never poisoned").clear();
        }
    }

    /// Resolves once an external wait has completed (the driver awaits it when idle).
    pub fn woken(&self) -> Woken {
        Woken {
            wakeups: self.wakeups(),
        }
    }

    /// Runs the next ready task until it awaits or finishes.
    pub fn tick(&mut self) -> Tick {
        let now_ms = self.clock.now_ms();
        self.tick_at(now_ms)
    }

    /// [`Scheduler::tick`] with a reading of the clock the caller took just before — typically
    /// [`Scheduler::last_end_ms`] when it ticks again straight away. A tick then reads the clock
    /// once, when its task stops: with thousands of tiny tasks, the clock readings are a good
    /// part of the cost per task (docs/BENCHMARKS.md, B5).
    pub fn tick_at(&mut self, now_ms: f64) -> Tick {
        self.wake_due(now_ms);
        self.wake_external(now_ms);
        let Some(id) = self.ready.pop_front() else {
            self.forget_late_wakeups();
            let until_ms = self.timers.iter().map(|t| t.0).min_by(f64::total_cmp);
            return if until_ms.is_none() && self.waiting.is_empty() {
                Tick::Done
            } else {
                Tick::Idle { until_ms }
            };
        };
        self.run_log.push(id);
        let task = &mut self.tasks[id];
        task.enter(id, State::Run, now_ms, &mut self.log);
        let mut future = task.future.take().expect("a ready task has its future");
        {
            let mut shared = self.shared.borrow_mut();
            shared.park = None;
            shared.current = Some(id);
        }
        // Our own awaits need no waker: they tell the scheduler why they stopped (`park`), and
        // an `External` gives its foreign future a waker of its own.
        let poll = future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        let end_ms = self.clock.now_ms();
        self.last_end_ms = end_ms;
        let park = {
            let mut shared = self.shared.borrow_mut();
            shared.current = None;
            shared.park.take()
        };
        let task = &mut self.tasks[id];
        match (poll, park) {
            (Poll::Ready(()), _) => {
                self.log
                    .push((id, Segment::new(State::Run, task.since_ms, end_ms)));
                task.since_ms = end_ms;
            }
            (Poll::Pending, Some(Park::Yield)) => {
                task.future = Some(future);
                task.enter(id, State::Ready, end_ms, &mut self.log);
                self.ready.push_back(id);
            }
            (Poll::Pending, Some(Park::Sleep { until_ms })) => {
                task.future = Some(future);
                task.enter(id, State::WaitIo, end_ms, &mut self.log);
                self.timers.push((until_ms, id));
            }
            (Poll::Pending, Some(Park::External)) => {
                task.future = Some(future);
                task.enter(id, State::WaitIo, end_ms, &mut self.log);
                self.waiting.push(id);
            }
            (Poll::Pending, None) => {
                // Only our own futures may suspend a task (a foreign one goes through
                // `Handle::external`): anything else would never be woken.
                panic!("task {id} awaited a future this scheduler does not drive");
            }
        }
        Tick::Ran(id)
    }

    /// When the last [`Tick::Ran`] ended (NaN before the first).
    pub fn last_end_ms(&self) -> f64 {
        self.last_end_ms
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
        let mut segments = vec![Vec::new(); self.tasks.len()];
        for &(id, segment) in &self.log {
            segments[id].push(segment);
        }
        segments
            .into_iter()
            .map(crate::core::trace::compact_vec)
            .collect()
    }
}

#[cfg(test)]
mod test;
