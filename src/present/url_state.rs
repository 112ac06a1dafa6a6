//! Run settings ⇄ query string, e.g.
//! `?workload=primes&n=1e8&tasks=4&workers=2&models=blocking,pool&autorun=1`.
//!
//! Decoding never fails: every unknown or malformed parameter becomes a notice the page shows,
//! and the setting falls back to its default. A URL pasted into docs must never kill the page.

use crate::config::Nesting;
use crate::config::{AsyncMode, DEFAULT_STALL_S, PayloadMode, RunConfig, StartMethod, TOTAL_WORK};
use crate::core::choice::Choice;
use crate::core::error::Error;
use crate::models::Model;
use crate::workloads::{WorkloadKind, WorkloadSpec};

/// Everything the URL can say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlState {
    /// The run's settings.
    pub config: RunConfig,
    /// `autorun=1`: start a run as soon as the page has loaded.
    pub autorun: bool,
    /// `preset=NAME`: run this seed experiment ([`crate::present::presets`]) instead of the settings.
    pub preset: Option<String>,
    /// `quick=1`: the preset's small sizes.
    pub quick: bool,
    /// `embed=1`: the compact layout for an iframe in a documentation page.
    pub embed: bool,
    /// `origins=a,b`: the host pages allowed to drive an embed with `postMessage` (empty: any).
    pub origins: Vec<String>,
    /// `coi=0`: do not isolate the page with the service worker (index.html reads it; kept so
    /// the address bar keeps it).
    pub no_coi: bool,
}

/// The parameters this page understands (the unknown-parameter notice lists them).
pub const KNOWN_PARAMS: [&str; 23] = [
    "workload",
    "n",
    "tasks",
    "workers",
    "models",
    "async",
    "steps",
    "stall",
    "switch",
    "chunksize",
    "payload",
    "start",
    "nested",
    "repeats",
    "warmup",
    "sweep",
    "server",
    "autorun",
    "preset",
    "quick",
    "embed",
    "coi",
    "origins",
];

