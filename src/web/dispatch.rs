//! The dispatcher: one thread that talks to the rayon pools for the UI thread.
//!
//! # Why
//! The UI thread may never `Atomics.wait` (the browser throws "Atomics.wait cannot be called in
//! this context"), but rayon's own bookkeeping does: injecting a job wakes a sleeping worker
//! under a `Mutex`, and dropping a pool takes the same locks. They are held for nanoseconds, so
//! a UI thread that calls `spawn_fifo` usually gets away with it — and once in a few hundred
//! runs finds the lock taken, traps, and leaves the run hanging. So the UI thread never calls
//! into rayon: it queues [`Command`]s here with `try_lock` (retrying after a turn of the event
//! loop, never waiting), and this dispatcher — a Web Worker sharing the memory, which may
//! block — spawns the jobs and drops retired pools.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError, TryLockError};
use std::time::Duration;

use crate::models::pool::nested::Job;
use crate::web::{clock, threads};

/// What the dispatcher does for the UI thread.
pub enum Command {
    /// Run `job` on `pool`, first in first out (`spawn_fifo`).
    Spawn(Arc<rayon::ThreadPool>, Job),
    /// Let go of a retired pool here, so its threads are stopped off the UI thread.
    Drop(Arc<rayon::ThreadPool>),
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Command::Spawn(..) => "Spawn",
            Command::Drop(..) => "Drop",
        })
    }
}

/// The commands waiting for the dispatcher.
#[derive(Debug, Default)]
struct Inbox {
    commands: Mutex<VecDeque<Command>>,
    arrived: Condvar,
}

thread_local! {
    /// The dispatcher's Worker, held by the UI thread.
    static DISPATCHER: std::cell::Cell<Option<wasm_bindgen::JsValue>> = const { std::cell::Cell::new(None) };
}

/// The dispatcher's inbox, started with the first command.
static INBOX: OnceLock<Arc<Inbox>> = OnceLock::new();

/// How long the dispatcher sleeps before looking again when no wake-up came: a safety net.
const IDLE_WAIT: Duration = Duration::from_millis(100);

fn inbox() -> Arc<Inbox> {
    INBOX
        .get_or_init(|| {
            let inbox = Arc::new(Inbox::default());
            let mine = inbox.clone();
            // The worker lives as long as the page; keep it referenced from here, as the pools
            // keep theirs (Firefox collects unreferenced workers that share memory).
            let started = threads::spawn(move || run(&mine));
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(worker) = wasm_bindgen_futures::JsFuture::from(started).await {
                    DISPATCHER.with(|d| d.set(Some(worker)));
                }
            });
            inbox
        })
        .clone()
}

/// The dispatcher thread's loop.
fn run(inbox: &Inbox) {
    loop {
        let batch: Vec<Command> = {
            let mut commands = inbox
                .commands
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            while commands.is_empty() {
                commands = inbox
                    .arrived
                    .wait_timeout(commands, IDLE_WAIT)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            commands.drain(..).collect()
        };
        for command in batch {
            match command {
                Command::Spawn(pool, job) => pool.spawn_fifo(job),
                Command::Drop(pool) => drop(pool),
            }
        }
    }
}

/// Hands `commands` to the dispatcher, in order, without ever blocking the calling (UI)
/// thread: if the inbox is locked this instant, it tries again after a turn of the event loop.
pub async fn send(commands: Vec<Command>) {
    let inbox = inbox();
    let mut commands = Some(commands);
    loop {
        let queue = match inbox.commands.try_lock() {
            Ok(queue) => Some(queue),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        };
        if let Some(mut queue) = queue {
            queue.extend(commands.take().into_iter().flatten());
            drop(queue);
            // A notify never waits: it is `Atomics.notify`.
            inbox.arrived.notify_one();
            return;
        }
        clock::yield_now().await;
    }
}
