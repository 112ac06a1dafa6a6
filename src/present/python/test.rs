//! The fixtures the snippet's and the explanation's tests share.

use crate::config::RunConfig;
use crate::workloads::{WorkloadKind, WorkloadSpec};

pub(super) fn config(kind: WorkloadKind, tasks: u32) -> RunConfig {
    RunConfig {
        workload: kind,
        n: kind.default_size(),
        tasks,
        ..RunConfig::default()
    }
}

pub(super) fn step(kind: WorkloadKind, n: u64) -> WorkloadSpec {
    WorkloadSpec { kind, n }
}
