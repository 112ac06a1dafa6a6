//! The geometry of every chart on the page: scales, ticks, and the pixel layout of the
//! timeline, comparison, scaling and latency views.
//!
//! Why a module of its own: the Yew components run only in the browser, where nothing is easy
//! to test, while the interesting decisions — which lane comes first, which segments become
//! bars, how overlapping waits are stacked, where a zoomed window may go, what Amdahl's law
//! says about a sweep — are plain arithmetic. So every view is computed here, from the results
//! document, into flat lists of rectangles, lines and labels in pixels; the components only
//! draw what they are given, and `cargo test` pins the geometry on the host.
//!
//! Conventions: times are milliseconds (`f64`) as everywhere in the results; pixels grow right
//! and down, as in SVG; every layout reports its own `width` and `height` so the component can
//! size its `<svg>`. Colours are not here: each [`State`](crate::core::trace::State) maps to a CSS class
//! ([`state_class`]) and the stylesheet owns the palette.
//!
//! One module per view ([`timeline`], [`comparison`], [`scaling`], [`latency`]) on two shared
//! ones ([`scale`], [`states`]); [`markup`] writes the many bars as SVG text. Their items are
//! re-exported here, so a view is `chart::timeline(…)` wherever it is drawn.

pub mod comparison;
pub mod latency;
pub mod markup;
pub mod scale;
pub mod scaling;
pub mod states;
pub mod timeline;

pub use comparison::*;
pub use latency::*;
pub use scale::*;
pub use scaling::*;
pub use states::*;
pub use timeline::*;

#[cfg(test)]
mod test;
