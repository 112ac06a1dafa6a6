//! The snippet's `main`: each model's executor call, with comments where the page's setting has
//! a Python counterpart.

use std::fmt::Write as _;

use super::code::{Code, py_seconds};
use crate::config::{
    AsyncMode, Nesting, PayloadMode, RunConfig, StartMethod, python_default_workers,
};
use crate::models::Model;
use crate::workloads::WorkloadKind;

pub(super) fn blocking_main(config: &RunConfig) -> Vec<String> {
    vec![format!(
        "# one task after another on the only thread: nothing else runs meanwhile\n\
         # (a blocking Tornado handler holds up every other request the same way)\n\
         results = []\n\
         for i in range({tasks}):\n    results.append(task(i))",
        tasks = config.tasks
    )]
}

pub(super) fn async_main(config: &RunConfig, code: &mut Code) -> Vec<String> {
    code.imports.insert("import asyncio");
    let has_cpu = (0..config.tasks).any(|t| config.task_steps(t).iter().any(|s| !s.kind.is_io()));
    let mut out = String::new();
    if has_cpu {
        out.push_str(match config.async_mode {
            AsyncMode::Cooperative => {
                "# cooperative: every CPU slice ends in `await asyncio.sleep(0)`, so the tasks\n\
                 # take turns on the one thread and the loop stays responsive — but it is still\n\
                 # one thread, so CPU work gets no faster\n"
            }
            AsyncMode::Naive => {
                "# naive: the CPU work never awaits, so each task runs to the end before the\n\
                 # loop can run anything else\n"
            }
        });
    }
    let _ = write!(
        out,
        "async def main():\n    return await asyncio.gather(*(task(i) for i in range({})))\n\n\
         results = asyncio.run(main())",
        config.tasks
    );
    vec![out]
}

/// The comment explaining where `max_workers` came from when the page chose it.
pub(super) fn automatic_workers_note(
    config: &RunConfig,
    cores: u32,
    threads: bool,
) -> Option<String> {
    if config.workers.is_some() {
        return None;
    }
    let workers = config.workers_for(cores);
    let default = if threads {
        format!("min(32, cores + 4) = {}", python_default_workers(cores))
    } else {
        format!("one per core ({cores})")
    };
    Some(format!(
        "# max_workers={workers}: the page's automatic choice, one per core ({cores}) but no more\n\
         # than the tasks; left out, Python would use {default}"
    ))
}

pub(super) fn pool_main(
    model: Model,
    config: &RunConfig,
    cores: u32,
    nesting: Nesting,
    code: &mut Code,
) -> Vec<String> {
    code.from_imports
        .insert("from concurrent.futures import ThreadPoolExecutor");
    let workers = config.workers_for(cores);
    let mut blocks = Vec::new();
    let mut header = String::new();
    if model == Model::PoolGil {
        code.imports.insert("import sys");
        let seconds = py_seconds(u64::from(config.switch_ms));
        let _ = writeln!(
            header,
            "# CPython with the GIL; sys.setswitchinterval({seconds}) is the page's {ms} ms\n\
             # switch interval: one thread runs Python code at a time, the holder is asked to\n\
             # let go every {ms} ms, and time.sleep or a socket read releases it while waiting\n\
             sys.setswitchinterval({seconds})",
            ms = config.switch_ms
        );
    } else {
        header.push_str(
            "# free-threaded CPython (python3.13t, PEP 703): no GIL, so the threads run\n\
             # Python code in parallel on separate cores\n",
        );
    }
    match nesting {
        Nesting::Off => {}
        Nesting::SamePool => blocks.push(
            "def task(i):\n    \
             # submits its work to the same pool and blocks on the result:\n    \
             # deadlocks when workers <= parents (every worker waits on a queued child)\n    \
             return pool.submit(child, i).result()"
                .to_string(),
        ),
        Nesting::SeparatePool => blocks.push(
            "def task(i):\n    \
             # submits its work to a second pool and blocks on the result: the children\n    \
             # have threads of their own, so the batch completes\n    \
             return children.submit(child, i).result()"
                .to_string(),
        ),
    }
    if let Some(note) = automatic_workers_note(config, cores, true) {
        header.push_str(&note);
        header.push('\n');
    }
    let open = match nesting {
        Nesting::SeparatePool => format!(
            "with ThreadPoolExecutor(max_workers={workers}) as children, \\\n     \
             ThreadPoolExecutor(max_workers={workers}) as pool:"
        ),
        _ => format!("with ThreadPoolExecutor(max_workers={workers}) as pool:"),
    };
    let _ = write!(
        header,
        "{open}\n    results = list(pool.map(task, range({})))",
        config.tasks
    );
    blocks.push(header);
    blocks
}

