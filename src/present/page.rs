//! The page's state and what can happen to it: [`PageState`], [`Action`] and the pure
//! [`PageState::apply`] (the page's one reducer forwards to it, so the host tests every
//! transition), and [`Shared`], the documents the state and the views hold without copying.

use std::rc::Rc;

use crate::config::Edit;
use crate::core::choice::Choice;
use crate::models::Model;
use crate::present::presets::Preset;
use crate::present::url_state::UrlState;
use crate::report::{Environment, Results};

/// The page's colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// The OS preference.
    #[default]
    Auto,
    /// Light, whatever the OS says.
    Light,
    /// Dark, whatever the OS says.
    Dark,
}

/// Its id is its name in `<html data-theme>` (read by the stylesheet) and in storage.
impl Choice for Theme {
    /// In the order the toggle cycles through them.
    const ALL: &'static [Theme] = &[Theme::Auto, Theme::Light, Theme::Dark];
    fn id(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Theme::Auto => "the system's",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

impl Theme {
    /// The toggle's next theme.
    pub fn next(self) -> Theme {
        let at = Theme::ALL.iter().position(|t| *t == self).unwrap_or(0);
        Theme::ALL[(at + 1) % Theme::ALL.len()]
    }
}

/// Where the page is in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Nothing ran yet.
    Idle,
    /// This model is running (and which run of it, when there are several).
    Running(Model, String),
    /// The last run finished.
    Done,
}

/// A document the page's state and its views share: a clone counts a reference, and two are
/// equal when they are the same document.
///
/// A run's results hold thousands of tasks. The state is cloned at every action (progress comes
/// a few times a second) and each view's props are compared at every render, so holding the
/// results by value copied them, and the session's history with them, at every step: after ten
/// runs of 1024 tiny tasks × 4 models, a progress render alone was a long task (50–57 ms).
#[derive(Debug, Default)]
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    /// Shares `value`.
    pub fn new(value: T) -> Self {
        Shared(Rc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::borrow::Borrow<T> for Shared<T> {
    fn borrow(&self) -> &T {
        &self.0
    }
}

/// The page's state.
#[derive(Debug, Clone, PartialEq)]
pub struct PageState {
    /// The settings, as the URL says them.
    pub url: UrlState,
    /// What the URL's decoding had to correct, for the page to say.
    pub notices: Vec<String>,
    /// What the browser offers.
    pub env: Environment,
    /// Where the page is in a run.
    pub phase: Phase,
    /// Tasks finished by the running model.
    pub progress: u32,
    /// The last run was cancelled.
    pub cancelled: bool,
    /// The document of the run under way or last finished.
    pub results: Option<Shared<Results>>,
    /// `results` as the page's `#results-json` shows it, once a run is done: written once per
    /// run, not at every render (1.3 MB after 1024 tasks × 4 models), and shared, not copied.
    pub results_json: Option<Rc<str>>,
    /// The session's finished runs, newest last, for the decision table.
    pub history: Shared<Vec<Shared<Results>>>,
    /// A preset's current step: (index, count, label).
    pub step: Option<(usize, usize, String)>,
    /// Runs finished or loaded so far: an embed posts the results to its host at each.
    pub finished: u32,
    /// `auto`, `light` or `dark`.
    pub theme: Theme,
}

/// Most runs the decision table remembers.
const HISTORY: usize = 50;

impl Shared<Vec<Shared<Results>>> {
    /// The history with `runs` added, the oldest forgotten beyond [`HISTORY`].
    fn remembering(&self, runs: impl IntoIterator<Item = Shared<Results>>) -> Self {
        let mut history: Vec<_> = self.iter().cloned().chain(runs).collect();
        let extra = history.len().saturating_sub(HISTORY);
        history.drain(..extra);
        Shared::new(history)
    }
}

/// What can happen to the page.
#[derive(Debug)]
pub enum Action {
    /// The controls changed a setting.
    Edit(Edit),
    /// A preset was picked (`None`: back to the controls).
    Preset(Option<&'static Preset>),
    /// A run started.
    Start,
    /// The run's document as it stands (after each model, or a preset's step).
    Results(Shared<Results>),
    /// This model started (and which run of it, e.g. " (run 2 of 3)").
    Running(Model, String),
    /// A preset moved to its step `.0` of `.1`, labelled `.2`.
    PresetStep(usize, usize, String),
    /// The running model has finished this many tasks.
    Progress(u32),
    /// The whole run finished (`.0`: because it was cancelled); `.1` goes to the history; `.2` is
    /// the final document's JSON, if a step ran.
    Done(bool, Vec<Shared<Results>>, Option<String>),
    /// A results file was loaded: show it as if it had just run.
    Imported(Box<Results>),
    /// The theme toggle was pressed.
    NextTheme,
}

impl PageState {
    /// A page that has run nothing yet, with the settings `url` and what the browser offers.
    pub fn new(url: UrlState, notices: Vec<String>, env: Environment, theme: Theme) -> PageState {
        PageState {
            url,
            notices,
            env,
            phase: Phase::Idle,
            progress: 0,
            cancelled: false,
            results: None,
            results_json: None,
            history: Shared::default(),
            step: None,
            finished: 0,
            theme,
        }
    }

    /// The state after `action`. Pure: it computes the next state and touches nothing outside
    /// it (the page's component makes the URL and the theme follow).
    pub fn apply(&self, action: Action) -> PageState {
        let mut next = self.clone();
        match action {
            Action::Edit(edit) => {
                next.url.config.apply(edit);
            }
            Action::Preset(preset) => {
                next.url.preset = preset.map(|p| p.name.to_string());
            }
            Action::Start => {
                next.cancelled = false;
                next.step = None;
            }
            Action::Results(results) => {
                next.env.count_per_ms = results.environment.count_per_ms;
                next.results = Some(results);
            }
            Action::Running(model, detail) => {
                next.phase = Phase::Running(model, detail);
                next.progress = 0;
            }
            Action::PresetStep(at, of, label) => next.step = Some((at, of, label)),
            Action::Progress(done) => next.progress = done,
            Action::Done(cancelled, finished, json) => {
                next.phase = Phase::Done;
                next.cancelled = cancelled;
                next.step = None;
                next.history = next.history.remembering(finished);
                if let Some(json) = json {
                    next.results_json = Some(json.into());
                }
                next.finished += 1;
            }
            Action::Imported(results) => {
                next.phase = Phase::Done;
                next.cancelled = false;
                let results = Shared::new(*results);
                next.history = next.history.remembering([results.clone()]);
                next.results_json = Some(results.to_json_compact().into());
                next.results = Some(results);
                next.finished += 1;
            }
            Action::NextTheme => next.theme = next.theme.next(),
        }
        next
    }
}

#[cfg(test)]
mod test;