/// Parses a query string (with or without the leading `?`). Returns the state and one notice per
/// problem found.
pub fn decode(query: &str) -> (UrlState, Vec<String>) {
    let mut notices = Vec::new();
    let mut state = UrlState::default();
    let mut n: Option<u64> = None;
    let pairs = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty());
    for pair in pairs {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key);
        let value = percent_decode(raw);
        let config = &mut state.config;
        let ok = match key.as_str() {
            "workload" => WorkloadKind::from_id(&value)
                .map(|k| config.workload = k)
                .is_some(),
            "n" => parse_size(&value).map(|v| n = Some(v)).is_some(),
            "tasks" => value.parse().map(|v| config.tasks = v).is_ok(),
            "workers" if value == "auto" => {
                config.workers = None;
                true
            }
            "workers" => value.parse().map(|v| config.workers = Some(v)).is_ok(),
            "models" => {
                let mut models = Vec::new();
                for id in value.split(',').filter(|s| !s.is_empty()) {
                    match Model::from_id(id) {
                        Some(m) if !models.contains(&m) => models.push(m),
                        Some(_) => {}
                        None => notices.push(format!(
                            "Unknown model `{id}` ignored (known: {}).",
                            Model::ALL
                                .iter()
                                .map(|m| m.id())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    }
                }
                models.sort();
                let any = !models.is_empty();
                if any {
                    config.models = models;
                }
                any
            }
            "stall" => value.parse().map(|v| config.stall_s = v).is_ok(),
            "switch" => value.parse().map(|v| config.switch_ms = v).is_ok(),
            "chunksize" => value.parse().map(|v| config.chunksize = v).is_ok(),
            "payload" => PayloadMode::from_id(&value)
                .map(|m| config.payload = m)
                .is_some(),
            "repeats" => value.parse().map(|v| config.repeats = v).is_ok(),
            "warmup" => parse_flag(&value).map(|on| config.warmup = on).is_some(),
            "server" => parse_flag(&value).map(|on| config.server = on).is_some(),
            "sweep" => parse_flag(&value).map(|on| config.sweep = on).is_some(),
            "nested" => Nesting::from_id(&value)
                .map(|m| config.nested = m)
                .is_some(),
            "start" => StartMethod::from_id(&value)
                .map(|m| config.start = m)
                .is_some(),
            "steps" => parse_steps(&value)
                .map(|groups| config.steps = Some(groups))
                .is_some(),
            "async" => AsyncMode::from_id(&value)
                .map(|m| config.async_mode = m)
                .is_some(),
            "autorun" => parse_flag(&value).map(|on| state.autorun = on).is_some(),
            "quick" => parse_flag(&value).map(|on| state.quick = on).is_some(),
            "embed" => parse_flag(&value).map(|on| state.embed = on).is_some(),
            "coi" => parse_flag(&value).map(|on| state.no_coi = !on).is_some(),
            "origins" => {
                let origins: Vec<String> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(str::to_string)
                    .collect();
                // An origin is scheme://host[:port]: anything else could never match.
                let valid = origins.iter().all(|o| {
                    o.strip_prefix("https://")
                        .or_else(|| o.strip_prefix("http://"))
                        .is_some_and(|host| !host.is_empty() && !host.contains('/'))
                });
                if valid {
                    state.origins = origins;
                }
                valid
            }
            "preset" => match crate::present::presets::find(&value) {
                Some(preset) => {
                    state.preset = Some(preset.name.to_string());
                    true
                }
                None => {
                    notices.push(format!(
                        "Unknown preset `{value}` ignored (known: {}).",
                        crate::present::presets::PRESETS.map(|p| p.name).join(", ")
                    ));
                    continue;
                }
            },
            _ => {
                notices.push(format!(
                    "Unknown URL parameter `{key}` ignored (known: {}).",
                    KNOWN_PARAMS.join(", ")
                ));
                continue;
            }
        };
        if !ok {
            notices.push(format!(
                "Malformed value `{value}` for `{key}`: using the default."
            ));
        }
    }
    state.config.n = n.unwrap_or_else(|| state.config.workload.default_size());
    // Several task profiles fix the number of tasks.
    if let Some(groups) = &state.config.steps
        && groups.len() > 1
    {
        state.config.tasks = groups.len() as u32;
    }

    // Out-of-range values: reset the offending setting and say so. Each reset fixes one
    // setting, so this ends; the bound is a guard, not a budget.
    for _ in 0..KNOWN_PARAMS.len() {
        let Err(err) = state.config.validate() else {
            break;
        };
        let defaults = RunConfig::default();
        let config = &mut state.config;
        match &err {
            Error::InvalidSetting { name: "n", .. } => config.n = config.workload.default_size(),
            Error::InvalidSetting { name: "tasks", .. } => config.tasks = defaults.tasks,
            Error::InvalidSetting {
                name: "workers", ..
            } => config.workers = defaults.workers,
            Error::InvalidSetting { name: "models", .. } => config.models = defaults.models,
            Error::InvalidSetting { name: "stall", .. } => config.stall_s = defaults.stall_s,
            Error::InvalidSetting { name: "switch", .. } => config.switch_ms = defaults.switch_ms,
            Error::InvalidSetting {
                name: "chunksize", ..
            } => config.chunksize = defaults.chunksize,
            Error::InvalidSetting {
                name: "repeats", ..
            } => config.repeats = defaults.repeats,
            Error::InvalidSetting { name: "steps", .. } => config.steps = None,
            Error::InvalidSetting {
                name: TOTAL_WORK, ..
            } => {
                config.n = config.workload.default_size();
                config.tasks = defaults.tasks;
            }
            _ => *config = defaults,
        }
        notices.push(format!("{err}. Using the default."));
    }
    (state, notices)
}

