//! The seed articles' experiments as one-click presets (`?preset=NAME`).
//!
//! A preset is a list of runs ([`PresetStep`]s, each an ordinary [`RunConfig`]) and a verdict
//! computed from their results ([`Preset::verdict`]): whether this machine reproduced the
//! article's claim, in numbers, and why not when it did not. The names are fixed: documentation
//! pages link to them. `quick` sizes keep every preset to a few seconds (tests, embeds).

use std::borrow::Borrow;

use crate::config::Nesting;
use crate::config::{AsyncMode, PayloadMode, RunConfig, StartMethod};
use crate::core::metrics::percentile;
use crate::core::trace::Lane;
use crate::models::Model;
use crate::report::{ModelResult, Results, Status, Verdict, starved};

use crate::workloads::{WorkloadKind, WorkloadSpec};

/// One experiment from the seed articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The URL name (`?preset=NAME`); fixed, documentation links to it.
    pub name: &'static str,
    /// Its title in the page.
    pub title: &'static str,
    /// Which seed article it comes from.
    pub seed: &'static str,
    /// The article's claim.
    pub claim: &'static str,
    /// What to look at in the views.
    pub look_for: &'static str,
}

/// One run of a preset.
#[derive(Debug, Clone, PartialEq)]
pub struct PresetStep {
    /// What this run shows, e.g. "chunksize 16".
    pub label: String,
    /// Its settings.
    pub config: RunConfig,
}

/// Every preset, in the page's order.
pub const PRESETS: [Preset; 9] = [
    Preset {
        name: "tornado-siege",
        title: "Tornado under siege: 10 CPU-bound requests",
        seed: "002",
        claim: "A blocking handler serves requests one after another, so response times climb 1T, 2T … 10T and the server cannot even answer / meanwhile; threads with the GIL all finish together near 10T; processes finish in about 10T / P; processes × threads (P Tornado processes, each on a thread pool) finish in groups, one per process, and on average do about as well as the processes.",
        look_for: "Response times: the blocking staircase, the GIL threads' flat top near 10T, the processes' shorter bars, the hybrid's groups (one per worker lane). The last task is the index request sent during the load: its latency says whether the server still answers.",
    },
    Preset {
        name: "asyncio-gather",
        title: "asyncio.gather: waits overlap, a blocking call stalls everyone",
        seed: "001",
        claim: "Tasks waiting 2, 3 and 1 units finish in about 3 units together (the longest), against 6 one after another; a blocking call inside one task stalls all the others.",
        look_for: "Timeline: the three waits side by side on the event loop; in the second run the blocking step (a run bar) holds the loop and the 1-unit task cannot finish before it ends.",
    },
    Preset {
        name: "threads-vs-processes",
        title: "Threads vs processes vs asyncio, CPU-bound and I/O-bound",
        seed: "000, 001",
        claim: "CPU-bound: processes > threads > asyncio. I/O-bound: asyncio ≥ threads > processes.",
        look_for: "Wall time per model in each run; the GIL's wait_gil bars in the CPU run; the workers' start-up in both.",
    },
    Preset {
        name: "ipc-inversion",
        title: "The IPC inversion: big payload, small compute",
        seed: "000",
        claim: "Sending a big payload to a process costs more than the small computation on it: one thread wins; moving or sharing the buffer instead of pickling it cuts the cost. With CPU-heavy work and small payloads, processes win.",
        look_for: "Timeline: serialize / transfer / deserialize legs longer than the run bars with copy, shorter with transfer and shared memory.",
    },
    Preset {
        name: "chunksize-sweep",
        title: "chunksize: many tiny tasks",
        seed: "000",
        claim: "One message per tiny task is mostly overhead; batching k tasks per message (chunksize) divides it by about k — until chunks are so big that one worker gets all the work.",
        look_for: "Messages and wall time per chunksize; at 256 one worker does everything (tail imbalance).",
    },
    Preset {
        name: "start-methods",
        title: "Process start methods: spawn, forkserver, a warm pool",
        seed: "000",
        claim: "Starting a process is expensive (spawn ≈ 170–220 ms, forkserver ≈ 100–150 ms, fork ≈ 5–9 ms in CPython); a pool kept warm starts nothing.",
        look_for: "The start-up bars at the start of each worker lane, and the start-up note beside Python's figures.",
    },
    Preset {
        name: "recursive-submit-deadlock",
        title: "The recursive-submit deadlock",
        seed: "000",
        claim: "A task that submits to its own executor and waits for the result deadlocks once every worker is such a task; a separate executor for the sub-tasks avoids it.",
        look_for: "The first run is stopped as deadlocked, with the explanation; in the second the parents block (blocked bars) while the sub-pool computes.",
    },
    Preset {
        name: "gil-vs-free-threading",
        title: "The GIL vs free-threading: CPU-bound scaling",
        seed: "000 §5",
        claim: "With the GIL, CPU-bound Python threads do not scale (sometimes they slow down); free-threaded Python 3.13t scales with the cores.",
        look_for: "Scaling: the GIL's flat line at 1× against the free-threaded line rising towards the cores.",
    },
    Preset {
        name: "decision-table",
        title: "Fill the decision table",
        seed: "000, 001",
        claim: "I/O-bound → threads or asyncio; CPU-bound → processes (or free-threaded threads); big data → beware the IPC cost.",
        look_for: "The decision table: each workload class's fastest model here next to the articles' advice.",
    },
];

