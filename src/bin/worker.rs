//! One isolated worker (the "processes" model). Its entry point is `cp_worker_main`, which
//! `www/js/process_boot.js` calls once this module is instantiated with a fresh memory.

fn main() {}
