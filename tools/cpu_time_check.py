#!/usr/bin/env python3
"""What `cpu:n` means, checked in real CPython: n ms of a thread's *own* CPU time.

The playground's `cpu:n` step computes until it has run n ms itself; time waiting for the GIL,
or while the OS runs another thread on its core, does not count. CPython's clock for that is
`time.thread_time()`. This script runs T threads × `cpu:n` on a ThreadPoolExecutor twice:
with the deadline on `time.thread_time()` (the playground's meaning) and, for contrast, on
`time.perf_counter()` (a wall-clock deadline). With the GIL (or more threads than cores), the
thread-time version takes about T × n / parallelism in wall time — the lesson the playground
shows — while the wall-clock version ends every thread after n ms, each having done a fraction
of the work.

    python3 tools/cpu_time_check.py [threads] [ms]
"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor

CHUNK = 10_000  # about 0.3 ms of `count += 1` in CPython 3.11 on a 2020s core


def cpu(ms, clock):
    """The seed's heavy_func loop, in chunks, until `clock` says `ms` have passed."""
    count = 0
    end = clock() + ms / 1000
    while clock() < end:
        for _ in range(CHUNK):
            count += 1
    return count


def run(threads, ms, clock):
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        counts = list(pool.map(cpu, [ms] * threads, [clock] * threads))
    return (time.perf_counter() - start) * 1000, counts


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    ms = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"CPython {sys.version.split()[0]}, GIL {'enabled' if gil else 'disabled'}: {threads} threads x cpu:{ms}")
    for name, clock in (("thread_time", time.thread_time), ("perf_counter", time.perf_counter)):
        wall, counts = run(threads, ms, clock)
        print(f"  deadline on {name:12}: wall {wall:7.0f} ms, iterations per thread {min(counts):,}..{max(counts):,}")


if __name__ == "__main__":
    main()
