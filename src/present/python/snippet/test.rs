use super::code::{py_int, py_seconds};
use super::*;
use crate::config::{AsyncMode, Nesting, PayloadMode, RunConfig, StartMethod};
use crate::core::choice::Choice;
use crate::models::Model;
use crate::present::python::test::*;
use crate::workloads::WorkloadKind;

#[test]
fn python_literals() {
    assert_eq!(py_int(7), "7");
    assert_eq!(py_int(1024), "1024");
    assert_eq!(py_int(16_384), "16_384");
    assert_eq!(py_int(100_000_000), "100_000_000");
    assert_eq!(py_seconds(200), "0.2");
    assert_eq!(py_seconds(5), "0.005");
    assert_eq!(py_seconds(1000), "1.0");
}

#[test]
fn the_free_threaded_pool_maps_over_a_thread_pool() {
    let c = RunConfig {
        workers: Some(4),
        ..config(WorkloadKind::Count, 8)
    };
    let py = snippet(Model::Pool, &c, 2);
    assert!(
        py.contains("from concurrent.futures import ThreadPoolExecutor\n"),
        "{py}"
    );
    assert!(py.contains("def task(i):\n    count = 0\n    for _ in range(100_000_000):\n        count += 1\n    return count"), "{py}");
    assert!(py.contains("with ThreadPoolExecutor(max_workers=4) as pool:\n    results = list(pool.map(task, range(8)))"), "{py}");
    assert!(py.contains("python3.13t"), "{py}");
    assert!(!py.contains("GIL;"), "{py}");
    // An explicit worker count needs no note on defaults.
    assert!(!py.contains("min(32"), "{py}");
}

#[test]
fn automatic_workers_mention_pythons_default() {
    let c = config(WorkloadKind::Count, 8);
    let py = snippet(Model::PoolGil, &c, 2);
    assert!(py.contains("ThreadPoolExecutor(max_workers=2)"), "{py}");
    assert!(py.contains("min(32, cores + 4) = 6"), "{py}");
    // Fewer tasks than cores: no more workers than tasks.
    let few = config(WorkloadKind::Count, 3);
    assert!(snippet(Model::Pool, &few, 8).contains("ThreadPoolExecutor(max_workers=3)"));
}

#[test]
fn the_gil_pool_sets_the_switch_interval() {
    let c = RunConfig {
        switch_ms: 20,
        ..config(WorkloadKind::Primes, 4)
    };
    let py = snippet(Model::PoolGil, &c, 4);
    assert!(py.contains("import sys\n"), "{py}");
    assert!(
        py.contains("# CPython with the GIL; sys.setswitchinterval(0.02)"),
        "{py}"
    );
    assert!(py.contains("\nsys.setswitchinterval(0.02)\n"), "{py}");
    assert!(py.contains("# count the primes below 100_000_000"), "{py}");
    assert!(py.contains("return count_primes(100_000_000)"), "{py}");
    assert!(
        py.contains("# count_primes: the playground's kernels"),
        "{py}"
    );
    let default = snippet(Model::PoolGil, &config(WorkloadKind::Count, 4), 4);
    assert!(
        default.contains("sys.setswitchinterval(0.005)"),
        "{default}"
    );
}

#[test]
fn processes_use_the_start_method_and_chunksize() {
    let c = RunConfig {
        workers: Some(2),
        chunksize: 3,
        ..config(WorkloadKind::Count, 12)
    };
    let py = snippet(Model::Processes, &c, 4);
    assert!(py.contains("import multiprocessing\n"), "{py}");
    assert!(
        py.contains("from concurrent.futures import ProcessPoolExecutor\n"),
        "{py}"
    );
    assert!(py.contains("if __name__ == \"__main__\":"), "{py}");
    assert!(
        py.contains("with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(\"spawn\")) as pool:"),
        "{py}"
    );
    assert!(
        py.contains("results = list(pool.map(task, range(12), chunksize=3))"),
        "{py}"
    );
    assert!(py.contains("170–220 ms"), "{py}");
    // No data steps, so no payload comment.
    assert!(!py.contains("payload="), "{py}");

    let forkserver = RunConfig {
        start: StartMethod::Forkserver,
        ..c.clone()
    };
    let py = snippet(Model::Processes, &forkserver, 4);
    assert!(py.contains("get_context(\"forkserver\")"), "{py}");

    let warm = RunConfig {
        start: StartMethod::Warm,
        ..c
    };
    let py = snippet(Model::Processes, &warm, 4);
    assert!(
        py.contains("pool = ProcessPoolExecutor(max_workers=2"),
        "{py}"
    );
    assert!(py.contains("for batch in range(3):"), "{py}");
    assert!(py.contains("reuse one executor across batches"), "{py}");
    assert!(!py.contains("with ProcessPoolExecutor"), "{py}");
}

