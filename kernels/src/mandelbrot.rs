//! Escape-time Mandelbrot over an `n × n` grid of [-2, 1) × [-1.5, 1.5), 256 iterations at most.
//!
//! Interesting because its cost is uneven: rows through the set's body take many times longer
//! than rows near the edge, so a static split of rows across workers leaves some idle while one
//! finishes (tail imbalance), and dynamic scheduling pays off. The answer is the sum of the
//! escape counts, checked against a table computed by an independent CPython implementation
//! (`tools/oracles.py`). IEEE-754 doubles with no fused multiply-add give the same bits in wasm,
//! natively and in CPython.

/// Iteration cap per point.
pub const MAX_ITER: u32 = 256;

/// Pixels per [`Mandelbrot::step`]: whole rows, about a millisecond of work.
pub const PIXELS_PER_SLICE: u64 = 1 << 14;

/// `(n, sum of escape counts over the n × n grid)`, from `tools/oracles.py`.
pub const CHECKSUMS: [(u64, u64); 6] = [
    (64, 197_192),
    (128, 783_496),
    (256, 3_123_776),
    (512, 12_475_425),
    (1024, 49_861_519),
    (2048, 199_372_603),
];

/// The oracle: the checksum for an `n` in the table.
pub fn expected(n: u64) -> Option<u64> {
    CHECKSUMS
        .iter()
        .find(|&&(size, _)| size == n)
        .map(|&(_, sum)| sum)
}

/// Escape counts summed over row `y` of an `n × n` grid.
pub fn row(n: u64, y: u64) -> u64 {
    let ci = -1.5 + 3.0 * y as f64 / n as f64;
    (0..n)
        .map(|x| {
            let cr = -2.0 + 3.0 * x as f64 / n as f64;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let mut i = 0;
            while i < MAX_ITER {
                let (zr2, zi2) = (zr * zr, zi * zi);
                if zr2 + zi2 > 4.0 {
                    break;
                }
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                i += 1;
            }
            u64::from(i)
        })
        .sum()
}

/// A resumable Mandelbrot checksum, row by row.
#[derive(Debug, Clone)]
pub struct Mandelbrot {
    n: u64,
    next_row: u64,
    sum: u64,
}

impl Mandelbrot {
    /// An `n × n` grid, not started.
    pub fn new(n: u64) -> Mandelbrot {
        Mandelbrot {
            n,
            next_row: 0,
            sum: 0,
        }
    }

    /// Computes the next rows (about [`PIXELS_PER_SLICE`] pixels); `true` when all are done.
    pub fn step(&mut self) -> bool {
        let rows = (PIXELS_PER_SLICE / self.n.max(1)).max(1);
        let end = self.n.min(self.next_row + rows);
        for y in self.next_row..end {
            self.sum += row(self.n, y);
        }
        self.next_row = end;
        self.next_row == self.n
    }

    /// The checksum so far.
    pub fn answer(&self) -> u64 {
        self.sum
    }
}
