//! Count the primes below `n` with a segmented, odd-only sieve of Eratosthenes.
//!
//! Interesting because, unlike the count loop, it touches memory: a segment of the sieve is sized
//! to stay in L1, so the kernel is fast on one core and scales across cores only as far as each
//! core has its own cache. The answer is checked against the known values of π(10^k).

/// π(10^k), the number of primes below 10^k, for k = 0..=9. <https://oeis.org/A006880>
pub const PRIMES_BELOW_POW10: [u64; 10] = [
    0, 4, 25, 168, 1_229, 9_592, 78_498, 664_579, 5_761_455, 50_847_534,
];

/// Odd numbers per segment: 32 KiB of flags, one L1 data cache.
pub const SEGMENT: usize = 1 << 15;

/// Segments per [`PrimeCounter::step`]: 8 × 65 536 numbers, about a millisecond.
pub const SEGMENTS_PER_SLICE: usize = 8;

/// The oracle: π(n) when `n` is a power of ten in the table (and at least 10).
pub fn expected(n: u64) -> Option<u64> {
    let mut power = 10u64;
    for &count in &PRIMES_BELOW_POW10[1..] {
        if power == n {
            return Some(count);
        }
        power = power.checked_mul(10)?;
    }
    None
}

/// A resumable prime counter over `[0, limit)`.
///
/// Each base prime keeps the next multiple it has to cross out from one segment to the next, as
/// a textbook segmented sieve does, instead of finding it again with a division in every
/// segment: at 10^8 that was 1.9 million 64-bit divisions, about 30 ms of wasm's 105 and 12 of
/// native code's 70 (docs/BENCHMARKS.md, B1).
#[derive(Debug, Clone)]
pub struct PrimeCounter {
    limit: u64,
    /// Odd primes up to √limit: the only ones whose multiples need crossing out.
    base: Vec<u64>,
    /// For each base prime, the next odd multiple to cross out (from its square on), as an odd
    /// index: the odd number `3 + 2k` has index `k`.
    pending: Vec<u64>,
    /// The next odd number to sieve; everything below it has been counted.
    next: u64,
    count: u64,
    /// Scratch flags for one segment: `seg[i]` is the odd number `lo + 2i`.
    seg: Vec<u8>,
}

impl PrimeCounter {
    /// A counter for the primes below `limit`, not started.
    pub fn new(limit: u64) -> PrimeCounter {
        let base = odd_primes_up_to(limit.saturating_sub(1).isqrt());
        PrimeCounter {
            limit,
            pending: base.iter().map(|&p| odd_index(p * p)).collect(),
            base,
            next: 3,
            // 2, the only even prime, is counted up front; the sieve only sees odd numbers.
            count: u64::from(limit > 2),
            seg: vec![0; SEGMENT],
        }
    }

    /// Sieves up to [`SEGMENTS_PER_SLICE`] segments; `true` when the whole range is counted.
    pub fn step(&mut self) -> bool {
        for _ in 0..SEGMENTS_PER_SLICE {
            if self.next >= self.limit {
                return true;
            }
            let lo = self.next;
            let hi = self.limit.min(lo + 2 * SEGMENT as u64);
            let len = (hi - lo).div_ceil(2) as usize;
            let seg = &mut self.seg[..len];
            seg.fill(1);
            let first = odd_index(lo);
            for (&p, pending) in self.base.iter().zip(&mut self.pending) {
                if p * p >= hi {
                    break;
                }
                let mut i = (*pending - first) as usize;
                while i < len {
                    seg[i] = 0;
                    i += p as usize;
                }
                *pending = first + i as u64;
            }
            self.count += count_ones_bytes(seg);
            self.next = lo + 2 * SEGMENT as u64;
        }
        self.next >= self.limit
    }

    /// The primes counted so far.
    pub fn answer(&self) -> u64 {
        self.count
    }
}

/// The odd index of the odd number `odd` ≥ 3 (see [`PrimeCounter`]).
fn odd_index(odd: u64) -> u64 {
    (odd - 3) / 2
}

/// How many of `flags` (each 0 or 1) are 1, eight at a time: the bytes of a word, each 0 or 1,
/// sum into its top byte when multiplied by 0x0101…01. The same scalar code natively and in
/// wasm. A byte-by-byte sum is vectorised by x86's baseline SSE2 but not in wasm without SIMD:
/// at 10^8 it took about 27 ms in wasm and 8 natively.
fn count_ones_bytes(flags: &[u8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let words = flags.chunks_exact(8);
    let rest: u64 = words.remainder().iter().map(|&f| u64::from(f)).sum();
    words
        .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")).wrapping_mul(ONES) >> 56)
        .sum::<u64>()
        + rest
}

/// The odd primes ≤ `max`, by a plain sieve (max is at most √10^10, so this is tiny).
fn odd_primes_up_to(max: u64) -> Vec<u64> {
    let max = max as usize;
    let mut composite = vec![false; max + 1];
    let mut primes = Vec::new();
    for i in (3..=max).step_by(2) {
        if !composite[i] {
            primes.push(i as u64);
            for j in (i * i..=max).step_by(2 * i) {
                composite[j] = true;
            }
        }
    }
    primes
}
