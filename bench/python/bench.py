#!/usr/bin/env python3
"""CPython reference figures for docs/BENCHMARKS.md (issue 8). Standard library only.

    python3 bench/python/bench.py --out PATH.json [--runs N] [--quick]
                                  [--max-others F] [--attempts K]

--runs N          timed runs per measure, after one untimed warm-up (default 7; --quick: 5)
--quick           tiny sizes: a smoke test that finishes in well under 30 s ("quick": true)
--max-others F    contention gate (default 0.05; 1 turns it off), see below
--attempts K      tries per measure under the gate (default 10; --quick: 1)

Every timed workload checks its answer (an assert) before its time is kept. Each measure is
reported as {"median", "min", "max"} over the runs. 1 MB here is 1 MiB (2**20 bytes), as in
benches/native.rs.

Contention gate (as in benches/native.rs): on a 2-core machine one busy process elsewhere
distorts everything that uses both cores. Each measure (warm-up and runs) is repeated, up to
--attempts times, while processes other than this one and its descendants (the pool workers,
the fork server) used more than --max-others of all cores' time during it (/proc/stat minus our
process tree's /proc/PID/stat); the least contended attempt is kept and its share reported in
the row as "others_cpu_share". Measures shorter than a few 10 ms clock ticks read as 0. Each
retry first waits (up to 2 minutes) for two consecutive quiet seconds.

The JSON written to --out:

{
  "python": sys.version, "implementation": "cpython",
  "machine": {"platform", "cpu" (/proc/cpuinfo model name), "cpu_count", "default_start_method",
              "loadavg_start", "loadavg_end", "others_cpu_share" (over the whole run, retries
              included), "steal_share" (stolen by the hypervisor)},
  "runs": N, "quick": bool, "max_others": F,
  # Every row below also has "others_cpu_share" and "attempts".
  # The seed's heavy_func: `for i in range(n): count += 1`.
  "count_loop": {"n", "ms": {median, min, max}, "ns_per_iter": {median, min, max}},
  # B3: ProcessPoolExecutor(max_workers=2, mp_context=get_context(method)): from creating the
  # executor until both workers returned their pid for 2 tasks that meet at a 2-party barrier
  # (given to the workers by the executor's initializer), so the two answers come from two
  # distinct workers, neither of them us; divided by the 2 workers. (A task that sleeps 50 ms
  # does not force two workers: a spawn worker can take longer than 50 ms to start, and the
  # first one then runs both tasks.) "warm_per_worker_ms": a second such batch on the same
  # executor, per worker. "total_ms": cold, undivided.
  "start": [{"method": "spawn"|"forkserver"|"fork", "workers": 2,
             "per_worker_ms": {..}, "total_ms": {..}, "warm_per_worker_ms": {..}}, ..],
  # B4: pickle.dumps / pickle.loads of a bytes payload of `mb` MiB, protocol 5 (the figure to
  # quote) and pickle.DEFAULT_PROTOCOL (4 in CPython 3.11); mb_per_s = mb / (median dumps +
  # median loads, in s), protocol 5. pipe_round_trip_ms: submit(len, payload).result() on a warm
  # ProcessPoolExecutor(1) worker (default start method): pickled, written through the pipe,
  # unpickled by the worker, its length sent back.
  "pickle": [{"mb", "protocol": 5, "dumps_ms": {..}, "loads_ms": {..}, "mb_per_s",
              "default_protocol": k, "default_dumps_ms": {..}, "default_loads_ms": {..},
              "pipe_round_trip_ms": {..}}, ..],
  # B5: per-task dispatch overhead of a no-op, µs: a batch's total time / its tasks.
  "dispatch": [{"what", "tasks", "per_task_us": {..}}, ..]
}
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import pickle
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, wait

MIB = 1 << 20
BARRIER_TIMEOUT_S = 60

# ---- task functions: module level, so worker processes can import them ----

# Set in each pool worker by the executor's initializer.
_barrier = None


def heavy_func(n):
    """The seed's count loop."""
    count = 0
    for i in range(n):
        count += 1
    return count


def _set_barrier(barrier):
    global _barrier
    _barrier = barrier


def pid_at_barrier():
    """Waits until the other worker reaches the barrier too, then answers with this pid."""
    _barrier.wait(timeout=BARRIER_TIMEOUT_S)
    return os.getpid()


def noop(x=None):
    return x


def length(payload):
    return len(payload)


async def async_sleep0(i):
    await asyncio.sleep(0)
    return i


async def async_trivial(i):
    return i


