//! Data-heavy: a payload of `n` KiB and a small summary of it — the transform `b → 3b + 1` of
//! one byte in [`STRIDE`], summed.
//!
//! Interesting because the computation is small and the data is not: wherever the payload has
//! to *move* (a copy into another worker's memory) the move costs far more than the work — seed
//! 000's inversion, where big data and small compute run slower in a process pool than on one
//! thread. The summary reads one byte in 64 so that it stays small next to even the fastest
//! copy (a machine's memcpy): a kernel that touched every byte cost as much as the copies on a
//! fast machine, and the lesson shrank to 1.2× there. (CPython, 2 cores here: `sum(p[::64])` of
//! four 16 MiB payloads takes 12 ms on one thread and 170 ms through a `ProcessPoolExecutor`,
//! pickling at 1.4 GB/s.) The answer's oracle uses the pattern's period (256 bytes) and so never
//! runs the kernel's loop.

/// Largest payload of one task, KiB (64 MiB).
pub const MAX_KIB: u64 = 64 * 1024;

/// Cap on the payloads of a whole batch, bytes: a tab must never run out of memory.
pub const MAX_BATCH_BYTES: u64 = 512 * 1024 * 1024;

/// The summary reads one byte in this many.
pub const STRIDE: usize = 64;

/// Bytes per [`DataTransform::step`]: 256 Ki samples, well under a millisecond of work.
pub const SLICE: usize = 16 << 20;

/// The payload's byte at `index`: a fixed pattern with period 256.
pub fn pattern(index: usize) -> u8 {
    (index as u8).wrapping_mul(31).wrapping_add(7)
}

/// The per-byte transform.
pub fn transform(byte: u8) -> u8 {
    byte.wrapping_mul(3).wrapping_add(1)
}

/// The payload of `kib` KiB: its period repeated, at the speed of a copy (the data exists
/// already, as a program's data does: making it is not the work being compared).
pub fn payload(kib: u64) -> Vec<u8> {
    let period: Vec<u8> = (0..256).map(pattern).collect();
    let len = (kib * 1024) as usize;
    let mut payload = Vec::with_capacity(len);
    while payload.len() < len {
        payload.extend_from_slice(&period[..period.len().min(len - payload.len())]);
    }
    payload
}

/// The oracle: the summary of `kib` KiB, from one period of the pattern (KiB are whole
/// periods, 1024 = 4 × 256, and a period holds 256 / [`STRIDE`] samples).
pub fn expected(kib: u64) -> u64 {
    let period: u64 = (0..256)
        .step_by(STRIDE)
        .map(|i| u64::from(transform(pattern(i))))
        .sum();
    period * kib * 4
}

/// A resumable transform over a payload it owns.
#[derive(Debug, Clone)]
pub struct DataTransform {
    payload: Vec<u8>,
    pos: usize,
    sum: u64,
}

impl DataTransform {
    /// Summarises `payload` (a task of `kib` KiB builds it with [`payload`]).
    pub fn new(payload: Vec<u8>) -> DataTransform {
        DataTransform {
            payload,
            pos: 0,
            sum: 0,
        }
    }

    /// Summarises the next [`SLICE`] bytes; `true` when the whole payload is done.
    pub fn step(&mut self) -> bool {
        let end = self.payload.len().min(self.pos + SLICE);
        // `pos` stays a multiple of STRIDE (SLICE is one), so the samples are 0, 64, 128 …
        for &byte in self.payload[self.pos..end].iter().step_by(STRIDE) {
            self.sum += u64::from(transform(byte));
        }
        self.pos = end;
        self.pos == self.payload.len()
    }

    /// The summary so far.
    pub fn answer(&self) -> u64 {
        self.sum
    }
}
