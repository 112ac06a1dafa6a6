//! A SHA-256 hash chain: hash the seed, then hash the digest, `n` times.
//!
//! Interesting because every step depends on the previous one: a single chain cannot be split
//! across threads at all, so only running *several* chains (tasks) in parallel helps — the
//! difference between parallelising a batch and parallelising a task. Hashing uses the
//! well-kept `sha2` crate; the answer (the first 6 digest bytes, little-endian: 48 bits, so it
//! survives `JSON.parse` exactly) is checked against CPython's `hashlib` (`tools/oracles.py`).

use sha2::{Digest, Sha256};

/// The chain's starting bytes.
pub const SEED: &[u8] = b"concurrency-playground";

/// Hashes per [`HashChain::step`]: about a millisecond.
pub const SLICE: u64 = 2048;

/// `(n, first 6 bytes of the n-th digest as a little-endian integer)`, from CPython's hashlib.
pub const DIGESTS: [(u64, u64); 7] = [
    (10, 119_693_480_627_079),
    (100, 219_049_878_851_378),
    (1_000, 221_404_204_384_050),
    (10_000, 150_062_426_768_363),
    (100_000, 169_440_476_008_014),
    (1_000_000, 238_696_994_858_211),
    (10_000_000, 85_810_221_458_622),
];

/// The oracle: the answer for an `n` in the table.
pub fn expected(n: u64) -> Option<u64> {
    DIGESTS.iter().find(|&&(len, _)| len == n).map(|&(_, v)| v)
}

/// A resumable hash chain.
#[derive(Debug, Clone)]
pub struct HashChain {
    n: u64,
    done: u64,
    /// The last digest; `None` before the first hash (the seed is hashed first).
    digest: Option<[u8; 32]>,
}

impl HashChain {
    /// A chain of `n` hashes, not started.
    pub fn new(n: u64) -> HashChain {
        HashChain {
            n,
            done: 0,
            digest: None,
        }
    }

    /// Hashes up to [`SLICE`] more links; `true` when all `n` are done.
    pub fn step(&mut self) -> bool {
        let end = self.n.min(self.done + SLICE);
        for _ in self.done..end {
            let input: &[u8] = match &self.digest {
                Some(d) => d,
                None => SEED,
            };
            self.digest = Some(Sha256::digest(input).into());
        }
        self.done = end;
        self.done == self.n
    }

    /// The first 6 bytes of the current digest, little-endian (0 before the first hash).
    pub fn answer(&self) -> u64 {
        self.digest.map_or(0, |d| {
            let mut low = [0u8; 8];
            low[..6].copy_from_slice(&d[..6]);
            u64::from_le_bytes(low)
        })
    }
}
