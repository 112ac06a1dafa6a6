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
        // WebKit refuses more than 100 calls in 10 s (a SecurityError): the address bar then
        // lags until the next write, but "Copy link" is built from the state, not from it.
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&url_state::encode(state)),
        );
    }
}
