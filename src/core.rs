//! The pure core's ground floor: what every model, view and test shares, depending on nothing
//! else in the crate.

pub mod choice;
pub mod control;
pub mod error;
pub mod metrics;
pub mod record;
pub mod trace;
