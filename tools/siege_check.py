"""Seed 002's siege against real Tornado, with an index request sent during the load.

The playground's `tornado-siege` preset (server mode) models this; this script is what the
model is checked against, and its figures are quoted in the page (`src/models/server.rs`,
`src/present/presets/tornado_siege.rs`). Standard library plus Tornado (`pip install tornado`):

    python3 tools/siege_check.py [--t-ms 200] [--requests 10] [--index-after-ms 50] [--repeats 3]

For each server — blocking, threading (run_in_executor on a pool of `requests` threads),
processing (a ProcessPoolExecutor of the machine's cores), and processes x threads
(`server.start(cores)`, each process with a thread pool) — it sends `requests` heavy requests at
once (like `siege -c 10 -r 1`), then the index request `index-after-ms` later, and prints each
response's time siege-style, plus the index's latency and how long the load took.
"""

import argparse
import asyncio
import multiprocessing
import os
import signal
import socket
import statistics
import sys
import time


def heavy_func(iterations):
    """The seed's count loop, sized in iterations (calibrated to --t-ms below)."""
    count = 0
    for _ in range(iterations):
        count += 1
    assert count == iterations
    return "done"


def calibrate(ms):
    """Iterations of the count loop that take `ms` on this machine, in this interpreter."""
    n = 1_000_000
    while True:
        start = time.perf_counter()
        heavy_func(n)
        took = (time.perf_counter() - start) * 1000
        if took > 50:
            return int(n * ms / took)
        n *= 2


def serve(kind, port, iterations, requests, ready):
    """Runs one Tornado server (in a child process, so each kind starts clean)."""
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from tornado import httpserver, ioloop, netutil, process, web

    class Index(web.RequestHandler):
        def get(self):
            self.write("hello, world")

    class Blocking(web.RequestHandler):
        def get(self):
            self.write(heavy_func(iterations))

    pool = {}

    class Executor(web.RequestHandler):
        async def get(self):
            res = await ioloop.IOLoop.current().run_in_executor(
                pool["executor"], heavy_func, iterations
            )
            self.write(res)

    heavy = Blocking if kind == "blocking" else Executor
    app = web.Application([(r"/", Index), (r"/heavy/?", heavy)])
    sockets = netutil.bind_sockets(port, "127.0.0.1")
    cores = os.cpu_count() or 2
    # A process group of its own, so the server and its pool's processes stop together.
    os.setpgrp()
    if kind == "hybrid":
        # Tornado's multi-process mode: fork `cores` servers sharing the socket, each with its
        # own IOLoop, GIL and thread pool.
        process.fork_processes(cores, max_restarts=0)
    server = httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    if kind == "processing":
        pool["executor"] = ProcessPoolExecutor(cores)
        # Start the workers before the load, as a long-lived server has them.
        list(pool["executor"].map(heavy_func, [1] * cores))
    elif kind in ("threading", "hybrid"):
        pool["executor"] = ThreadPoolExecutor(requests)
    ready.set()
    ioloop.IOLoop.current().start()


async def get(port, path, t0):
    """One HTTP/1.0 GET; (status, seconds since t0, bytes, path)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1].decode() if head else "---"
    return status, time.perf_counter() - t0, len(body), path


async def siege(port, requests, index_after_ms):
    t0 = time.perf_counter()
    heavy = [asyncio.create_task(get(port, "/heavy/", t0)) for _ in range(requests)]
    await asyncio.sleep(index_after_ms / 1000)
    sent = time.perf_counter() - t0
    index = await get(port, "/", t0)
    done = await asyncio.gather(*heavy)
    return done, index, sent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--t-ms", type=float, default=200)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--index-after-ms", type=float, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--kinds", default="blocking,threading,processing,hybrid")
    args = parser.parse_args()
    iterations = calibrate(args.t_ms)
    print(
        f"# Python {sys.version.split()[0]}, {os.cpu_count()} cores, switch interval "
        f"{sys.getswitchinterval() * 1000:.0f} ms, T = {args.t_ms:.0f} ms ({iterations} iterations)"
    )
    for kind in args.kinds.split(","):
        index_ms, load_ms = [], []
        for repeat in range(args.repeats):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            ready = multiprocessing.Event()
            server = multiprocessing.Process(
                target=serve, args=(kind, port, iterations, args.requests, ready)
            )
            server.start()
            ready.wait(30)
            time.sleep(0.3)  # let forked servers reach their loops
            try:
                done, index, sent = asyncio.run(siege(port, args.requests, args.index_after_ms))
            finally:
                os.killpg(server.pid, signal.SIGKILL)
                server.join(5)
                if server.is_alive():
                    server.kill()
            if repeat == 0:
                print(f"\n$ siege /{kind}/ -c {args.requests} -r 1   (+ GET / at {sent * 1000:.0f} ms)")
                for status, secs, size, path in sorted(done, key=lambda r: r[1]) + [index]:
                    print(f"HTTP/1.0 {status} {secs:7.3f} secs: {size:4d} bytes ==> GET  {path}")
                print(f"Response time: {statistics.mean(r[1] for r in done):.3f} secs")
            index_ms.append((index[1] - sent) * 1000)
            load_ms.append(max(r[1] for r in done) * 1000)
        print(
            f"{kind}: index answered in {statistics.median(index_ms):.0f} ms "
            f"(runs: {', '.join(f'{x:.0f}' for x in index_ms)}), load {statistics.median(load_ms):.0f} ms, "
            f"index/load {statistics.median(index_ms) / statistics.median(load_ms):.2f}"
        )


if __name__ == "__main__":
    main()
