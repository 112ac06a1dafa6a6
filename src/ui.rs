//! The Yew page (`wasm32` only). The component and its effects are in [`app`], the state and its
//! reducer in [`state`], the run loop that calls the models in [`run`], the host-page messages in
//! [`host_api`]; the rest are the page's parts (controls, results, share, ticker, views).

mod app;
mod controls;
mod host_api;
mod presets;
mod results;
mod run;
mod share;
mod state;
mod ticker;
mod views;

pub use app::App;

/// Entry point of the page (`bin/app.rs`). Does nothing outside a window, so the same module
/// can be instantiated in a worker without mounting a UI there.
pub fn start() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_some() {
        yew::Renderer::<App>::new().render();
    }
}