#[test]
fn payload_modes_become_comments_for_data_work() {
    let data = |payload| RunConfig {
        payload,
        ..config(WorkloadKind::Data, 4)
    };
    let copy = snippet(Model::Processes, &data(PayloadMode::Copy), 4);
    assert!(copy.contains("payload=copy"), "{copy}");
    assert!(copy.contains("pickled"), "{copy}");
    assert!(
        copy.contains("payload = make_payload(16_384 * 1024)"),
        "{copy}"
    );
    assert!(copy.contains("return summarise(payload)"), "{copy}");
    let transfer = snippet(Model::Processes, &data(PayloadMode::Transfer), 4);
    assert!(transfer.contains("Python has no equivalent"), "{transfer}");
    assert!(transfer.contains("memoryview"), "{transfer}");
    let shared = snippet(Model::Processes, &data(PayloadMode::Shared), 4);
    assert!(
        shared.contains("multiprocessing.shared_memory.SharedMemory"),
        "{shared}"
    );
}

#[test]
fn async_gathers_and_awaits_its_waits() {
    let c = RunConfig {
        n: 200,
        ..config(WorkloadKind::Io, 5)
    };
    let py = snippet(Model::Async, &c, 4);
    assert!(py.contains("import asyncio\n"), "{py}");
    assert!(
        py.contains("async def task(i):\n    await asyncio.sleep(0.2)"),
        "{py}"
    );
    assert!(
        py.contains("asyncio.gather(*(task(i) for i in range(5)))"),
        "{py}"
    );
    assert!(py.contains("results = asyncio.run(main())"), "{py}");
    assert!(!py.contains("time.sleep"), "{py}");
    // Pure waiting: the async mode does not matter, so no note about it.
    assert!(!py.contains("cooperative"), "{py}");
}

#[test]
fn async_cpu_work_yields_only_when_cooperative() {
    let coop = snippet(Model::Async, &config(WorkloadKind::Count, 2), 4);
    assert!(coop.contains("await asyncio.sleep(0)"), "{coop}");
    assert!(coop.contains("# cooperative"), "{coop}");
    let naive_config = RunConfig {
        async_mode: AsyncMode::Naive,
        ..config(WorkloadKind::Count, 2)
    };
    let naive = snippet(Model::Async, &naive_config, 4);
    assert!(!naive.contains("asyncio.sleep(0)"), "{naive}");
    assert!(naive.contains("# naive"), "{naive}");
    assert!(naive.contains("holds the event loop"), "{naive}");
    // Every cooperative kernel yields.
    for kind in [
        WorkloadKind::Cpu,
        WorkloadKind::Primes,
        WorkloadKind::Mandelbrot,
        WorkloadKind::Hash,
        WorkloadKind::Data,
    ] {
        let py = snippet(Model::Async, &config(kind, 2), 4);
        assert!(py.contains("await asyncio.sleep(0)"), "{kind:?}: {py}");
    }
}

#[test]
fn blocking_is_a_plain_loop_and_io_sleeps() {
    let c = RunConfig {
        n: 200,
        ..config(WorkloadKind::Io, 4)
    };
    let py = snippet(Model::Blocking, &c, 4);
    assert!(py.contains("import time\n"), "{py}");
    assert!(py.contains("def task(i):\n    time.sleep(0.2)"), "{py}");
    assert!(
        py.contains("for i in range(4):\n    results.append(task(i))"),
        "{py}"
    );
    assert!(!py.contains("Executor"), "{py}");
    assert!(!py.contains("asyncio"), "{py}");
}

#[test]
fn fetch_opens_the_sample_url() {
    let c = RunConfig {
        n: 3,
        ..config(WorkloadKind::Fetch, 4)
    };
    let py = snippet(Model::Pool, &c, 4);
    assert!(py.contains("import urllib.request\n"), "{py}");
    assert!(
        py.contains("URL = \"http://localhost:8080/io/sample.txt\""),
        "{py}"
    );
    assert!(
        py.contains("for _ in range(3):\n        urllib.request.urlopen(URL).read()"),
        "{py}"
    );
    let async_py = snippet(Model::Async, &c, 4);
    assert!(async_py.contains("await asyncio.to_thread("), "{async_py}");
}

#[test]
fn step_profiles_run_their_steps_in_order() {
    let c = RunConfig {
        steps: Some(vec![vec![
            step(WorkloadKind::Count, 1000),
            step(WorkloadKind::Io, 50),
        ]]),
        ..config(WorkloadKind::Count, 3)
    };
    let py = snippet(Model::Pool, &c, 4);
    let count = py.find("# step 1: count:1000").expect(&py);
    let io = py.find("# step 2: io:50").expect(&py);
    assert!(count < io, "{py}");
    assert!(py.contains("time.sleep(0.05)"), "{py}");
    assert!(py.contains("answers.append(count)"), "{py}");
    assert!(py.contains("return answers"), "{py}");

    let per_task = RunConfig {
        steps: Some(vec![
            vec![step(WorkloadKind::Io, 10)],
            vec![step(WorkloadKind::Count, 10)],
            vec![step(WorkloadKind::Io, 10)],
        ]),
        ..config(WorkloadKind::Count, 3)
    };
    let py = snippet(Model::Async, &per_task, 4);
    assert!(
        py.contains("async def profile_0(i):\n    await asyncio.sleep(0.01)"),
        "{py}"
    );
    assert!(py.contains("async def profile_1(i):"), "{py}");
    assert!(!py.contains("profile_2(i)"), "{py}");
    assert!(
        py.contains("PROFILES = [profile_0, profile_1, profile_0]"),
        "{py}"
    );
    assert!(
        py.contains("async def task(i):\n    return await PROFILES[i](i)"),
        "{py}"
    );
}

