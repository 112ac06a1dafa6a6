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
#[derive(Debug, Clone)]
pub struct PrimeCounter {
    limit: u64,
    /// Odd primes up to √limit: the only ones whose multiples need crossing out.
    base: Vec<u64>,
    /// The next odd number to sieve; everything below it has been counted.
    next: u64,
    count: u64,
    /// Scratch flags for one segment: `seg[i]` is the odd number `lo + 2i`.
    seg: Vec<u8>,
}

impl PrimeCounter {
    /// A counter for the primes below `limit`, not started.
    pub fn new(limit: u64) -> PrimeCounter {
        PrimeCounter {
            limit,
            base: odd_primes_up_to(limit.saturating_sub(1).isqrt()),
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
            for &p in &self.base {
                let square = p * p;
                if square >= hi {
                    break;
                }
                // The first odd multiple of p that is ≥ max(p², lo).
                let start = if square >= lo {
                    square
                } else {
                    let m = lo.div_ceil(p) * p;
                    if m % 2 == 0 { m + p } else { m }
                };
                let mut i = ((start - lo) / 2) as usize;
                while i < len {
                    seg[i] = 0;
                    i += p as usize;
                }
            }
            self.count += seg.iter().map(|&flag| u64::from(flag)).sum::<u64>();
            self.next = lo + 2 * SEGMENT as u64;
        }
        self.next >= self.limit
    }

    /// The primes counted so far.
    pub fn answer(&self) -> u64 {
        self.count
    }
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
