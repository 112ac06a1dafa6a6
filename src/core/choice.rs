//! A setting that is one of a few named values.
//!
//! On the ground floor because choices are made on every floor: the workload kinds (in
//! `workloads`) and the settings and models (in `config`) all implement it, and the URL, the
//! page's pickers and the results read them through it.

/// A choice with an identifier in URLs and the results, and a label for the page.
pub trait Choice: Sized + Copy + PartialEq + 'static {
    /// Every value, in page order.
    const ALL: &'static [Self];
    /// The identifier in URLs.
    fn id(self) -> &'static str;
    /// A short label for the page.
    fn label(self) -> &'static str;
    /// Parses [`Choice::id`].
    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.id() == id)
    }
}