# ---- helpers ----


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def stats(samples):
    return {
        "median": round(statistics.median(samples), 4),
        "min": round(min(samples), 4),
        "max": round(max(samples), 4),
    }


def timed(runs, f, check):
    """One warm-up, then `runs` timed calls of f(); check(result) after each (untimed).
    Returns the samples in ms."""
    check(f())
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        result = f()
        samples.append((time.perf_counter() - t) * 1e3)
        check(result)
    return samples


def check_eq(got, want, what):
    assert got == want, f"{what}: got {got!r}, expected {want!r}"


def check_two_workers(pids):
    assert len(pids) == 2 and len(set(pids)) == 2, f"expected 2 distinct worker pids, got {pids}"
    assert os.getpid() not in pids, "a task ran in the parent"


def two_worker_pool(ctx):
    """A ProcessPoolExecutor of 2 workers whose tasks can meet at a barrier."""
    return ProcessPoolExecutor(max_workers=2, mp_context=ctx, initializer=_set_barrier,
                               initargs=(ctx.Barrier(2),))


def both_workers(ex):
    """Runs one barrier task on each worker; their pids, checked distinct and not ours."""
    pids = [f.result() for f in [ex.submit(pid_at_barrier) for _ in range(2)]]
    check_two_workers(pids)
    return pids


def triangle(k):
    """sum(range(k)): the answer of a batch of noop(i) for i < k."""
    return k * (k - 1) // 2


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


# ---- contention gate ----


def _proc_stat(pid):
    """(ppid, utime + stime + cutime + cstime) of a process, in USER_HZ ticks."""
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    # rest[0] is field 3 (state); ppid is field 4; utime..cstime are fields 14..17.
    return int(rest[1]), sum(int(x) for x in rest[11:15])


def _tree_ticks():
    """CPU ticks of this process and all its descendants, live or reaped (a reaped process is
    in its parent's cutime/cstime, so nothing is counted twice)."""
    procs = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                procs[int(name)] = _proc_stat(name)
            except (OSError, IndexError, ValueError):
                pass  # gone meanwhile
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += procs.get(pid, (0, 0))[1]
        todo.extend(children.get(pid, ()))
    return total


