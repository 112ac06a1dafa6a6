//! What the page says about a run, pure so the host tests it: the views' geometry, the Python
//! each model stands for, the decision table, the presets and their verdicts, the URL, export
//! and import, the host-page commands, and the page's state with its pure reducer.

pub mod chart;
pub mod decision;
pub mod export;
pub mod host;
pub mod page;
pub mod presets;
pub mod python;
pub mod siege;
pub mod url_state;
