//! One isolated worker (the "processes" model). Its entry point is the library's exported
//! `cp_worker_main`, which `www/js/process_boot.js` calls once this module is instantiated with a
//! fresh memory. Nothing here calls into the library, so name it: an unreferenced crate would
//! not be linked, and its wasm exports would be missing.
use playground as _;

fn main() {}