def cpu_ticks():
    """(all cores busy, all cores total, stolen, our process tree), USER_HZ ticks; None if
    /proc is not there."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        own = _tree_ticks()
    except OSError:
        return None
    v += [0] * (8 - len(v))
    # user nice system idle iowait irq softirq steal (guest time is already inside user).
    busy = v[0] + v[1] + v[2] + v[5] + v[6]
    return busy, busy + v[3] + v[4] + v[7], v[7], own


def shares_since(start):
    """(others' share, steal share) of all cores' time since `start`; (None, None) if unknown."""
    end = cpu_ticks()
    if start is None or end is None:
        return None, None
    total = end[1] - start[1]
    if total <= 0:
        return 0.0, 0.0
    others = max(0, (end[0] - start[0]) - (end[3] - start[3]))
    return round(others / total, 3), round((end[2] - start[2]) / total, 3)


class Gate:
    def __init__(self, max_others, attempts):
        self.max_others = max_others
        self.attempts = attempts

    def run(self, what, measure):
        """measure() -> row dict, repeated while contended; the kept row gets
        "others_cpu_share" and "attempts"."""
        best = None
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                self.wait_quiet()
            start = cpu_ticks()
            row = measure()
            others, _ = shares_since(start)
            row["others_cpu_share"] = others
            row["attempts"] = attempt
            if others is None or others <= self.max_others:
                return row
            if attempt < self.attempts:
                log(f"  {what}: other processes used {others:.0%} of the machine "
                    f"(gate {self.max_others:.0%}), attempt {attempt}/{self.attempts}: again")
            if best is None or others < best["others_cpu_share"]:
                best = row
        if self.attempts > 1:
            log(f"  {what}: WARNING: kept a contended measure ({best['others_cpu_share']:.0%})")
        best["attempts"] = self.attempts
        return best

    def wait_quiet(self):
        """Waits until other processes used at most max_others of the machine for two
        consecutive seconds, or 2 minutes have passed."""
        deadline = time.monotonic() + 120
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            start = cpu_ticks()
            time.sleep(1)
            others, _ = shares_since(start)
            if others is None:
                return
            quiet = quiet + 1 if others <= self.max_others else 0


# ---- the measures ----


def bench_count(runs, n):
    ms = timed(runs, lambda: heavy_func(n), lambda r: check_eq(r, n, "count loop"))
    return {"n": n, "ms": stats(ms), "ns_per_iter": stats([m * 1e6 / n for m in ms])}


def bench_start(runs, method):
    ctx = mp.get_context(method)
    cold, warm = [], []
    # Run 0 is the warm-up (for forkserver it also starts the fork server, once per parent).
    for run in range(runs + 1):
        t = time.perf_counter()
        ex = two_worker_pool(ctx)
        pids = both_workers(ex)
        t_cold = time.perf_counter() - t
        t = time.perf_counter()
        pids2 = both_workers(ex)
        t_warm = time.perf_counter() - t
        assert set(pids2) == set(pids), "the warm batch ran in new workers"
        ex.shutdown(wait=True)
        if run > 0:
            cold.append(t_cold * 1e3)
            warm.append(t_warm * 1e3)
    return {
        "method": method,
        "workers": 2,
        "per_worker_ms": stats([c / 2 for c in cold]),
        "total_ms": stats(cold),
        "warm_per_worker_ms": stats([w / 2 for w in warm]),
    }


def make_payload(mb):
    period = bytes((i * 31 + 7) & 0xFF for i in range(256))  # workloads/data.rs's pattern
    payload = period * (mb * MIB // 256)
    assert len(payload) == mb * MIB
    return payload


def bench_pickle(runs, mb, payload, pool):
    def dumps_loads(protocol):
        dumps_ms, loads_ms = [], []
        for run in range(runs + 1):  # run 0 is the warm-up
            t = time.perf_counter()
            blob = pickle.dumps(payload, protocol=protocol)
            t_dumps = time.perf_counter() - t
            t = time.perf_counter()
            back = pickle.loads(blob)
            t_loads = time.perf_counter() - t
            assert back == payload and back is not payload, "pickle round trip changed the payload"
            del blob, back
            if run > 0:
                dumps_ms.append(t_dumps * 1e3)
                loads_ms.append(t_loads * 1e3)
        return dumps_ms, loads_ms

    d5, l5 = dumps_loads(5)
    dd, ld = dumps_loads(pickle.DEFAULT_PROTOCOL)
    pipe = timed(runs, lambda: pool.submit(length, payload).result(),
                 lambda r: check_eq(r, len(payload), "pipe round trip"))
    return {
        "mb": mb,
        "protocol": 5,
        "dumps_ms": stats(d5),
        "loads_ms": stats(l5),
        "mb_per_s": round(mb / ((statistics.median(d5) + statistics.median(l5)) / 1e3), 1),
        "default_protocol": pickle.DEFAULT_PROTOCOL,
        "default_dumps_ms": stats(dd),
        "default_loads_ms": stats(ld),
        "pipe_round_trip_ms": stats(pipe),
    }


def per_task_row(what, tasks, runs, batch, want):
    """Times `batch()` (which must return `want`) and reports µs per task."""
    ms = timed(runs, batch, lambda r: check_eq(r, want, what))
    return {"what": what, "tasks": tasks, "per_task_us": stats([m * 1e3 / tasks for m in ms])}


async def _gather_sleep0(n):
    return await asyncio.gather(*[async_sleep0(i) for i in range(n)])


async def _create_tasks(n):
    tasks = [asyncio.create_task(async_trivial(i)) for i in range(n)]
    return await asyncio.gather(*tasks)


def asyncio_row(what, n, runs, make):
    """Per-task µs of `await make(n)`, timed inside the event loop (asyncio.run's own setup and
    teardown are not dispatch); a fresh loop per run."""
    async def main():
        t = time.perf_counter()
        results = await make(n)
        return time.perf_counter() - t, sum(results)

    samples = []
    for run in range(runs + 1):  # run 0 is the warm-up
        seconds, got = asyncio.run(main())
        check_eq(got, triangle(n), what)
        if run > 0:
            samples.append(seconds * 1e6 / n)
    return {"what": what, "tasks": n, "per_task_us": stats(samples)}


def bench_dispatch(runs, quick, gate):
    rows = []

    def add(row):
        log(f"dispatch {row['what']:<52} {row['per_task_us']['median']:8.2f} us/task"
            f"  others {row['others_cpu_share'] or 0:.0%}")
        rows.append(row)

    n_batch = 2_000 if quick else 20_000
    n_seq = 1_000 if quick else 5_000
    with ThreadPoolExecutor(max_workers=2) as tp:
        # Threads start lazily, one per submit while none is idle: start both before timing.
        list(tp.map(time.sleep, [0.05, 0.05]))

        def batch():
            futures = [tp.submit(noop, i) for i in range(n_batch)]
            _, not_done = wait(futures)
            assert not not_done
            return sum(f.result() for f in futures)

        def one_by_one():
            return sum(tp.submit(noop, i).result() for i in range(n_seq))

        what = "ThreadPoolExecutor(2): submit all, wait()"
        add(gate.run(what, lambda: per_task_row(what, n_batch, runs, batch, triangle(n_batch))))
        what = "ThreadPoolExecutor(2): submit().result() one by one"
        add(gate.run(what, lambda: per_task_row(what, n_seq, runs, one_by_one, triangle(n_seq))))

    n_async = 2_000 if quick else 20_000
    for what, make in [("asyncio.gather(sleep(0) coroutines)", _gather_sleep0),
                       ("asyncio.create_task(trivial coroutine), then gather", _create_tasks)]:
        add(gate.run(what, lambda what=what, make=make: asyncio_row(what, n_async, runs, make)))

    with two_worker_pool(mp.get_context()) as pp:
        both_workers(pp)  # warm: both workers up before timing
        for chunksize, n in [(1, 500 if quick else 2_000), (256, 5_000 if quick else 50_000)]:
            what = f"ProcessPoolExecutor(2) warm: map(chunksize={chunksize})"

            def batch(n=n, chunksize=chunksize):
                return sum(pp.map(noop, range(n), chunksize=chunksize))

            add(gate.run(what, lambda what=what, n=n, batch=batch:
                         per_task_row(what, n, runs, batch, triangle(n))))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--max-others", type=float, default=0.05)
    parser.add_argument("--attempts", type=int)
    args = parser.parse_args()
    runs = args.runs if args.runs is not None else (5 if args.quick else 7)
    attempts = args.attempts if args.attempts is not None else (1 if args.quick else 10)
    if runs < 1 or attempts < 1 or not 0 <= args.max_others <= 1:
        parser.error("--runs and --attempts must be at least 1, --max-others from 0 to 1")
    gate = Gate(args.max_others, attempts)

    loadavg_start = loadavg()
    ticks_start = cpu_ticks()
    t0 = time.perf_counter()

    n = 1_000_000 if args.quick else 10_000_000
    count_loop = gate.run("count loop", lambda: bench_count(runs, n))
    log(f"count loop n={n}: median {count_loop['ms']['median']:.1f} ms, "
        f"{count_loop['ns_per_iter']['median']:.2f} ns/iter"
        f"  others {count_loop['others_cpu_share'] or 0:.0%}")

    start = []
    for method in ("spawn", "forkserver", "fork"):
        row = gate.run(f"start {method}", lambda method=method: bench_start(runs, method))
        log(f"start {method:<10}: cold {row['per_worker_ms']['median']:.1f} ms/worker, "
            f"warm {row['warm_per_worker_ms']['median']:.2f} ms/worker"
            f"  others {row['others_cpu_share'] or 0:.0%}")
        start.append(row)

    pickle_rows = []
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(noop).result()  # warm
        for mb in (1, 10) if args.quick else (1, 10, 100):
            payload = make_payload(mb)
            row = gate.run(f"pickle {mb} MiB",
                           lambda mb=mb, payload=payload: bench_pickle(runs, mb, payload, pool))
            del payload
            log(f"pickle {mb:>3} MiB: dumps {row['dumps_ms']['median']:.2f} ms, "
                f"loads {row['loads_ms']['median']:.2f} ms, {row['mb_per_s']:.0f} MiB/s, "
                f"pipe round trip {row['pipe_round_trip_ms']['median']:.1f} ms"
                f"  others {row['others_cpu_share'] or 0:.0%}")
            pickle_rows.append(row)

    dispatch = bench_dispatch(runs, args.quick, gate)

    others, steal = shares_since(ticks_start)
    report = {
        "python": sys.version,
        "implementation": sys.implementation.name,
        "machine": {
            "platform": platform.platform(),
            "cpu": cpu_model(),
            "cpu_count": os.cpu_count(),
            "default_start_method": mp.get_start_method(),
            "loadavg_start": loadavg_start,
            "loadavg_end": loadavg(),
            "others_cpu_share": others,
            "steal_share": steal,
        },
        "runs": runs,
        "quick": args.quick,
        "max_others": args.max_others,
        "count_loop": count_loop,
        "start": start,
        "pickle": pickle_rows,
        "dispatch": dispatch,
    }
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    log(f"wrote {args.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