#[test]
fn many_profiles_are_summarised() {
    let groups: Vec<_> = (1..=10).map(|n| vec![step(WorkloadKind::Io, n)]).collect();
    let c = RunConfig {
        steps: Some(groups),
        ..config(WorkloadKind::Count, 10)
    };
    let py = snippet(Model::Blocking, &c, 4);
    assert!(py.contains("def profile_3(i):"), "{py}");
    assert!(!py.contains("def profile_4(i):"), "{py}");
    assert!(py.contains("# profile_4 … profile_9"), "{py}");
    assert!(py.contains("profile_9]"), "{py}");
}

#[test]
fn nested_submits_show_the_pool_they_use() {
    let same = RunConfig {
        workers: Some(2),
        nested: Nesting::SamePool,
        ..config(WorkloadKind::Count, 4)
    };
    let py = snippet(Model::Pool, &same, 4);
    assert!(py.contains("def child(i):\n    count = 0"), "{py}");
    assert!(py.contains("return pool.submit(child, i).result()"), "{py}");
    assert!(py.contains("# deadlocks when workers <= parents"), "{py}");
    assert!(
        py.contains("results = list(pool.map(task, range(4)))"),
        "{py}"
    );

    let separate = RunConfig {
        nested: Nesting::SeparatePool,
        ..same.clone()
    };
    let py = snippet(Model::PoolGil, &separate, 4);
    assert!(
        py.contains("return children.submit(child, i).result()"),
        "{py}"
    );
    assert!(
        py.contains("ThreadPoolExecutor(max_workers=2) as children"),
        "{py}"
    );
    assert!(
        py.contains("ThreadPoolExecutor(max_workers=2) as pool:"),
        "{py}"
    );

    // Nesting is a thread-pool experiment: the others run the work directly.
    let py = snippet(Model::Processes, &same, 4);
    assert!(py.contains("def task(i):\n    count = 0"), "{py}");
    assert!(!py.contains("submit"), "{py}");
}

#[test]
fn every_snippet_compiles_in_cpython() {
    // The snippets are Python a reader will paste: each must at least compile. python3 is on
    // every machine this project runs its tests on (scripts/setup.sh's Debian, CI's).
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut snippets = Vec::new();
    for &model in Model::ALL {
        for &kind in WorkloadKind::ALL {
            for (async_mode, server) in [
                (AsyncMode::Cooperative, false),
                (AsyncMode::Naive, false),
                (AsyncMode::Cooperative, true),
            ] {
                let c = RunConfig {
                    async_mode,
                    server,
                    ..config(kind, 3)
                };
                snippets.push(format!(
                    "# {model:?} {kind:?} {async_mode:?} server={server}\n{}",
                    snippet(model, &c, 2)
                ));
            }
        }
    }
    let check = "import sys\nfor s in sys.stdin.read().split('\\0'):\n    compile(s, s.splitlines()[0], 'exec')\n";
    let mut python = Command::new("python3")
        .args(["-c", check])
        .stdin(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    python
        .stdin
        .take()
        .unwrap()
        .write_all(snippets.join("\0").as_bytes())
        .unwrap();
    assert!(
        python.wait().unwrap().success(),
        "a snippet does not compile (see above)"
    );
}

/// Asserts that `py` holds every one of `parts`.
fn holds_all(py: &str, parts: &[&str]) {
    for part in parts {
        assert!(py.contains(part), "{part:?} missing from:\n{py}");
    }
}

#[test]
fn server_mode_is_the_seeds_tornado_app_with_the_models_executor() {
    let c = RunConfig {
        server: true,
        workers: Some(10),
        ..config(WorkloadKind::Cpu, 10)
    };
    holds_all(
        &snippet(Model::PoolGil, &c, 2),
        &[
            "executor = ThreadPoolExecutor(max_workers=10)",
            "await loop.run_in_executor(executor, task, int(i))",
            "self.write(\"hello, world\")  # answered by the IOLoop itself",
            "the IOLoop's thread takes it at every step",
        ],
    );
    let blocking = snippet(Model::Blocking, &c, 2);
    assert!(!blocking.contains("run_in_executor"), "{blocking}");
    holds_all(&blocking, &["self.write(str(task(int(i))))"]);
    holds_all(
        &snippet(Model::Processes, &c, 2),
        &["ProcessPoolExecutor(max_workers=10)", "/processing/"],
    );
    holds_all(&snippet(Model::Hybrid, &c, 2), &["server.start(10)"]);
}
