//! What the page says about itself in its DOM, beside its content: the run state automation
//! waits for, whether every view is drawn, and the colour theme.

use crate::core::choice::Choice;
use crate::present::page::Theme;

/// Where the page is in a run, as `document.body.dataset.runState`: the signal automation
/// (the E2E tests, a host page) waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Nothing has run yet.
    Idle,
    /// A run is going on.
    Running,
    /// The last run finished.
    Done,
    /// The last run was cancelled.
    Cancelled,
    /// The last run failed (a model errored, or an answer was wrong).
    Error,
}

impl RunState {
    /// The attribute's value.
    pub fn id(self) -> &'static str {
        match self {
            RunState::Idle => "idle",
            RunState::Running => "running",
            RunState::Done => "done",
            RunState::Cancelled => "cancelled",
            RunState::Error => "error",
        }
    }
}

/// Sets `document.body.dataset.runState`.
pub fn set_run_state(state: RunState) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        // A page without a body has no automation to tell.
        let _ = body.dataset().set("runState", state.id());
    }
}

/// Which run's document the page's `#results-json` element holds (its `data-run`), if it is
/// there. Cheaper than its text, which is megabytes after a large run.
pub fn results_run() -> Option<String> {
    web_sys::window()?
        .document()?
        .get_element_by_id("results-json")?
        .get_attribute("data-run")
}

/// Whether part of the page is still to be drawn: a view that draws a turn after the rest marks
/// itself `data-drawing` until it has.
pub fn drawing() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-drawing]").ok().flatten())
        .is_some()
}

/// The remembered theme, or [`Theme::Auto`].
pub fn remembered_theme() -> Theme {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .and_then(|id| Theme::from_id(&id))
        .unwrap_or_default()
}

/// Applies and remembers `theme`.
pub fn apply_theme(theme: Theme) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        // Only a page without a root element refuses, and it shows nothing to theme.
        let _ = root.set_attribute("data-theme", theme.id());
    }
    if let Ok(Some(storage)) = window.local_storage() {
        // Storage can be full or forbidden (private modes): the theme still applies this visit.
        let _ = storage.set_item(THEME_KEY, theme.id());
    }
}

const THEME_KEY: &str = "concurrency-playground-theme";
