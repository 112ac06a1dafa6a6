//! What every model's glue is handed: one [`Batch`]. Its own module so that the models and the
//! dispatcher that calls them (`web::run`) both depend on it and not on each other.

use std::sync::Arc;

use crate::config::RunConfig;
use crate::core::control::RunControl;
use crate::models::Model;
use crate::report::Environment;

/// One batch to run: which model, with which settings, in which browser, under which control
/// (progress, cancel, the watchdog).
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// The model to run it under.
    pub model: Model,
    /// The run's settings.
    pub config: &'a RunConfig,
    /// What the browser can do (cross-origin isolation, cores).
    pub env: &'a Environment,
    /// Shared with whoever runs the tasks: pool threads count progress in it and read cancel.
    pub control: &'a Arc<RunControl>,
}
