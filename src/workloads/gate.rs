//! The seam where a task meets a lock before it computes: the GIL of the thread pool's
//! `pool_gil` model ([`crate::models::pool::gil`]) or none at all. The step runners in
//! [`crate::workloads`] call it at every slice boundary, so the kernels stay free of any model.

/// The lock a task meets before it computes: a simulated GIL, or none (free-threading).
pub trait Gate {
    /// Blocks until this thread holds the lock. Returns the wait (start, end; ms on the shared
    /// clock; equal when it was free), or `None` when there is no lock.
    fn acquire(&self) -> Option<(f64, f64)>;
    /// Called by the holder between slices: hands the lock over if another thread has waited
    /// a switch interval, then blocks until it comes back. Returns that wait, if any.
    fn checkpoint(&self) -> Option<(f64, f64)>;
    /// Lets go of the lock (before an I/O wait, at the end of a CPU step).
    fn release(&self);
}

/// No lock at all: free-threaded CPython (3.13t), the isolated workers (one thread each, so
/// their own GILs are never contended), and the page's models.
#[derive(Debug, Clone, Copy, Default)]
pub struct FreeThreading;

impl Gate for FreeThreading {
    fn acquire(&self) -> Option<(f64, f64)> {
        None
    }
    fn checkpoint(&self) -> Option<(f64, f64)> {
        None
    }
    fn release(&self) {}
}
