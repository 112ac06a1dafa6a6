//! The host-page API: a documentation page drives an embedded playground with `postMessage`.
//!
//! The host sends plain objects — `{type: "cp_host_select_preset", preset: "tornado-siege"}`,
//! `{type: "cp_host_run"}`, `{type: "cp_host_get_results"}` — and the embed answers
//! `{type: "cp_embed_ready"}` once it can take commands, `{type: "cp_embed_results", results}`
//! after every run (and when asked), and `{type: "cp_embed_error", message}` for a message it
//! refused. Messages are data, checked against this closed set of shapes; nothing from the host
//! is ever evaluated. With `origins=…` in the embed's URL only those pages are listened to.

use serde::{Deserialize, Serialize};

use crate::core::error::{Error, Result};

/// What a host page can ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum HostMessage {
    /// Pick a preset by name (it must be one of [`crate::present::presets::PRESETS`]).
    #[serde(rename = "cp_host_select_preset")]
    SelectPreset {
        /// The preset's name.
        preset: String,
    },
    /// Run what is selected. (Struct variants, so unknown fields are refused for them too.)
    #[serde(rename = "cp_host_run")]
    Run {},
    /// Send the last results now.
    #[serde(rename = "cp_host_get_results")]
    GetResults {},
}

/// Parses a message's data, given as JSON text (the glue stringifies the posted object).
///
/// # Errors
/// [`Error::Protocol`] for anything but one of [`HostMessage`]'s shapes, or an unknown preset.
pub fn parse(json: &str) -> Result<HostMessage> {
    let message: HostMessage = serde_json::from_str(json)
        .map_err(|e| Error::Protocol(format!("not a playground command: {e}")))?;
    if let HostMessage::SelectPreset { preset } = &message
        && crate::present::presets::find(preset).is_none()
    {
        return Err(Error::Protocol(format!("unknown preset `{preset}`")));
    }
    Ok(message)
}

/// Whether a message from `origin` may be obeyed: any origin when `allowed` is empty, else an
/// exact match (scheme, host and port).
pub fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    allowed.is_empty() || allowed.iter().any(|a| a == origin)
}

#[cfg(test)]
mod test;