/// The query string (with a leading `?`) for `state`; [`decode`] gives it back.
pub fn encode(state: &UrlState) -> String {
    let c = &state.config;
    let workers = c.workers.map_or("auto".to_string(), |w| w.to_string());
    let models: Vec<&str> = c.models.iter().map(|m| m.info().id).collect();
    let mut query = format!(
        "?workload={}&n={}&tasks={}&workers={}&models={}",
        c.workload.id(),
        c.n,
        c.tasks,
        workers,
        models.join(",")
    );
    if c.async_mode != AsyncMode::default() {
        query.push_str(&format!("&async={}", c.async_mode.id()));
    }
    if let Some(groups) = &c.steps {
        query.push_str("&steps=");
        query.push_str(&encode_steps(groups));
    }
    if c.stall_s != DEFAULT_STALL_S {
        query.push_str(&format!("&stall={}", c.stall_s));
    }
    if c.switch_ms != crate::config::DEFAULT_SWITCH_MS {
        query.push_str(&format!("&switch={}", c.switch_ms));
    }
    if c.chunksize != 1 {
        query.push_str(&format!("&chunksize={}", c.chunksize));
    }
    if c.payload != PayloadMode::default() {
        query.push_str(&format!("&payload={}", c.payload.id()));
    }
    if c.start != StartMethod::default() {
        query.push_str(&format!("&start={}", c.start.id()));
    }
    if c.repeats != 1 {
        query.push_str(&format!("&repeats={}", c.repeats));
    }
    if c.warmup {
        query.push_str("&warmup=1");
    }
    if c.server {
        query.push_str("&server=1");
    }
    if c.sweep {
        query.push_str("&sweep=1");
    }
    if c.nested != Nesting::default() {
        query.push_str(&format!("&nested={}", c.nested.id()));
    }
    if let Some(preset) = &state.preset {
        query.push_str(&format!("&preset={preset}"));
    }
    if state.quick {
        query.push_str("&quick=1");
    }
    if state.embed {
        query.push_str("&embed=1");
    }
    if state.no_coi {
        query.push_str("&coi=0");
    }
    if !state.origins.is_empty() {
        query.push_str("&origins=");
        query.push_str(&state.origins.join(","));
    }
    if state.autorun {
        query.push_str("&autorun=1");
    }
    query
}

/// Parses an on/off flag: `1`, `true` or empty for on; `0` or `false` for off.
fn parse_flag(value: &str) -> Option<bool> {
    match value {
        "1" | "true" | "" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// Parses task profiles: tasks separated by `;`, steps by `,`, each step `kind:n`, e.g.
/// `count:1e7,io:50,count:1e7` (every task) or `io:2000;io:3000;io:1000` (three tasks).
pub fn parse_steps(text: &str) -> Option<Vec<Vec<WorkloadSpec>>> {
    text.split(';')
        .map(|group| {
            group
                .split(',')
                .map(|step| {
                    let (kind, n) = step.trim().split_once(':')?;
                    Some(WorkloadSpec {
                        kind: WorkloadKind::from_id(kind)?,
                        n: parse_size(n)?,
                    })
                })
                .collect::<Option<Vec<_>>>()
        })
        .collect()
}

/// The `steps` parameter for `groups` ([`parse_steps`] gives it back).
pub fn encode_steps(groups: &[Vec<WorkloadSpec>]) -> String {
    groups
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|s| format!("{}:{}", s.kind.id(), s.n))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Parses a size: `100000000`, `100_000_000`, `100,000,000`, `1e8` or `2.5e7`.
pub fn parse_size(text: &str) -> Option<u64> {
    let digits: String = text.chars().filter(|&c| c != '_' && c != ',').collect();
    if let Ok(v) = digits.parse::<u64>() {
        return Some(v);
    }
    let (mantissa, exponent) = digits.split_once(['e', 'E'])?;
    let exponent: u32 = exponent.parse().ok().filter(|&e| e <= 19)?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Exact integer arithmetic: "2.5e7" is 25 × 10^6, not a float that may round.
    let frac_len = u32::try_from(frac.len()).ok()?;
    let scale = exponent.checked_sub(frac_len)?;
    let whole: u64 = format!("{int}{frac}").parse().ok()?;
    whole.checked_mul(10u64.checked_pow(scale)?)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod test;
