//! [`snippet`]: the Python a reader would run to try the same batch.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::config::Nesting;
use crate::config::{AsyncMode, PayloadMode, RunConfig, StartMethod, python_default_workers};
use crate::models::Model;
use crate::workloads::{WorkloadKind, WorkloadSpec, hash_chain, io};

/// Most distinct per-task profiles written out in full; the rest are summarised in a comment
/// so a batch of hundreds of profiles does not bury the executor code.
pub(super) const MAX_PROFILES_SHOWN: usize = 4;

/// The Python equivalent of running `config` under `model` on a machine with `cores` logical
/// cores: imports, the task function (its body follows the workload or the step profile) and
/// the executor call, with comments where the page's setting has a Python counterpart.
pub fn snippet(model: Model, config: &RunConfig, cores: u32) -> String {
    let flavor = match (model, config.async_mode) {
        (Model::Async, AsyncMode::Cooperative) => Flavor::Cooperative,
        (Model::Async, AsyncMode::Naive) => Flavor::Naive,
        _ => Flavor::Sync,
    };
    // Sub-tasks are a thread-pool experiment: the other models run the work directly.
    let nesting = if model.is_pool() {
        config.nested
    } else {
        Nesting::Off
    };
    let work = if nesting == Nesting::Off {
        "task"
    } else {
        "child"
    };
    let mut code = Code::default();
    let functions = task_functions(config, flavor, work, &mut code);
    let main = match model {
        Model::Blocking => blocking_main(config),
        Model::Async => async_main(config, &mut code),
        Model::PoolGil | Model::Pool => pool_main(model, config, cores, nesting, &mut code),
        Model::Processes => processes_main(config, cores, &mut code),
        Model::Hybrid => hybrid_main(config, cores, &mut code),
    };

    let mut out = String::new();
    for line in code.imports.iter().chain(&code.from_imports) {
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    if !code.helpers.is_empty() {
        let names: Vec<&str> = code.helpers.iter().copied().collect();
        let _ = writeln!(
            out,
            "# {}: the playground's kernels, written in Python (not shown).\n",
            names.join(", ")
        );
    }
    if code.url {
        let _ = writeln!(
            out,
            "URL = \"http://localhost:8080/{}\"  # the same-origin file the page fetches\n",
            io::SAMPLE_PATH
        );
    }
    for block in functions.iter().chain(&main) {
        out.push_str(block);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// How a task's CPU steps are written: plain code, or inside `async def` with or without
/// yielding between slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    /// A plain function.
    Sync,
    /// `async def`, CPU loops never await (the async model's naive mode).
    Naive,
    /// `async def`, `await asyncio.sleep(0)` after every slice (cooperative mode).
    Cooperative,
}

impl Flavor {
    fn is_async(self) -> bool {
        self != Flavor::Sync
    }
}

/// What the snippet needs besides its functions: imports, the kernels it calls, the URL.
#[derive(Debug, Default)]
pub(super) struct Code {
    imports: BTreeSet<&'static str>,
    from_imports: BTreeSet<&'static str>,
    helpers: BTreeSet<&'static str>,
    url: bool,
}

/// A Python integer literal, with `_` separators once it is long enough to misread.
pub(super) fn py_int(n: u64) -> String {
    let digits = n.to_string();
    if digits.len() < 5 {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// Milliseconds as a Python float of seconds (`200` → `0.2`), as `time.sleep` takes them.
pub(super) fn py_seconds(ms: u64) -> String {
    let s = format!("{}", ms as f64 / 1000.0);
    if s.contains('.') { s } else { format!("{s}.0") }
}

pub(super) fn indent(lines: &[String]) -> impl Iterator<Item = String> + '_ {
    lines.iter().map(|l| format!("    {l}"))
}

/// The comment a cooperative CPU loop ends each slice with.
pub(super) const YIELD: &str = "await asyncio.sleep(0)  # end of a slice: let the other tasks run";

/// One step's Python lines and the expression holding its answer, if it has one worth
/// returning.
pub(super) fn step_code(
    step: WorkloadSpec,
    flavor: Flavor,
    code: &mut Code,
) -> (Vec<String>, Option<String>) {
    let n = py_int(step.n);
    let coop = flavor == Flavor::Cooperative;
    match step.kind {
        WorkloadKind::Count if coop => (
            vec![
                "count = 0".into(),
                format!("for k in range({n}):"),
                "    count += 1".into(),
                "    if k % 100_000 == 99_999:".into(),
                format!("        {YIELD}"),
            ],
            Some("count".into()),
        ),
        WorkloadKind::Count => (
            vec![
                "count = 0".into(),
                format!("for _ in range({n}):"),
                "    count += 1".into(),
            ],
            Some("count".into()),
        ),
        WorkloadKind::Cpu => {
            // The deadline is on this thread's own CPU time, as the playground's `cpu` step's
            // is: waiting for the GIL and being descheduled do not count. On a wall-clock
            // deadline four GIL threads would all stop after n ms with a quarter of the work
            // each (tools/cpu_time_check.py measures both in your CPython).
            code.imports.insert("import time");
            let v = if coop {
                // The coroutines share one thread, and so its CPU clock: each counts its own
                // slices, as the page's scheduler does.
                vec![
                    format!("# CPU-bound for {} ms of this task's own time", step.n),
                    "count, ran = 0, 0.0".into(),
                    format!("while ran < {}:", py_seconds(step.n)),
                    "    start = time.thread_time()".into(),
                    format!(
                        "    slice_end = start + min(0.001, {} - ran)",
                        py_seconds(step.n)
                    ),
                    "    while time.thread_time() < slice_end:".into(),
                    "        for _ in range(10_000):".into(),
                    "            count += 1".into(),
                    "    ran += time.thread_time() - start".into(),
                    format!("    {YIELD}"),
                ]
            } else {
                vec![
                    format!("# CPU-bound for {} ms of this thread's own time", step.n),
                    "count = 0".into(),
                    format!("end = time.thread_time() + {}", py_seconds(step.n)),
                    "while time.thread_time() < end:".into(),
                    "    for _ in range(10_000):".into(),
                    "        count += 1".into(),
                ]
            };
            (v, Some("count".into()))
        }
        WorkloadKind::Primes if coop => {
            code.helpers.insert("count_primes_between");
            (
                vec![
                    format!("# count the primes below {n} with a segmented sieve"),
                    "count = 0".into(),
                    format!("for low in range(0, {n}, 1 << 18):"),
                    format!("    count += count_primes_between(low, min(low + (1 << 18), {n}))"),
                    format!("    {YIELD}"),
                ],
                Some("count".into()),
            )
        }
        WorkloadKind::Primes => {
            code.helpers.insert("count_primes");
            (
                vec![format!(
                    "# count the primes below {n} with a segmented sieve"
                )],
                Some(format!("count_primes({n})")),
            )
        }
        WorkloadKind::Mandelbrot if coop => {
            code.helpers.insert("mandelbrot_row");
            (
                vec![
                    format!("# Mandelbrot escape counts over a {n} × {n} grid, summed"),
                    "escapes = 0".into(),
                    format!("for row in range({n}):"),
                    format!("    escapes += mandelbrot_row({n}, row)"),
                    format!("    {YIELD}"),
                ],
                Some("escapes".into()),
            )
        }
        WorkloadKind::Mandelbrot => {
            code.helpers.insert("mandelbrot");
            (
                vec![format!(
                    "# Mandelbrot escape counts over a {n} × {n} grid, summed"
                )],
                Some(format!("mandelbrot({n})")),
            )
        }
        WorkloadKind::Hash if coop => {
            code.imports.insert("import hashlib");
            let slice = py_int(hash_chain::SLICE);
            let seed = String::from_utf8_lossy(hash_chain::SEED);
            (
                vec![
                    format!("# SHA-256 applied {n} times, each digest hashed again"),
                    format!("digest = b\"{seed}\""),
                    format!("for k in range({n}):"),
                    "    digest = hashlib.sha256(digest).digest()".into(),
                    format!("    if k % {slice} == {}:", py_int(hash_chain::SLICE - 1)),
                    format!("        {YIELD}"),
                ],
                Some("digest".into()),
            )
        }
        WorkloadKind::Hash => {
            code.helpers.insert("sha256_chain");
            (
                vec![format!(
                    "# SHA-256 applied {n} times, each digest hashed again"
                )],
                Some(format!("sha256_chain({n})")),
            )
        }
        WorkloadKind::Data if coop => {
            code.helpers.insert("make_payload");
            code.helpers.insert("checksum");
            (
                vec![
                    format!("# transform a {n} KiB payload byte by byte (b → 3b + 1), summed"),
                    format!("payload = make_payload({n} * 1024)"),
                    "total = 0".into(),
                    "for start in range(0, len(payload), 1 << 20):".into(),
                    "    total += checksum(payload[start:start + (1 << 20)])".into(),
                    format!("    {YIELD}"),
                ],
                Some("total".into()),
            )
        }
        WorkloadKind::Data => {
            code.helpers.insert("make_payload");
            code.helpers.insert("checksum");
            (
                vec![
                    format!("# transform a {n} KiB payload byte by byte (b → 3b + 1), summed"),
                    format!("payload = make_payload({n} * 1024)"),
                ],
                Some("checksum(payload)".into()),
            )
        }
        WorkloadKind::Io if flavor.is_async() => (
            vec![format!("await asyncio.sleep({})", py_seconds(step.n))],
            None,
        ),
        WorkloadKind::Io => {
            code.imports.insert("import time");
            (vec![format!("time.sleep({})", py_seconds(step.n))], None)
        }
        WorkloadKind::Fetch => {
            code.imports.insert("import urllib.request");
            code.url = true;
            let request = if flavor.is_async() {
                // No stdlib HTTP client awaits on the loop; a thread is the stdlib's way.
                vec![
                    "# the stdlib has no async HTTP client: the request runs in a thread".into(),
                    "# (aiohttp's session.get would await it on the loop itself)".into(),
                    format!("for _ in range({n}):"),
                    "    await asyncio.to_thread(lambda: urllib.request.urlopen(URL).read())"
                        .into(),
                ]
            } else {
                vec![
                    format!("for _ in range({n}):"),
                    "    urllib.request.urlopen(URL).read()".into(),
                ]
            };
            (request, None)
        }
    }
}

/// A function body running `steps` in order and returning their answers.
pub(super) fn body(steps: &[WorkloadSpec], flavor: Flavor, code: &mut Code) -> Vec<String> {
    let mut out = Vec::new();
    if flavor == Flavor::Naive && steps.iter().any(|s| !s.kind.is_io()) {
        out.push("# naive: no await inside the CPU work, so it holds the event loop".into());
        out.push("# until it is done — the other tasks wait".into());
    }
    if let [step] = steps {
        let (lines, value) = step_code(*step, flavor, code);
        out.extend(lines);
        if let Some(value) = value {
            out.push(format!("return {value}"));
        }
        return out;
    }
    out.push("answers = []".into());
    for (k, step) in steps.iter().enumerate() {
        out.push(format!("# step {}: {}:{}", k + 1, step.kind.id(), step.n));
        let (lines, value) = step_code(*step, flavor, code);
        out.extend(lines);
        if let Some(value) = value {
            out.push(format!("answers.append({value})"));
        }
    }
    out.push("return answers".into());
    out
}

pub(super) fn def(name: &str, flavor: Flavor, body: &[String]) -> String {
    let keyword = if flavor.is_async() {
        "async def"
    } else {
        "def"
    };
    std::iter::once(format!("{keyword} {name}(i):"))
        .chain(indent(body))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The function(s) doing a task's work, named `work`: one body, or with per-task step profiles
/// one function per distinct profile and a table of which task runs which.
pub(super) fn task_functions(
    config: &RunConfig,
    flavor: Flavor,
    work: &str,
    code: &mut Code,
) -> Vec<String> {
    let groups = match &config.steps {
        Some(groups) if groups.len() > 1 => groups,
        _ => {
            return vec![def(
                work,
                flavor,
                &body(&config.task_steps(0), flavor, code),
            )];
        }
    };
    let mut distinct: Vec<&Vec<WorkloadSpec>> = Vec::new();
    let mut of_task = Vec::new();
    for group in groups {
        let index = match distinct.iter().position(|d| *d == group) {
            Some(i) => i,
            None => {
                distinct.push(group);
                distinct.len() - 1
            }
        };
        of_task.push(index);
    }
    if let [only] = distinct[..] {
        return vec![def(work, flavor, &body(only, flavor, code))];
    }
    let mut blocks: Vec<String> = distinct
        .iter()
        .take(MAX_PROFILES_SHOWN)
        .enumerate()
        .map(|(k, steps)| def(&format!("profile_{k}"), flavor, &body(steps, flavor, code)))
        .collect();
    if distinct.len() > MAX_PROFILES_SHOWN {
        blocks.push(format!(
            "# profile_{MAX_PROFILES_SHOWN} … profile_{}: the other tasks' steps, written the same way",
            distinct.len() - 1
        ));
    }
    let names: Vec<String> = of_task.iter().map(|k| format!("profile_{k}")).collect();
    // Wrapped like a formatter would, so hundreds of tasks do not make one endless line.
    let mut lines = vec![String::from("PROFILES = [")];
    for (k, name) in names.iter().enumerate() {
        let item = if k + 1 < names.len() {
            format!("{name},")
        } else {
            name.clone()
        };
        let last = lines.last_mut().expect("starts with one line");
        if last.len() + item.len() + 1 > 88 {
            lines.push(format!("    {item}"));
        } else {
            if !last.ends_with('[') {
                last.push(' ');
            }
            last.push_str(&item);
        }
    }
    let mut table = format!("# task i runs its own steps\n{}", lines.join("\n"));
    table.push(']');
    blocks.push(table);
    let call = if flavor.is_async() {
        "return await PROFILES[i](i)"
    } else {
        "return PROFILES[i](i)"
    };
    blocks.push(def(work, flavor, &[call.to_string()]));
    blocks
}

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

#[cfg(test)]
mod test;
