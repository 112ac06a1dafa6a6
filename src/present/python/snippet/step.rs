//! [`step_code`]: one workload step written in Python, in each [`Flavor`].

use super::code::{Code, Flavor, YIELD, py_int, py_seconds};
use crate::workloads::{WorkloadKind, WorkloadSpec, hash_chain};

/// A step's Python lines and the expression holding its answer, if it has one worth returning.
type Lines = (Vec<String>, Option<String>);

/// One step's Python lines and the expression holding its answer, if it has one worth
/// returning.
pub(super) fn step_code(step: WorkloadSpec, flavor: Flavor, code: &mut Code) -> Lines {
    let n = py_int(step.n);
    let coop = flavor == Flavor::Cooperative;
    match step.kind {
        WorkloadKind::Count => count(&n, coop),
        WorkloadKind::Cpu => cpu(step.n, coop, code),
        WorkloadKind::Primes => primes(&n, coop, code),
        WorkloadKind::Mandelbrot => mandelbrot(&n, coop, code),
        WorkloadKind::Hash => hash(&n, coop, code),
        WorkloadKind::Data => data(&n, coop, code),
        WorkloadKind::Io => io(step.n, flavor, code),
        WorkloadKind::Fetch => fetch(&n, flavor, code),
    }
}

fn count(n: &str, coop: bool) -> Lines {
    let lines = if coop {
        vec![
            "count = 0".into(),
            format!("for k in range({n}):"),
            "    count += 1".into(),
            "    if k % 100_000 == 99_999:".into(),
            format!("        {YIELD}"),
        ]
    } else {
        vec![
            "count = 0".into(),
            format!("for _ in range({n}):"),
            "    count += 1".into(),
        ]
    };
    (lines, Some("count".into()))
}

fn cpu(ms: u64, coop: bool, code: &mut Code) -> Lines {
    // The deadline is on this thread's own CPU time, as the playground's `cpu` step's is:
    // waiting for the GIL and being descheduled do not count. On a wall-clock deadline four
    // GIL threads would all stop after n ms with a quarter of the work each
    // (tools/cpu_time_check.py measures both in your CPython).
    code.imports.insert("import time");
    let seconds = py_seconds(ms);
    let lines = if coop {
        // The coroutines share one thread, and so its CPU clock: each counts its own slices,
        // as the page's scheduler does.
        vec![
            format!("# CPU-bound for {ms} ms of this task's own time"),
            "count, ran = 0, 0.0".into(),
            format!("while ran < {seconds}:"),
            "    start = time.thread_time()".into(),
            format!("    slice_end = start + min(0.001, {seconds} - ran)"),
            "    while time.thread_time() < slice_end:".into(),
            "        for _ in range(10_000):".into(),
            "            count += 1".into(),
            "    ran += time.thread_time() - start".into(),
            format!("    {YIELD}"),
        ]
    } else {
        vec![
            format!("# CPU-bound for {ms} ms of this thread's own time"),
            "count = 0".into(),
            format!("end = time.thread_time() + {seconds}"),
            "while time.thread_time() < end:".into(),
            "    for _ in range(10_000):".into(),
            "        count += 1".into(),
        ]
    };
    (lines, Some("count".into()))
}

fn primes(n: &str, coop: bool, code: &mut Code) -> Lines {
    let what = format!("# count the primes below {n} with a segmented sieve");
    if coop {
        code.helpers.insert("count_primes_between");
        let lines = vec![
            what,
            "count = 0".into(),
            format!("for low in range(0, {n}, 1 << 18):"),
            format!("    count += count_primes_between(low, min(low + (1 << 18), {n}))"),
            format!("    {YIELD}"),
        ];
        (lines, Some("count".into()))
    } else {
        code.helpers.insert("count_primes");
        (vec![what], Some(format!("count_primes({n})")))
    }
}

fn mandelbrot(n: &str, coop: bool, code: &mut Code) -> Lines {
    let what = format!("# Mandelbrot escape counts over a {n} × {n} grid, summed");
    if coop {
        code.helpers.insert("mandelbrot_row");
        let lines = vec![
            what,
            "escapes = 0".into(),
            format!("for row in range({n}):"),
            format!("    escapes += mandelbrot_row({n}, row)"),
            format!("    {YIELD}"),
        ];
        (lines, Some("escapes".into()))
    } else {
        code.helpers.insert("mandelbrot");
        (vec![what], Some(format!("mandelbrot({n})")))
    }
}

fn hash(n: &str, coop: bool, code: &mut Code) -> Lines {
    let what = format!("# SHA-256 applied {n} times, each digest hashed again");
    if coop {
        code.imports.insert("import hashlib");
        let slice = py_int(hash_chain::SLICE);
        let seed = String::from_utf8_lossy(hash_chain::SEED);
        let lines = vec![
            what,
            format!("digest = b\"{seed}\""),
            format!("for k in range({n}):"),
            "    digest = hashlib.sha256(digest).digest()".into(),
            format!("    if k % {slice} == {}:", py_int(hash_chain::SLICE - 1)),
            format!("        {YIELD}"),
        ];
        (lines, Some("digest".into()))
    } else {
        code.helpers.insert("sha256_chain");
        (vec![what], Some(format!("sha256_chain({n})")))
    }
}

fn data(n: &str, coop: bool, code: &mut Code) -> Lines {
    code.helpers.insert("make_payload");
    code.helpers.insert("summarise");
    let mut lines = vec![
        format!(
            "# a {n} KiB payload and a small summary of it: b → 3b + 1 of one byte in 64, summed"
        ),
        format!("payload = make_payload({n} * 1024)"),
    ];
    if coop {
        lines.extend([
            "total = 0".into(),
            "for start in range(0, len(payload), 16 << 20):".into(),
            "    total += summarise(payload[start:start + (16 << 20)])".into(),
            format!("    {YIELD}"),
        ]);
        (lines, Some("total".into()))
    } else {
        (lines, Some("summarise(payload)".into()))
    }
}

fn io(ms: u64, flavor: Flavor, code: &mut Code) -> Lines {
    if flavor.is_async() {
        (
            vec![format!("await asyncio.sleep({})", py_seconds(ms))],
            None,
        )
    } else {
        code.imports.insert("import time");
        (vec![format!("time.sleep({})", py_seconds(ms))], None)
    }
}

fn fetch(n: &str, flavor: Flavor, code: &mut Code) -> Lines {
    code.imports.insert("import urllib.request");
    code.url = true;
    let request = if flavor.is_async() {
        // No stdlib HTTP client awaits on the loop; a thread is the stdlib's way.
        vec![
            "# the stdlib has no async HTTP client: the request runs in a thread".into(),
            "# (aiohttp's session.get would await it on the loop itself)".into(),
            format!("for _ in range({n}):"),
            "    await asyncio.to_thread(lambda: urllib.request.urlopen(URL).read())".into(),
        ]
    } else {
        vec![
            format!("for _ in range({n}):"),
            "    urllib.request.urlopen(URL).read()".into(),
        ]
    };
    (request, None)
}
