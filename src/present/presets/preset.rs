//! What a preset is, and the small vocabulary its files share: the sizes it picks from
//! ([`Sizing`]), the run builders, and the lookups its verdict reads ([`Runs`]).
//!
//! Each preset is one file beside this one, holding its claim, its runs and its verdict
//! together, so that a reader checks a verdict against the runs it reads in one screen.

use std::borrow::Borrow;
use std::ops::Deref;

use crate::config::RunConfig;
use crate::models::Model;
use crate::report::{ModelResult, Results, Status, Verdict};
use crate::workloads::{WorkloadKind, WorkloadSpec};

/// One experiment from the seed articles.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The URL name (`?preset=NAME`); fixed, documentation links to it.
    pub name: &'static str,
    /// Its title in the page.
    pub title: &'static str,
    /// Which seed article it comes from.
    pub seed: &'static str,
    /// The article's claim.
    pub claim: &'static str,
    /// What to look at in the views.
    pub look_for: &'static str,
    /// Its runs, for a machine of a size.
    pub(super) plan: fn(Sizing) -> Vec<PresetStep>,
    /// Its verdict on the results of those runs.
    pub(super) judge: fn(&Runs) -> Verdict,
}

/// Presets are the same when their names are: the name is what links and URLs hold (and
/// function pointers compare unreliably).
impl PartialEq for Preset {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Preset {}

impl Preset {
    /// The runs, for a machine with `cores` cores; `quick` for small sizes.
    pub fn steps(&self, cores: u32, quick: bool) -> Vec<PresetStep> {
        (self.plan)(Sizing {
            cores: cores.max(1),
            quick,
        })
    }

    /// Whether `runs` (one per step, in order) reproduce the claim. (The page keeps its runs
    /// shared, hence any `Borrow<Results>`.)
    pub fn verdict<R: Borrow<Results>>(&self, runs: &[R]) -> Verdict {
        let runs: Vec<&Results> = runs.iter().map(Borrow::borrow).collect();
        (self.judge)(&Runs(&runs))
    }
}

/// One run of a preset.
#[derive(Debug, Clone, PartialEq)]
pub struct PresetStep {
    /// What this run shows, e.g. "chunksize 16".
    pub label: String,
    /// Its settings.
    pub config: RunConfig,
}

/// The machine a preset's runs are sized for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sizing {
    /// Its cores (at least one).
    pub cores: u32,
    /// Small sizes (tests, embeds).
    pub quick: bool,
}

impl Sizing {
    /// `standard`, or `small` for a quick run.
    pub fn pick(self, standard: u64, small: u64) -> u64 {
        if self.quick { small } else { standard }
    }
}

/// A preset's results, one per step in order (indexing gives the step's whole document).
pub(super) struct Runs<'a>(&'a [&'a Results]);

impl<'a> Deref for Runs<'a> {
    type Target = [&'a Results];

    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl Runs<'_> {
    /// `model`'s result in step `step`, if it ran, finished and verified: a verdict reads only
    /// verified answers.
    pub fn get(&self, step: usize, model: Model) -> Option<&ModelResult> {
        self.0
            .get(step)?
            .models
            .iter()
            .find(|r| r.model == model && r.status == Status::Ok && r.answer_ok)
    }

    /// Its typical wall time (the median of its repeats).
    pub fn wall(&self, step: usize, model: Model) -> Option<f64> {
        self.get(step, model).map(ModelResult::typical_wall_ms)
    }
}

/// A verdict that decides nothing, and says why.
pub(super) fn undecided(text: &str) -> Verdict {
    Verdict {
        agrees: None,
        text: text.to_string(),
    }
}

pub(super) fn spec(kind: WorkloadKind, n: u64) -> WorkloadSpec {
    WorkloadSpec { kind, n }
}

/// The default run of `models`.
pub(super) fn config(models: &[Model]) -> RunConfig {
    RunConfig {
        models: models.to_vec(),
        ..RunConfig::default()
    }
}

pub(super) fn step(label: impl Into<String>, config: RunConfig) -> PresetStep {
    PresetStep {
        label: label.into(),
        config,
    }
}
