//! The page's URL: read the query once, keep it in step with the controls.

use crate::present::url_state::{self, UrlState};

/// Decodes `location.search`, with a notice per problem.
pub fn read() -> (UrlState, Vec<String>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    url_state::decode(&search)
}

/// A link to this page with `state` as its query (absolute, for a new tab or a copy).
pub fn link(state: &UrlState) -> String {
    let path = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default();
    format!("{path}{}", url_state::encode(state))
}

/// Replaces the URL's query with `state` (no new history entry), so the address bar is always a
/// link to the current experiment.
pub fn write(state: &UrlState) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&url_state::encode(state)),
        );
    }
}

/// Sets `document.body.dataset.runState` (`idle`, `running`, `done`, `error`): the signal that
/// automation waits for.
pub fn set_run_state(state: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.dataset().set("runState", state);
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

/// The page's colour theme: `auto` (the OS preference), `light` or `dark`.
pub fn theme() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .filter(|t| THEMES.contains(&t.as_str()))
        .unwrap_or_else(|| THEMES[0].to_string())
}

/// Applies and remembers a theme (`<html data-theme>`, read by the stylesheet).
pub fn set_theme(theme: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme);
    }
    if let Ok(Some(storage)) = window.local_storage() {
        // Storage can be full or forbidden (private modes): the theme still applies this visit.
        let _ = storage.set_item(THEME_KEY, theme);
    }
}

/// The themes, in the order the toggle cycles through them.
pub const THEMES: [&str; 3] = ["auto", "light", "dark"];

const THEME_KEY: &str = "concurrency-playground-theme";
