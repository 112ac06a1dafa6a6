//! Data-heavy: a payload of `n` KiB, transformed byte by byte (`b → 3b + 1`), summed.
//!
//! Interesting because the computation is trivial and the data is not: the work is dominated by
//! touching memory, so wherever the payload has to *move* (a copy into another worker's memory)
//! the move costs as much as the work or more — seed 000's inversion, where big data and small
//! compute run slower in a process pool than on one thread. The answer is the checksum of the
//! transformed payload; its oracle uses the pattern's period (256 bytes) and so never runs the
//! kernel's loop.

/// Largest payload of one task, KiB (64 MiB).
pub const MAX_KIB: u64 = 64 * 1024;

/// Cap on the payloads of a whole batch, bytes: a tab must never run out of memory.
pub const MAX_BATCH_BYTES: u64 = 512 * 1024 * 1024;

/// Bytes per [`DataTransform::step`]: about a millisecond of work.
pub const SLICE: usize = 1 << 20;

/// The payload's byte at `index`: a fixed pattern with period 256.
pub fn pattern(index: usize) -> u8 {
    (index as u8).wrapping_mul(31).wrapping_add(7)
}

/// The per-byte transform.
pub fn transform(byte: u8) -> u8 {
    byte.wrapping_mul(3).wrapping_add(1)
}

/// The payload of `kib` KiB.
pub fn payload(kib: u64) -> Vec<u8> {
    (0..(kib * 1024) as usize).map(pattern).collect()
}

/// The oracle: the checksum of `kib` KiB, from one period of the pattern (KiB are whole
/// periods: 1024 = 4 × 256).
pub fn expected(kib: u64) -> u64 {
    let period: u64 = (0..256).map(|i| u64::from(transform(pattern(i)))).sum();
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
    /// Transforms `payload` (a task of `kib` KiB builds it with [`payload`]).
    pub fn new(payload: Vec<u8>) -> DataTransform {
        DataTransform {
            payload,
            pos: 0,
            sum: 0,
        }
    }

    /// Transforms the next [`SLICE`] bytes in place; `true` when the whole payload is done.
    pub fn step(&mut self) -> bool {
        let end = self.payload.len().min(self.pos + SLICE);
        for byte in &mut self.payload[self.pos..end] {
            *byte = transform(*byte);
            self.sum += u64::from(*byte);
        }
        self.pos = end;
        self.pos == self.payload.len()
    }

    /// The checksum so far.
    pub fn answer(&self) -> u64 {
        self.sum
    }
}
