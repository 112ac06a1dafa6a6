//! The seed articles' experiments as one-click presets (`?preset=NAME`).
//!
//! A preset is a list of runs ([`PresetStep`]s, each an ordinary [`RunConfig`]) and a verdict
//! computed from their results ([`Preset::verdict`]): whether this machine reproduced the
//! article's claim, in numbers, and why not when it did not. The names are fixed: documentation
//! pages link to them. `quick` sizes keep every preset to a few seconds (tests, embeds).
//!
//! One file per preset, holding its claim, its runs and its verdict together; `preset` holds
//! what they share. Adding a preset is one file and one line in [`PRESETS`].
//!
//! [`RunConfig`]: crate::config::RunConfig

mod asyncio_gather;
mod chunksize_sweep;
mod decision_table;
mod gil_vs_free_threading;
mod ipc_inversion;
mod preset;
mod recursive_submit_deadlock;
mod start_methods;
mod threads_vs_processes;
mod tornado_siege;

pub use preset::{Preset, PresetStep};

/// Every preset, in the page's order.
pub const PRESETS: [Preset; 9] = [
    tornado_siege::PRESET,
    asyncio_gather::PRESET,
    threads_vs_processes::PRESET,
    ipc_inversion::PRESET,
    chunksize_sweep::PRESET,
    start_methods::PRESET,
    recursive_submit_deadlock::PRESET,
    gil_vs_free_threading::PRESET,
    decision_table::PRESET,
];

/// The preset named `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod test;
