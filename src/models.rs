//! The six concurrency models: the single place that says what each one means, and one folder
//! per model for the pure part of how it runs (the browser glue of each is in `web`).

pub mod event_loop;
pub mod pool;
pub mod processes;
pub mod server;

pub use crate::config::Model;
use crate::core::choice::Choice;

/// Static facts about a [`Model`], for the page and the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelInfo {
    /// Identifier in URLs and the results JSON.
    pub id: &'static str,
    /// Short label for the page.
    pub label: &'static str,
    /// The Python construct it stands for.
    pub python: &'static str,
    /// Whether tasks share one memory.
    pub shares_memory: bool,
    /// Whether it needs `crossOriginIsolated` (SharedArrayBuffer).
    pub needs_cross_origin_isolation: bool,
    /// Whether the UI thread is busy for the whole run.
    pub blocks_ui: bool,
}

impl Model {
    /// The model's facts.
    pub fn info(self) -> ModelInfo {
        match self {
            Model::Blocking => ModelInfo {
                id: "blocking",
                label: "Main thread, blocking",
                python: "plain sequential code / a blocking Tornado handler",
                shares_memory: true,
                needs_cross_origin_isolation: false,
                blocks_ui: true,
            },
            Model::Async => ModelInfo {
                id: "async",
                label: "Async scheduler (event loop)",
                python: "asyncio.gather(*tasks)",
                shares_memory: true,
                needs_cross_origin_isolation: false,
                blocks_ui: false,
            },
            Model::PoolGil => ModelInfo {
                id: "pool_gil",
                label: "Thread pool + GIL",
                python: "ThreadPoolExecutor(max_workers=N) on CPython with the GIL",
                shares_memory: true,
                needs_cross_origin_isolation: true,
                blocks_ui: false,
            },
            Model::Pool => ModelInfo {
                id: "pool",
                label: "Thread pool, free-threaded",
                python: "ThreadPoolExecutor(max_workers=N) on free-threaded CPython 3.13t",
                shares_memory: true,
                needs_cross_origin_isolation: true,
                blocks_ui: false,
            },
            Model::Processes => ModelInfo {
                id: "processes",
                label: "Isolated workers (processes)",
                python: "ProcessPoolExecutor(max_workers=N)",
                shares_memory: false,
                needs_cross_origin_isolation: false,
                blocks_ui: false,
            },
            Model::Hybrid => ModelInfo {
                id: "hybrid",
                label: "Processes × threads + GIL",
                python: "N processes (Tornado's server.start(N)), each with a ThreadPoolExecutor under its own GIL",
                shares_memory: false,
                needs_cross_origin_isolation: false,
                blocks_ui: false,
            },
        }
    }
}

/// Its identifier and label are its [`ModelInfo`]'s.
impl Choice for Model {
    /// All models, in the order the page shows them.
    const ALL: &'static [Model] = &[
        Model::Blocking,
        Model::Async,
        Model::PoolGil,
        Model::Pool,
        Model::Processes,
        Model::Hybrid,
    ];
    fn id(self) -> &'static str {
        self.info().id
    }
    fn label(self) -> &'static str {
        self.info().label
    }
}

/// Why the thread pool is off on a page that is not cross-origin isolated, and the fix.
pub const NOT_ISOLATED_EXPLANATION: &str = "The thread pool needs SharedArrayBuffer, which browsers \
     enable only on cross-origin isolated pages: serve the app with the headers \
     Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp \
     (`trunk serve` and www/_headers do).";

#[cfg(test)]
mod test;
