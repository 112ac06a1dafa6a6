//! The states' CSS classes, labels and the legend's order (the stylesheet owns the palette).

use crate::core::trace::State;

/// The CSS class of bars (and legend swatches) in `state`; the stylesheet gives the colours.
pub fn state_class(state: State) -> &'static str {
    match state {
        State::Run => "state-run",
        State::Ready => "state-ready",
        State::WaitIo => "state-wait-io",
        State::WaitGil => "state-wait-gil",
        State::Blocked => "state-blocked",
        State::Startup => "state-startup",
        State::Serialize => "state-serialize",
        State::Transfer => "state-transfer",
        State::Deserialize => "state-deserialize",
        State::Idle => "state-idle",
    }
}

/// What `state` means, in words for the legend and tooltips.
pub fn state_label(state: State) -> &'static str {
    match state {
        State::Run => "running",
        State::Ready => "queued, waiting for a thread",
        State::WaitIo => "waiting for I/O",
        State::WaitGil => "waiting for the GIL",
        State::Blocked => "blocked on a sub-task's result",
        State::Startup => "worker starting up",
        State::Serialize => "serialising a message",
        State::Transfer => "message in flight",
        State::Deserialize => "deserialising a message",
        State::Idle => "idle",
    }
}

/// The timeline's legend, in the order a task meets the states: its work, the waits that keep
/// it from working, the isolated workers' costs, and the idle background last. `Ready` is left
/// out because the timeline never draws it (a queued task does not occupy its lane).
pub const LEGEND: [State; 9] = [
    State::Run,
    State::WaitIo,
    State::WaitGil,
    State::Blocked,
    State::Startup,
    State::Serialize,
    State::Transfer,
    State::Deserialize,
    State::Idle,
];
