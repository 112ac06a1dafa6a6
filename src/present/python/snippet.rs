//! [`snippet`]: the Python a reader would run to try the same batch.

//!
//! The entry point and the task functions are here; [`step`] writes one workload step,
//! [`executor`] each model's executor call, and [`code`] holds what they share.

use std::fmt::Write as _;

use crate::config::{AsyncMode, Nesting, RunConfig};
use crate::models::Model;
use crate::workloads::{WorkloadSpec, io};

mod code;
mod executor;
mod server;
mod step;

use code::{Code, Flavor, indent};
use executor::{async_main, blocking_main, hybrid_main, pool_main, processes_main};
use step::step_code;

use crate::core::choice::Choice;

/// Most distinct per-task profiles written out in full; the rest are summarised in a comment
/// so a batch of hundreds of profiles does not bury the executor code.
pub(super) const MAX_PROFILES_SHOWN: usize = 4;

/// The Python equivalent of running `config` under `model` on a machine with `cores` logical
/// cores: imports, the task function (its body follows the workload or the step profile) and
/// the executor call, with comments where the page's setting has a Python counterpart.
pub fn snippet(model: Model, config: &RunConfig, cores: u32) -> String {
    let flavor = match (model, config.async_mode) {
        (Model::Async, AsyncMode::Cooperative) => Flavor::Cooperative,
        (Model::Async, AsyncMode::Naive) => Flavor::Naive,
        _ => Flavor::Sync,
    };
    // Sub-tasks are a thread-pool experiment: the other models run the work directly.
    let nesting = if model.is_pool() {
        config.nested
    } else {
        Nesting::Off
    };
    let work = if nesting == Nesting::Off {
        "task"
    } else {
        "child"
    };
    let mut code = Code::default();
    let functions = task_functions(config, flavor, work, &mut code);
    let main = match model {
        _ if config.server => server::server_main(model, config, cores, &mut code),
        Model::Blocking => blocking_main(config),
        Model::Async => async_main(config, &mut code),
        Model::PoolGil | Model::Pool => pool_main(model, config, cores, nesting, &mut code),
        Model::Processes => processes_main(config, cores, &mut code),
        Model::Hybrid => hybrid_main(config, cores, &mut code),
    };

    let mut out = String::new();
    for line in code.imports.iter().chain(&code.from_imports) {
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    if !code.helpers.is_empty() {
        let names: Vec<&str> = code.helpers.iter().copied().collect();
        let _ = writeln!(
            out,
            "# {}: the playground's kernels, written in Python (not shown).\n",
            names.join(", ")
        );
    }
    if code.url {
        let _ = writeln!(
            out,
            "URL = \"http://localhost:8080/{}\"  # the same-origin file the page fetches\n",
            io::SAMPLE_PATH
        );
    }
    for block in functions.iter().chain(&main) {
        out.push_str(block);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// A function body running `steps` in order and returning their answers.
fn body(steps: &[WorkloadSpec], flavor: Flavor, code: &mut Code) -> Vec<String> {
    let mut out = Vec::new();
    if flavor == Flavor::Naive && steps.iter().any(|s| !s.kind.is_io()) {
        out.push("# naive: no await inside the CPU work, so it holds the event loop".into());
        out.push("# until it is done — the other tasks wait".into());
    }
    if let [step] = steps {
        let (lines, value) = step_code(*step, flavor, code);
        out.extend(lines);
        if let Some(value) = value {
            out.push(format!("return {value}"));
        }
        return out;
    }
    out.push("answers = []".into());
    for (k, step) in steps.iter().enumerate() {
        out.push(format!("# step {}: {}:{}", k + 1, step.kind.id(), step.n));
        let (lines, value) = step_code(*step, flavor, code);
        out.extend(lines);
        if let Some(value) = value {
            out.push(format!("answers.append({value})"));
        }
    }
    out.push("return answers".into());
    out
}

fn def(name: &str, flavor: Flavor, body: &[String]) -> String {
    let keyword = if flavor.is_async() {
        "async def"
    } else {
        "def"
    };
    std::iter::once(format!("{keyword} {name}(i):"))
        .chain(indent(body))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The function(s) doing a task's work, named `work`: one body, or with per-task step profiles
/// one function per distinct profile and a table of which task runs which.
fn task_functions(config: &RunConfig, flavor: Flavor, work: &str, code: &mut Code) -> Vec<String> {
    let groups = match &config.steps {
        Some(groups) if groups.len() > 1 => groups,
        _ => {
            return vec![def(
                work,
                flavor,
                &body(&config.task_steps(0), flavor, code),
            )];
        }
    };
    let mut distinct: Vec<&Vec<WorkloadSpec>> = Vec::new();
    let mut of_task = Vec::new();
    for group in groups {
        let index = match distinct.iter().position(|d| *d == group) {
            Some(i) => i,
            None => {
                distinct.push(group);
                distinct.len() - 1
            }
        };
        of_task.push(index);
    }
    if let [only] = distinct[..] {
        return vec![def(work, flavor, &body(only, flavor, code))];
    }
    let mut blocks: Vec<String> = distinct
        .iter()
        .take(MAX_PROFILES_SHOWN)
        .enumerate()
        .map(|(k, steps)| def(&format!("profile_{k}"), flavor, &body(steps, flavor, code)))
        .collect();
    if distinct.len() > MAX_PROFILES_SHOWN {
        blocks.push(format!(
            "# profile_{MAX_PROFILES_SHOWN} … profile_{}: the other tasks' steps, written the same way",
            distinct.len() - 1
        ));
    }
    let names: Vec<String> = of_task.iter().map(|k| format!("profile_{k}")).collect();
    // Wrapped like a formatter would, so hundreds of tasks do not make one endless line.
    let mut lines = vec![String::from("PROFILES = [")];
    for (k, name) in names.iter().enumerate() {
        let item = if k + 1 < names.len() {
            format!("{name},")
        } else {
            name.clone()
        };
        let last = lines.last_mut().expect("starts with one line");
        if last.len() + item.len() + 1 > 88 {
            lines.push(format!("    {item}"));
        } else {
            if !last.ends_with('[') {
                last.push(' ');
            }
            last.push_str(&item);
        }
    }
    let mut table = format!("# task i runs its own steps\n{}", lines.join("\n"));
    table.push(']');
    blocks.push(table);
    let call = if flavor.is_async() {
        "return await PROFILES[i](i)"
    } else {
        "return PROFILES[i](i)"
    };
    blocks.push(def(work, flavor, &[call.to_string()]));
    blocks
}

#[cfg(test)]
mod test;
