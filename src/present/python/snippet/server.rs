//! The snippet's `main` in server mode: seed 002's Tornado app, whose heavy handler hands the
//! task to the model's executor and whose index handler the IOLoop answers itself.

use super::code::Code;
use crate::config::{RunConfig, python_default_workers};
use crate::models::Model;

/// The Tornado app serving `config`'s tasks as requests under `model`.
pub(super) fn server_main(
    model: Model,
    config: &RunConfig,
    cores: u32,
    code: &mut Code,
) -> Vec<String> {
    code.from_imports
        .insert("from tornado import httpserver, ioloop, web");
    let workers = config.workers_for(cores);
    let (path, executor, handler) = match model {
        Model::Blocking => (
            "blocking",
            None,
            "class HeavyHandler(web.RequestHandler):\n    \
             def get(self, i):\n        \
             # runs on the IOLoop: nothing else is served until it returns\n        \
             self.write(str(task(int(i))))",
        ),
        Model::Async => (
            "async",
            None,
            "class HeavyHandler(web.RequestHandler):\n    \
             async def get(self, i):\n        \
             # a coroutine on the IOLoop: others run only while it awaits\n        \
             self.write(str(await task(int(i))))",
        ),
        Model::PoolGil | Model::Pool | Model::Hybrid => (
            "threading",
            Some(format!("ThreadPoolExecutor(max_workers={workers})")),
            EXECUTOR_HANDLER,
        ),
        Model::Processes => (
            "processing",
            Some(format!("ProcessPoolExecutor(max_workers={workers})")),
            EXECUTOR_HANDLER,
        ),
    };
    let mut out = Vec::new();
    if let Some(executor) = executor {
        code.from_imports.insert(if model == Model::Processes {
            "from concurrent.futures import ProcessPoolExecutor"
        } else {
            "from concurrent.futures import ThreadPoolExecutor"
        });
        let note = match model {
            Model::PoolGil => {
                "# with the GIL, the IOLoop's thread takes it at every step of a request, queued\n# behind the handlers' threads: / is answered during the load, but late\n"
            }
            Model::Pool => {
                "# on a free-threaded build (python3.13t and later) the IOLoop computes beside them\n"
            }
            Model::Hybrid => "# one pool per process (server.start below forks them)\n",
            _ => "# the handlers compute in other processes: the IOLoop stays free\n",
        };
        out.push(format!("{note}executor = {executor}"));
    }
    out.push(
        "class IndexRequestHandler(web.RequestHandler):\n    \
         def get(self):\n        \
         self.write(\"hello, world\")  # answered by the IOLoop itself"
            .into(),
    );
    out.push(handler.into());
    let start = match model {
        Model::Hybrid => {
            let processes = config.workers_for(cores);
            let pool = python_default_workers(cores);
            format!(
                "server = httpserver.HTTPServer(app)\nserver.bind(8000)\nserver.start({processes})  # {processes} processes, each with its own GIL and a pool (default {pool} threads)"
            )
        }
        _ => "app.listen(8000)".into(),
    };
    out.push(format!(
        "app = web.Application([(r\"/\", IndexRequestHandler), (r\"/{path}/(\\d+)\", HeavyHandler)])\n\
         {start}\n\
         ioloop.IOLoop.current().start()\n\
         # then: siege -c {tasks} -r 1 on /{path}/<i>, and GET / during the load",
        tasks = config.tasks
    ));
    out
}

const EXECUTOR_HANDLER: &str = "class HeavyHandler(web.RequestHandler):\n    \
     async def get(self, i):\n        \
     loop = ioloop.IOLoop.current()\n        \
     res = await loop.run_in_executor(executor, task, int(i))\n        \
     self.write(str(res))";
