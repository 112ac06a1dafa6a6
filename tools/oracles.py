#!/usr/bin/env python3
"""Independent oracles for the workloads' answer tables, in plain CPython.

The Rust kernels check every run against tables in src/workloads/*.rs. Those tables were
produced by this script — a second implementation in another language — so a kernel bug cannot
silently agree with itself. Run: python3 tools/oracles.py [hash|mandelbrot] (minutes for the
largest sizes).
"""
import hashlib
import sys

HASH_SEED = b"concurrency-playground"


def hash_chain(n):
    """SHA-256 applied n times to HASH_SEED; the first 6 digest bytes as a little-endian int
    (48 bits, exact in a JavaScript number)."""
    digest = HASH_SEED
    for _ in range(n):
        digest = hashlib.sha256(digest).digest()
    return int.from_bytes(digest[:6], "little")


MANDEL_MAX_ITER = 256


def mandelbrot(n):
    """Sum of escape iteration counts over an n×n grid of [-2, 1) × [-1.5, 1.5)."""
    total = 0
    for y in range(n):
        ci = -1.5 + 3.0 * y / n
        for x in range(n):
            cr = -2.0 + 3.0 * x / n
            zr = zi = 0.0
            i = 0
            while i < MANDEL_MAX_ITER:
                zr2, zi2 = zr * zr, zi * zi
                if zr2 + zi2 > 4.0:
                    break
                zi = 2.0 * zr * zi + ci
                zr = zr2 - zi2 + cr
                i += 1
            total += i
    return total


if __name__ == "__main__":
    which = sys.argv[1:] or ["hash", "mandelbrot"]
    if "hash" in which:
        for k in range(1, 8):
            print(f"hash_chain(10^{k}) = {hash_chain(10 ** k)}", flush=True)
    if "mandelbrot" in which:
        for n in (64, 128, 256, 512, 1024):
            print(f"mandelbrot({n}) = {mandelbrot(n)}", flush=True)
