//! What each model stands for in Python: a snippet of the current configuration, and a
//! "what you are seeing" paragraph for a result.
//!
//! The page is about Python's tools (the seed articles compare `ThreadPoolExecutor`,
//! `ProcessPoolExecutor` and `asyncio`), measured in a browser. [`snippet`] writes the Python a
//! reader would run to try the same batch, and [`explain`] reads one model's numbers back in the
//! seeds' terms. Both are plain text built from the configuration and the results only, so they
//! are tested here and the page just prints them.
//!
//! [`snippet`] and [`explain`] each have a module of their own.

pub mod explain;
pub mod snippet;

pub use explain::explain;
pub use snippet::snippet;

#[cfg(test)]
mod test;
