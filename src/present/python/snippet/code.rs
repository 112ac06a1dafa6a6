//! The vocabulary the snippet's writers share: the [`Flavor`] of a task's code, what the snippet
//! collects besides its functions ([`Code`]), and Python literals.

use std::collections::BTreeSet;

/// How a task's CPU steps are written: plain code, or inside `async def` with or without
/// yielding between slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    /// A plain function.
    Sync,
    /// `async def`, CPU loops never await (the async model's naive mode).
    Naive,
    /// `async def`, `await asyncio.sleep(0)` after every slice (cooperative mode).
    Cooperative,
}

impl Flavor {
    pub fn is_async(self) -> bool {
        self != Flavor::Sync
    }
}

/// What the snippet needs besides its functions: imports, the kernels it calls, the URL.
#[derive(Debug, Default)]
pub(super) struct Code {
    /// `import x` lines.
    pub imports: BTreeSet<&'static str>,
    /// `from x import y` lines.
    pub from_imports: BTreeSet<&'static str>,
    /// The playground's kernels the code calls (named, not shown).
    pub helpers: BTreeSet<&'static str>,
    /// Whether the code fetches the page's sample file.
    pub url: bool,
}

/// A Python integer literal, with `_` separators once it is long enough to misread.
pub(super) fn py_int(n: u64) -> String {
    let digits = n.to_string();
    if digits.len() < 5 {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// Milliseconds as a Python float of seconds (`200` → `0.2`), as `time.sleep` takes them.
pub(super) fn py_seconds(ms: u64) -> String {
    let s = format!("{}", ms as f64 / 1000.0);
    if s.contains('.') { s } else { format!("{s}.0") }
}

pub(super) fn indent(lines: &[String]) -> impl Iterator<Item = String> + '_ {
    lines.iter().map(|l| format!("    {l}"))
}

/// The comment a cooperative CPU loop ends each slice with.
pub(super) const YIELD: &str = "await asyncio.sleep(0)  # end of a slice: let the other tasks run";
