//! What the report says about the machine: its CPU, its load, the build it ran.

pub(crate) fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

pub(crate) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".to_string())
}

/// The bench profile's opt-level and where it was found: an environment override, else
/// `[profile.bench]` or `[profile.release]` in the manifest, else Cargo's default for release.
pub(crate) fn opt_level() -> (String, String) {
    for var in [
        "CARGO_PROFILE_BENCH_OPT_LEVEL",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL",
    ] {
        if let Ok(level) = std::env::var(var) {
            return (level, var.to_string());
        }
    }
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let mut section = "";
    let (mut bench, mut release) = (None, None);
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if let Some(value) = line
            .strip_prefix("opt-level")
            .and_then(|rest| rest.trim_start().strip_prefix('='))
        {
            let value = value
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            match section {
                "[profile.bench]" => bench = Some(value.to_string()),
                "[profile.release]" => release = Some(value.to_string()),
                _ => {}
            }
        }
    }
    match (bench, release) {
        (Some(level), _) => (level, "[profile.bench] in Cargo.toml".to_string()),
        (None, Some(level)) => (level, "[profile.release] in Cargo.toml".to_string()),
        (None, None) => ("3".to_string(), "Cargo's default".to_string()),
    }
}

pub(crate) fn rustc_version() -> String {
    std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}
