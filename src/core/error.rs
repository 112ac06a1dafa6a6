//! The crate's error type.
//!
//! One small public enum rather than a boxed `dyn Error`: every error here reaches the page and is
//! rendered as data (it is `Clone + PartialEq` for the UI), and tests assert its messages.

use std::fmt;

/// A result whose error is this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong between a URL parameter and a verified answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A setting is out of its allowed range or malformed; the message says which and why.
    InvalidSetting {
        /// The setting's name as it appears in the URL (`n`, `tasks`, …).
        name: &'static str,
        /// What was wrong, in words a user can act on.
        reason: String,
    },
    /// A message from a worker could not be decoded.
    Protocol(String),
    /// The worker speaks another protocol version (a stale cached `worker.js`, typically).
    ProtocolMismatch {
        /// Our [`crate::models::processes::protocol::PROTOCOL_VERSION`].
        expected: u32,
        /// What the worker announced in its ready handshake.
        found: u32,
    },
    /// A model cannot run in this browser context (e.g. no cross-origin isolation).
    Unavailable(String),
    /// A worker or thread failed while running; the message is the browser's or the panic's.
    Runtime(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidSetting { name, reason } => write!(f, "`{name}`: {reason}"),
            Error::Protocol(msg) => write!(f, "worker protocol error: {msg}"),
            Error::ProtocolMismatch { expected, found } => write!(
                f,
                "worker speaks protocol v{found}, the page v{expected}: reload to fetch a matching worker"
            ),
            Error::Unavailable(msg) => write!(f, "unavailable: {msg}"),
            Error::Runtime(msg) => write!(f, "{msg}"),
        }
    }
}

impl std::error::Error for Error {}
