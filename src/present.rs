//! What the page says about a run, pure so the host tests it: the views' geometry, the Python
//! each model stands for, the decision table, the presets and their verdicts, the URL, export
//! and import, and the host-page commands.

pub mod chart;
pub mod decision;
pub mod export;
pub mod host;
pub mod presets;
pub mod python;
pub mod url_state;