pub(super) fn processes_main(config: &RunConfig, cores: u32, code: &mut Code) -> Vec<String> {
    code.imports.insert("import multiprocessing");
    code.from_imports
        .insert("from concurrent.futures import ProcessPoolExecutor");
    let workers = config.workers_for(cores);
    let (context, started) = match config.start {
        StartMethod::Spawn => ("spawn", "spawn: every worker starts a fresh interpreter"),
        StartMethod::Forkserver => (
            "forkserver",
            "forkserver: a prepared server process hands out the workers",
        ),
        // The workers were started earlier; Python's equivalent is an executor that outlives
        // one batch, so the context is whatever started it — spawn, as the page's default.
        StartMethod::Warm => ("spawn", "warm: reuse one executor across batches"),
    };
    let mut out = String::from(
        "if __name__ == \"__main__\":  # spawned workers re-import this module: guard the batch\n",
    );
    let _ = writeln!(
        out,
        "    # start={started}\n    # ({})",
        config.start.python_figure()
    );
    let has_data = (0..config.tasks).any(|t| {
        config
            .task_steps(t)
            .iter()
            .any(|s| s.kind == WorkloadKind::Data)
    });
    if has_data {
        out.push_str(match config.payload {
            PayloadMode::Copy => {
                "    # payload=copy: the page serialises each payload and posts a copy — in\n    \
                 # Python, a payload passed to pool.map is pickled into the worker's memory\n"
            }
            PayloadMode::Transfer => {
                "    # payload=transfer: the page moves the buffer to the worker without a copy;\n    \
                 # Python has no equivalent (pickling always copies) — the closest is a\n    \
                 # memoryview over multiprocessing.shared_memory, which shares rather than moves\n"
            }
            PayloadMode::Shared => {
                "    # payload=shared: written once where every worker reads it in place — in\n    \
                 # Python, multiprocessing.shared_memory.SharedMemory: create it here, pass its\n    \
                 # name, attach with SharedMemory(name=...) in the task\n"
            }
        });
    }
    let _ = writeln!(
        out,
        "    # chunksize={}: tasks per message to a worker (fewer round trips, coarser balance)",
        config.chunksize
    );
    if let Some(note) = automatic_workers_note(config, cores, false) {
        for line in note.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    let executor = format!(
        "ProcessPoolExecutor(max_workers={workers}, \
         mp_context=multiprocessing.get_context(\"{context}\"))"
    );
    let map = format!(
        "list(pool.map(task, range({}), chunksize={}))",
        config.tasks, config.chunksize
    );
    if config.start == StartMethod::Warm {
        let _ = write!(
            out,
            "    pool = {executor}  # started once\n    \
             for batch in range(3):  # only the first batch pays for starting workers\n        \
             results = {map}\n    \
             pool.shutdown()"
        );
    } else {
        let _ = write!(out, "    with {executor} as pool:\n        results = {map}");
    }
    vec![out]
}

/// Seed 002's last siege: the server started as several processes, each running its requests
/// on a thread pool under its own GIL.
pub(super) fn hybrid_main(config: &RunConfig, cores: u32, code: &mut Code) -> Vec<String> {
    code.imports.insert("import sys");
    code.from_imports
        .insert("from concurrent.futures import ProcessPoolExecutor");
    code.from_imports
        .insert("from concurrent.futures import ThreadPoolExecutor");
    let workers = config.workers_for(cores);
    let seconds = py_seconds(u64::from(config.switch_ms));
    let share = format!(
        "def process_share(ids):\n    \
         # one process's share of the requests, all at once, as threads under its own GIL\n    \
         sys.setswitchinterval({seconds})\n    \
         with ThreadPoolExecutor(max_workers=len(ids)) as threads:\n        \
         return list(threads.map(task, ids))"
    );
    let main = format!(
        "if __name__ == \"__main__\":\n    \
         # like seed 002's last siege: Tornado started as {workers} processes (server.bind(8000);\n    \
         # server.start({workers})), each handing its requests to a thread pool; the page deals\n    \
         # the tasks out round-robin\n    \
         shares = [list(range(k, {tasks}, {workers})) for k in range({workers})]\n    \
         with ProcessPoolExecutor(max_workers={workers}) as pool:\n        \
         results = [r for share in pool.map(process_share, shares) for r in share]",
        tasks = config.tasks
    );
    vec![share, main]
}
