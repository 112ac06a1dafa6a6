//! The Concurrency Playground's CPU kernels: each a resumable state machine that does one
//! *slice* (about a millisecond) of work per `step`, with an oracle for its answer.
//!
//! A crate of its own so it can be compiled for speed while the page around it is compiled for
//! size (the workspace's `Cargo.toml`): the kernels are what the playground measures, and
//! `docs/BENCHMARKS.md` holds them to within 10% of the same code run natively. Everything else
//! — the models, the trace, the page — lives in the `playground` crate, which re-exports these
//! modules as `playground::workloads::{count_loop, …}`.
//!
//! * [`count_loop`]: seed 002's `heavy_func`, `count += 1` a hundred million times.
//! * [`primes`]: π(n) with a segmented sieve.
//! * [`mandelbrot`]: escape-time rows, summed.
//! * [`hash_chain`]: SHA-256 applied to its own digest, n times.
//! * [`data`]: a per-byte transform over a payload — the data-heavy task.

#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

pub mod count_loop;
pub mod data;
pub mod hash_chain;
pub mod mandelbrot;
pub mod primes;