/// The preset named `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

fn spec(kind: WorkloadKind, n: u64) -> WorkloadSpec {
    WorkloadSpec { kind, n }
}

fn config(models: &[Model]) -> RunConfig {
    RunConfig {
        models: models.to_vec(),
        ..RunConfig::default()
    }
}

fn step(label: impl Into<String>, config: RunConfig) -> PresetStep {
    PresetStep {
        label: label.into(),
        config,
    }
}

impl Preset {
    /// The runs, for a machine with `cores` cores; `quick` for small sizes.
    pub fn steps(&self, cores: u32, quick: bool) -> Vec<PresetStep> {
        let cores = cores.max(1);
        let pick = |standard: u64, small: u64| if quick { small } else { standard };
        match self.name {
            "tornado-siege" => {
                // Ten handlers of T ms of CPU, then the index page (1 ms), all sent at once.
                let t = pick(200, 40);
                let mut profiles = vec![vec![spec(WorkloadKind::Cpu, t)]; 10];
                profiles.push(vec![spec(WorkloadKind::Cpu, 1)]);
                let requests = RunConfig {
                    steps: Some(profiles),
                    tasks: 11,
                    ..config(&[])
                };
                vec![
                    step(
                        format!("blocking vs a thread pool of 10 (T = {t} ms)"),
                        RunConfig {
                            models: vec![Model::Blocking, Model::PoolGil, Model::Pool],
                            workers: Some(10),
                            ..requests.clone()
                        },
                    ),
                    step(
                        format!(
                            "{cores} processes, and {cores} processes × threads (each process's share at once, under its own GIL)"
                        ),
                        RunConfig {
                            models: vec![Model::Processes, Model::Hybrid],
                            workers: Some(cores),
                            start: StartMethod::Warm,
                            warmup: true,
                            ..requests
                        },
                    ),
                ]
            }
            "asyncio-gather" => {
                let unit = pick(1000, 300);
                let waits = |a: u64, b: u64, c: u64| {
                    Some(vec![
                        vec![spec(WorkloadKind::Io, a * unit)],
                        vec![spec(WorkloadKind::Io, b * unit)],
                        vec![spec(WorkloadKind::Io, c * unit)],
                    ])
                };
                vec![
                    step(
                        format!("A, B, C wait 2, 3, 1 units (1 unit = {unit} ms)"),
                        RunConfig {
                            steps: waits(2, 3, 1),
                            tasks: 3,
                            ..config(&[Model::Blocking, Model::Async])
                        },
                    ),
                    step(
                        "B makes a blocking call (3 units of CPU without await)",
                        RunConfig {
                            steps: Some(vec![
                                vec![spec(WorkloadKind::Io, 2 * unit)],
                                vec![spec(WorkloadKind::Cpu, 3 * unit)],
                                vec![spec(WorkloadKind::Io, unit)],
                            ]),
                            tasks: 3,
                            async_mode: AsyncMode::Naive,
                            ..config(&[Model::Async])
                        },
                    ),
                ]
            }
            "threads-vs-processes" => {
                let models = [Model::Async, Model::PoolGil, Model::Pool, Model::Processes];
                vec![
                    step(
                        "CPU-bound: the count loop",
                        RunConfig {
                            // In this machine's time: long enough that the work, not the
                            // workers' start-up (30–70 ms, 700 in WebKit), decides the ranking.
                            workload: WorkloadKind::Cpu,
                            n: pick(350, 150),
                            tasks: 4,
                            workers: Some(cores),
                            ..config(&models)
                        },
                    ),
                    step(
                        "I/O-bound: waits",
                        RunConfig {
                            workload: WorkloadKind::Io,
                            n: pick(300, 100),
                            tasks: 8,
                            workers: Some(8),
                            ..config(&models)
                        },
                    ),
                ]
            }
            "ipc-inversion" => {
                let kib = pick(16 * 1024, 4 * 1024);
                let data = RunConfig {
                    workload: WorkloadKind::Data,
                    n: kib,
                    tasks: 4,
                    workers: Some(cores),
                    // Each model once unmeasured first: on a fresh page the one thread's transform
                    // ran 4× slower (39 → 162 ms) before the engine's optimising tier, enough to
                    // flip the verdict; the lesson is the copies, not the compiler.
                    warmup: true,
                    ..config(&[Model::Processes])
                };
                vec![
                    step(
                        "one thread, and processes with pickled copies",
                        RunConfig {
                            models: vec![Model::Blocking, Model::Processes],
                            ..data.clone()
                        },
                    ),
                    step(
                        "processes, buffers transferred",
                        RunConfig {
                            payload: PayloadMode::Transfer,
                            ..data.clone()
                        },
                    ),
                    step(
                        "processes, shared memory",
                        RunConfig {
                            payload: PayloadMode::Shared,
                            ..data
                        },
                    ),
                    step(
                        "the other way round: CPU-heavy, tiny payloads",
                        RunConfig {
                            workload: WorkloadKind::Cpu,
                            n: pick(350, 100),
                            tasks: 4,
                            workers: Some(cores),
                            ..config(&[Model::Blocking, Model::Processes])
                        },
                    ),
                ]
            }
            "chunksize-sweep" => [1, 4, 16, 64, 256]
                .into_iter()
                .map(|k| {
                    step(
                        format!("chunksize {k}"),
                        RunConfig {
                            // Fixed and tiny on purpose (≈ 0.3–5 µs anywhere): the messages are
                            // what is measured, and any kernel time only dilutes them.
                            workload: WorkloadKind::Count,
                            n: 1_000,
                            tasks: 256,
                            workers: Some(cores),
                            chunksize: k,
                            // Warm workers: the sweep measures messages, not start-up.
                            start: StartMethod::Warm,
                            warmup: k == 1,
                            ..config(&[Model::Processes])
                        },
                    )
                })
                .collect(),
            "start-methods" => {
                let base = RunConfig {
                    // A token task: the start-up is what is measured.
                    workload: WorkloadKind::Cpu,
                    n: 5,
                    tasks: cores,
                    workers: Some(cores),
                    ..config(&[Model::Processes])
                };
                [
                    (StartMethod::Spawn, "spawn", false),
                    (StartMethod::Forkserver, "forkserver-like", false),
                    (StartMethod::Warm, "warm pool", true),
                ]
                .into_iter()
                .map(|(start, label, warmup)| {
                    step(
                        label,
                        RunConfig {
                            start,
                            warmup,
                            ..base.clone()
                        },
                    )
                })
                .collect()
            }
            "recursive-submit-deadlock" => {
                let base = RunConfig {
                    workload: WorkloadKind::Cpu,
                    n: pick(35, 5),
                    tasks: 2,
                    workers: Some(2),
                    ..config(&[Model::Pool])
                };
                vec![
                    step(
                        "sub-tasks in the same pool of 2",
                        RunConfig {
                            nested: Nesting::SamePool,
                            ..base.clone()
                        },
                    ),
                    step(
                        "sub-tasks in a separate pool",
                        RunConfig {
                            nested: Nesting::SeparatePool,
                            ..base
                        },
                    ),
                ]
            }
            "gil-vs-free-threading" => vec![step(
                format!("1 to {} threads", cores.max(4)),
                RunConfig {
                    // Many GIL switch intervals per task on any machine.
                    workload: WorkloadKind::Cpu,
                    n: pick(175, 50),
                    tasks: cores.max(4) * 2,
                    workers: Some(cores.max(4)),
                    sweep: true,
                    // Each worker count starts a new pool: warm it, or the first runs on fresh
                    // threads (still in the baseline compiler) make the baseline look slow.
                    warmup: true,
                    // The median of three per point: one noisy run would bend the curve.
                    repeats: 3,
                    ..config(&[Model::PoolGil, Model::Pool])
                },
            )],
            "decision-table" => ["threads-vs-processes", "ipc-inversion", "chunksize-sweep"]
                .into_iter()
                .filter_map(find)
                .flat_map(|p| {
                    p.steps(cores, true).into_iter().map(move |s| PresetStep {
                        label: format!("{}: {}", p.name, s.label),
                        config: s.config,
                    })
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `runs` (one per step, in order) reproduce the claim. (The page keeps its runs
    /// shared, hence any `Borrow<Results>`.)
    pub fn verdict<R: Borrow<Results>>(&self, runs: &[R]) -> Verdict {
        let runs: Vec<&Results> = runs.iter().map(Borrow::borrow).collect();
        self.verdict_of(&runs)
    }

    fn verdict_of(&self, runs: &[&Results]) -> Verdict {
        let undecided = |text: &str| Verdict {
            agrees: None,
            text: text.to_string(),
        };
        let get = |step: usize, model: Model| -> Option<&ModelResult> {
            runs.get(step)?
                .models
                .iter()
                .find(|r| r.model == model && r.status == Status::Ok && r.answer_ok)
        };
        let wall = |step: usize, model: Model| get(step, model).map(ModelResult::typical_wall_ms);
        match self.name {
            "tornado-siege" => {
                let (Some(blocking), Some(gil), Some(processes), Some(hybrid)) = (
                    get(0, Model::Blocking),
                    get(0, Model::PoolGil),
                    get(1, Model::Processes),
                    get(1, Model::Hybrid),
                ) else {
                    return undecided("Blocking, the GIL pool, the processes and the hybrid must all run and verify (the pools need a cross-origin isolated page).");
                };
                let handlers = |r: &ModelResult| -> Vec<f64> {
                    let mut l: Vec<f64> = r
                        .tasks
                        .iter()
                        .filter(|t| t.task < 10)
                        .map(|t| t.latency_ms())
                        .collect();
                    l.sort_by(f64::total_cmp);
                    l
                };
                let ladder = handlers(blocking);
                let climbs = ladder.windows(2).all(|w| w[1] > w[0])
                    && ladder.last().zip(ladder.first()).is_some_and(|(max, min)| *max >= 5.0 * min);
                let together = handlers(gil);
                let mean = together.iter().sum::<f64>() / together.len().max(1) as f64;
                let spread = together.last().unwrap_or(&0.0) - together.first().unwrap_or(&0.0);
                let flat = spread <= 0.3 * mean;
                let index = |r: &ModelResult| r.tasks.iter().find(|t| t.task == 10).map_or(0.0, |t| t.latency_ms());
                let p = processes.workers.max(1);
                let ratio = processes.wall_ms / blocking.wall_ms;
                // The hybrid: each worker's handlers finish together (one group per process),
                // its wall time near the processes', and the index request answered early.
                let groups: Vec<String> = (0..hybrid.workers.max(1))
                    .map(|w| {
                        let ends: Vec<f64> = hybrid
                            .tasks
                            .iter()
                            .filter(|t| {
                                t.task < 10
                                    && matches!(t.lane, Lane::Worker { worker, thread: Some(_) } if worker == w)
                            })
                            .map(|t| t.latency_ms())
                            .collect();
                        let lo = ends.iter().copied().fold(f64::INFINITY, f64::min);
                        let hi = ends.iter().copied().fold(0.0, f64::max);
                        format!("{} at {lo:.0}–{hi:.0} ms", ends.len())
                    })
                    .collect();
                let like_processes = hybrid.wall_ms <= 1.5 * processes.wall_ms;
                let answers = index(hybrid) <= 0.25 * hybrid.wall_ms;
                let text = format!(
                    "Blocking: response times climb from {:.0} to {:.0} ms ({}); the index request waited {:.0} ms. GIL threads: all finished between {:.0} and {:.0} ms (spread {:.0}% of the mean), the index request {:.0} ms. {p} processes: {:.0} ms in all, {:.2}× the blocking time (ideal 1/{p} = {:.2}). {} processes × threads: handlers finished in groups ({}), {:.0} ms in all ({}), the index request {:.0} ms.",
                    ladder.first().unwrap_or(&0.0),
                    ladder.last().unwrap_or(&0.0),
                    if climbs { "a staircase, as the article's siege shows" } else { "not a clean staircase here" },
                    index(blocking),
                    together.first().unwrap_or(&0.0),
                    together.last().unwrap_or(&0.0),
                    100.0 * spread / mean.max(1e-9),
                    index(gil),
                    processes.wall_ms,
                    ratio,
                    1.0 / f64::from(p),
                    hybrid.workers,
                    groups.join(", "),
                    hybrid.wall_ms,
                    if like_processes { "about the processes' time, as the article found" } else { "well behind the processes" },
                    index(hybrid),
                );
                // Each of the two ran in its own moment: a program that took the cores during
                // either leaves nothing to compare (the hybrid once took 1.6× the processes' time
                // beside a compiler, with 4× throttling).
                let cores = runs[1].environment.hardware_concurrency;
                for (who, result) in [("processes", processes), ("processes × threads", hybrid)] {
                    if let Some(offered) = starved(result.cores_offered(), cores) {
                        return undecided(&format!(
                            "The {p} {who} got only {offered:.1} cores' worth of CPU here (something else is using the others), so they could not beat one thread: the siege decides nothing about them. Try again on an idle machine. {text}"
                        ));
                    }
                }
                Verdict {
                    agrees: Some(climbs && flat && ratio < 1.0 && like_processes && answers),
                    text,
                }
            }
            "asyncio-gather" => {
                let (Some(seq), Some(gathered), Some(stalled)) =
                    (get(0, Model::Blocking), get(0, Model::Async), get(1, Model::Async))
                else {
                    return undecided("The blocking and async runs must verify.");
                };
                let longest = runs[0].config.task_steps(1)[0].n as f64;
                let within = (gathered.wall_ms - longest).abs() <= 0.1 * longest;
                let short = stalled.tasks.iter().find(|t| t.task == 2).map_or(0.0, |t| t.latency_ms());
                let blocking_ms = runs[1].config.task_steps(1)[0].n as f64;
                let stalls = short >= 0.9 * blocking_ms;
                Verdict {
                    agrees: Some(within && stalls && seq.wall_ms > 1.8 * gathered.wall_ms),
                    text: format!(
                        "gather took {:.0} ms for waits of up to {longest:.0} ms ({}), one after another {:.0} ms. With a blocking call in B, the {:.0} ms task C finished only after {short:.0} ms: {}.",
                        gathered.wall_ms,
                        if within { "within 10% of the longest, as the article says" } else { "more than 10% off the longest" },
                        seq.wall_ms,
                        runs[1].config.task_steps(2)[0].n,
                        if stalls { "the blocking call stalled it" } else { "it was not stalled — unexpected" },
                    ),
                }
            }
            "threads-vs-processes" => {
                let order = |step: usize| {
                    let mut ms: Vec<(Model, f64)> = [Model::Async, Model::PoolGil, Model::Pool, Model::Processes]
                        .into_iter()
                        .filter_map(|m| Some((m, wall(step, m)?)))
                        .collect();
                    ms.sort_by(|a, b| a.1.total_cmp(&b.1));
                    ms
                };
                let (cpu, io) = (order(0), order(1));
                if cpu.len() < 4 || io.len() < 4 {
                    return undecided("All four models must run and verify in both runs (the pools need a cross-origin isolated page).");
                }
                let rank = |ms: &[(Model, f64)]| ms.iter().map(|(m, t)| format!("{} {t:.0} ms", m.info().id)).collect::<Vec<_>>().join(" < ");
                if let Some(offered) = starved(get(0, Model::Processes).and_then(ModelResult::cores_offered), runs[0].environment.hardware_concurrency) {
                    return undecided(&format!(
                        "CPU-bound, fastest first: {}. I/O-bound: {}. The processes got only {offered:.1} cores' worth of CPU here (something else is using the others), so on CPU work they could not beat the GIL threads: this run decides nothing. Try again on an idle machine.",
                        rank(&cpu),
                        rank(&io)
                    ));
                }
                let pos = |ms: &[(Model, f64)], m: Model| ms.iter().position(|(x, _)| *x == m).unwrap_or(9);
                // CPU: processes beat the GIL threads, which beat (or tie) asyncio.
                let cpu_ok = pos(&cpu, Model::Processes) < pos(&cpu, Model::PoolGil);
                // I/O: asyncio and threads beat processes.
                let io_ok = pos(&io, Model::Async) < pos(&io, Model::Processes)
                    && pos(&io, Model::PoolGil) < pos(&io, Model::Processes);
                Verdict {
                    agrees: Some(cpu_ok && io_ok),
                    text: format!(
                        "CPU-bound, fastest first: {}. I/O-bound: {}. {}",
                        rank(&cpu),
                        rank(&io),
                        match (cpu_ok, io_ok) {
                            (true, true) => "The article's rankings hold here.".to_string(),
                            (false, _) => "Processes did not beat the GIL threads on CPU work here: with few cores, worker start-up and messages eat the gain (try more tasks or a bigger n).".to_string(),
                            (true, false) => "Processes were not last on I/O here.".to_string(),
                        }
                    ),
                }
            }
            "ipc-inversion" => {
                let (Some(one), Some(copy)) = (wall(0, Model::Blocking), wall(0, Model::Processes)) else {
                    return undecided("The one-thread and copy runs must verify.");
                };
                let transfer = wall(1, Model::Processes);
                let shared = wall(2, Model::Processes);
                let cpu = (wall(3, Model::Blocking), wall(3, Model::Processes));
                let cpu_text = match cpu {
                    (Some(b), Some(p)) => format!(" With CPU-heavy tasks and tiny payloads, processes took {p:.0} ms against one thread's {b:.0} ms ({:.2}×).", b / p),
                    _ => String::new(),
                };
                Verdict {
                    agrees: Some(copy > one),
                    text: format!(
                        "Big payloads, little work: one thread {one:.0} ms; processes with pickled copies {copy:.0} ms ({:.1}× slower){}{}.{cpu_text}",
                        copy / one,
                        transfer.map_or(String::new(), |t| format!(", transferred {t:.0} ms")),
                        shared.map_or(", shared memory unavailable here".to_string(), |s| format!(", shared memory {s:.0} ms")),
                    ),
                }
            }
            "chunksize-sweep" => {
                let per_task: Vec<(u32, f64, u32, usize)> = runs
                    .iter()
                    .filter_map(|r| {
                        let p = r.models.iter().find(|m| m.model == Model::Processes && m.status == Status::Ok)?;
                        let ipc = p.ipc.as_ref()?;
                        Some((ipc.chunksize, p.typical_wall_ms() * 1e3 / f64::from(r.config.tasks), ipc.messages, p.threads_used.len()))
                    })
                    .collect();
                let (Some(first), Some(last)) = (per_task.first(), per_task.last()) else {
                    return undecided("The worker runs must complete.");
                };
                let list = per_task.iter().map(|(k, us, m, _)| format!("k={k}: {us:.0} µs/task, {m} messages")).collect::<Vec<_>>().join("; ");
                Verdict {
                    agrees: Some(last.1 * 5.0 <= first.1),
                    text: format!(
                        "{list}. From chunksize {} to {} the cost per task fell {:.1}×; at {} {} worker(s) did all the work.",
                        first.0, last.0, first.1 / last.1.max(1e-9), last.0, last.3
                    ),
                }
            }
            "start-methods" => {
                // Each run's median start-up per worker and the spread of its start-ups.
                let startup = |step: usize| -> Option<(f64, f64)> {
                    let r = get(step, Model::Processes)?;
                    let ms = sorted(&r.startup_ms);
                    Some(match (ms.first(), ms.last()) {
                        (Some(lo), Some(hi)) => (percentile(&ms, 50.0), hi - lo),
                        _ => (0.0, 0.0),
                    })
                };
                let (Some((spawn, spawn_spread)), Some((fork, fork_spread)), Some((warm, _))) =
                    (startup(0), startup(1), startup(2))
                else {
                    return undecided("The three worker runs must complete.");
                };
                // The claim is the order: a warm pool starts nothing, a prepared parent does not
                // lose to starting from scratch. A browser that caches compiled wasm makes
                // spawn's compile cheap too, so the two may tie: beside a CPU hog they were 49 and
                // 50 ms. A tie is within the start-ups' own spread (at least a tenth).
                let noise = spawn_spread.max(fork_spread).max(0.1 * spawn);
                let order = if fork < spawn {
                    ""
                } else if fork <= spawn + noise {
                    " The two tie within the start-ups' own spread: compiling once did not help here, because this browser caches compiled wasm, so spawn's compile is cheap on a second start."
                } else {
                    " Forkserver-like was slower than spawn beyond the start-ups' own spread — unexpected."
                };
                Verdict {
                    agrees: Some(warm < fork.min(spawn) && fork <= spawn + noise),
                    text: format!(
                        "Median start-up per worker: spawn {spawn:.0} ms (CPython ≈ 170–220 ms), forkserver-like {fork:.0} ms (CPython forkserver ≈ 100–150 ms), warm pool {warm:.0} ms.{order}"
                    ),
                }
            }
            "recursive-submit-deadlock" => {
                let stuck = runs.first().and_then(|r| r.models.first()).map(|r| r.status);
                let done = get(1, Model::Pool);
                Verdict {
                    agrees: Some(stuck == Some(Status::Deadlocked) && done.is_some()),
                    text: format!(
                        "Same pool: {}. Separate pool: {}.",
                        match stuck {
                            Some(Status::Deadlocked) => "deadlocked, detected and stopped",
                            Some(Status::Unavailable) => "unavailable (needs a cross-origin isolated page)",
                            _ => "did not deadlock",
                        },
                        done.map_or("did not complete".to_string(), |r| format!("completed in {:.0} ms", r.wall_ms)),
                    ),
                }
            }
            "gil-vs-free-threading" => {
                let Some(run) = runs.first() else {
                    return undecided("The sweep must run.");
                };
                let speedup = |m: Model| {
                    let points: Vec<_> = run.scaling.iter().filter(|p| p.model == m).collect();
                    let one = points.iter().find(|p| p.workers == 1)?.wall_ms;
                    let most = points.iter().max_by_key(|p| p.workers)?;
                    Some((most.workers, one / most.wall_ms))
                };
                let (Some((n, gil)), Some((_, free))) = (speedup(Model::PoolGil), speedup(Model::Pool)) else {
                    return undecided("Both pools must run (they need a cross-origin isolated page).");
                };
                let cores = run.environment.hardware_concurrency;
                // Free threads scale with the cores the machine gives them, which may be fewer
                // than it has: with a page throttled by DevTools (whose stopped main thread
                // spins: 87% of a core when idle, against 15%), two cores gave four free threads
                // 1.39–1.52×; beside a program that keeps a core busy, 1.0×. So the verdict asks
                // what the free threads' own clocks say they got — the share of their computing
                // time they were on a core, times the threads — decides only where that was more
                // than one core's worth, and then asks that they used most of it.
                let got = get(0, Model::Pool).and_then(ModelResult::cores_offered);
                if let Some(got) = starved(got, cores) {
                    return undecided(&format!(
                        "At {n} threads the free threads got only {got:.1} cores' worth of CPU here (something else is using the others): free-threading cannot show its scaling, and the GIL's {gil:.2}× beside its {free:.2}× decides nothing. Try again on an idle machine."
                    ));
                }
                let offered = got.map_or(f64::from(cores), |o| o.min(f64::from(cores)));
                Verdict {
                    agrees: Some(gil < 1.15 && (cores < 2 || (free > 1.1 && free >= 0.75 * offered))),
                    text: format!(
                        "At {n} threads: with the GIL {gil:.2}× the one-thread speed, free-threaded {free:.2}×{}.",
                        if cores < 2 { " (one core here: nothing can scale)".to_string() } else { format!(" on {cores} cores (the free threads got {offered:.1} cores' worth)") }
                    ),
                }
            }
            "decision-table" => Verdict {
                agrees: None,
                text: "See the decision table: each class's fastest model here beside the articles' advice.".to_string(),
            },
            _ => undecided("Unknown preset."),
        }
    }
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

#[cfg(test)]
mod test;
