import { serve } from './server.mjs';
import { launch, open, results } from './browser.mjs';
const s = await serve(new URL('../../dist/', import.meta.url).pathname, { isolated: true });
const ctx = await launch();
const { page, errors } = await open(ctx, `${s.url}?workload=io&n=300&tasks=4&workers=4&models=processes&autorun=1`);
const { doc } = await results(page);
const r = doc.models[0];
console.log(r.status, r.message, r.answer, r.answer_ok, r.tasks.map((t) => [t.task, t.answer, t.ok, t.lane, t.start_ms.toFixed(1), t.end_ms.toFixed(1)]), r.startup_ms, errors);
await ctx.close(); await s.close();
