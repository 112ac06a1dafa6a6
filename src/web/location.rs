//! The page's URL: read the query once, keep it in step with the controls.

use crate::url_state::{self, UrlState};

/// Decodes `location.search`, with a notice per problem.
pub fn read() -> (UrlState, Vec<String>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    url_state::decode(&search)
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
