use super::*;
use crate::core::metrics::SystemClock;

fn pool(threads: usize) -> Arc<rayon::ThreadPool> {
    Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap(),
    )
}

/// Runs `tasks` parents on a pool of `workers`, their children on `children` (the same pool
/// when `None`). Returns the parents' results and the control.
fn nested(
    workers: usize,
    tasks: u32,
    children: Option<Arc<rayon::ThreadPool>>,
) -> (Vec<Option<u64>>, Arc<RunControl>) {
    let parents = pool(workers);
    let control = Arc::new(RunControl::default());
    let starvation = children
        .is_none()
        .then(|| Arc::new(Starvation::new(workers as u32)));
    let queue = TaskQueue::default();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut jobs: Vec<Job> = Vec::new();
    for task in 0..tasks {
        let (tx, control, starvation, children, inner) = (
            tx.clone(),
            control.clone(),
            starvation.clone(),
            children.clone(),
            queue.clone(),
        );
        let parent = Box::new(move || {
            let child_control = control.clone();
            let child = move || {
                // A small sub-task that checks the cancel flag, like a kernel's slices.
                std::thread::sleep(Duration::from_millis(5));
                ChildWork {
                    lane: Lane::SubPoolThread(0),
                    segments: vec![],
                    checked: (!child_control.is_cancelled()).then_some(Checked {
                        answer: 7,
                        expected: Some(7),
                        ok: true,
                        cpu: None,
                    }),
                }
            };
            let submit = |job: Job| match &children {
                Some(pool) => pool.spawn_fifo(job),
                None => inner.submit(job, rayon::spawn_fifo),
            };
            let result = run_parent(
                task,
                Lane::Thread(task),
                &control,
                &SystemClock,
                starvation.as_ref(),
                submit,
                child,
                0.0,
            );
            tx.send(result.map(|(r, _)| r.answer)).unwrap();
        });
        jobs.push(parent);
    }
    // As the page does: one worker loop per thread.
    for run in queue.workers(jobs, workers) {
        parents.spawn_fifo(run);
    }
    drop(tx);
    (rx.iter().collect(), control)
}

#[test]
fn worker_loops_run_every_job_once_in_submission_order() {
    let order = Arc::new(Mutex::new(Vec::new()));
    let queue = TaskQueue::default();
    let jobs: Vec<Job> = (0..100)
        .map(|i| {
            let order = order.clone();
            Box::new(move || order.lock().unwrap().push(i)) as Job
        })
        .collect();
    // One loop on one thread: exactly the queue's order.
    let runs = queue.workers(jobs, 1);
    assert_eq!(runs.len(), 1);
    runs.into_iter().for_each(|run| run());
    assert_eq!(*order.lock().unwrap(), (0..100).collect::<Vec<_>>());
    // Three loops on a pool of three: each job once, and an empty queue afterwards.
    order.lock().unwrap().clear();
    let jobs: Vec<Job> = (0..300)
        .map(|i| {
            let order = order.clone();
            Box::new(move || order.lock().unwrap().push(i)) as Job
        })
        .collect();
    let pool = pool(3);
    pool.scope_fifo(|scope| {
        for run in queue.workers(jobs, 3) {
            scope.spawn_fifo(move |_| run());
        }
    });
    let mut ran = order.lock().unwrap().clone();
    ran.sort_unstable();
    assert_eq!(ran, (0..300).collect::<Vec<_>>());
    assert!(queue.pop().is_none());
}

#[test]
fn submitting_to_the_same_pool_deadlocks_when_workers_are_no_more_than_parents() {
    for (workers, tasks) in [(1, 1), (2, 2), (2, 5), (4, 4)] {
        let (results, control) = nested(workers, tasks, None);
        assert!(
            control.is_deadlocked(),
            "{workers} workers, {tasks} parents"
        );
        assert!(
            results.iter().all(Option::is_none),
            "{workers}/{tasks}: {results:?}"
        );
    }
}

#[test]
fn a_spare_worker_or_a_separate_pool_completes() {
    let (results, control) = nested(3, 2, None);
    assert!(!control.is_deadlocked());
    assert_eq!(results, [Some(7), Some(7)]);
    let (results, control) = nested(2, 4, Some(pool(2)));
    assert!(!control.is_deadlocked() && !control.is_cancelled());
    assert_eq!(results, [Some(7); 4]);
}

#[test]
fn starvation_needs_every_worker_blocked_and_work_queued() {
    let s = Starvation::new(2);
    s.blocked.store(2, Ordering::SeqCst);
    assert!(!s.deadlocked(), "nothing queued: the children are running");
    s.queued.store(1, Ordering::SeqCst);
    assert!(s.deadlocked());
    s.blocked.store(1, Ordering::SeqCst);
    assert!(!s.deadlocked(), "a free worker will take the queued child");
}
