/**
 * Measures VU initialisation of the offline runner in a fresh process and prints one JSON line:
 * how long `count` VUs take to build and how much memory each holds. Run by bench/runner.ts as
 * `node --max-old-space-size=8192 build/bench/vu-memory.js SCRIPT COUNT ENV_JSON` (bundled by it
 * with esbuild); a typed file so that a change to the runner's VU services breaks the typecheck,
 * not the bench.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { HttpClient } from '../runner/http/client';
import { defineBuiltinMetrics } from '../runner/metrics/builtin';
import { createMetricRegistry } from '../runner/metrics/registry';
import { createLogger } from '../runner/progress/logger';
import type { EngineServices } from '../runner/vu/engine-services';
import { compileModule } from '../runner/vu/script-loader';
import { VU } from '../runner/vu/vu';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const [script, countText, envJSON] = process.argv.slice(2);
if (script === undefined || countText === undefined) {
  process.stderr.write('usage: vu-memory.js SCRIPT COUNT [ENV_JSON]\n');
  process.exit(2);
}
const count = Number(countText);
if (!Number.isInteger(count) || count < 1 || count > 100_000) {
  process.stderr.write(`vu-memory: COUNT must be a whole number from 1 to 100000 (got '${countText}')\n`);
  process.exit(2);
}
const registry = createMetricRegistry();
defineBuiltinMetrics(registry);
const services: EngineServices = {
  registry,
  options: undefined,
  env: JSON.parse(envJSON ?? '{}') as Record<string, string>,
  scriptDir: script.replace(/\/[^/]*$/, ''),
  logger: createLogger({ write: () => {}, startMs: Date.now() }),
  http: new HttpClient(),
  faultAgent: { url: 'http://127.0.0.1:1', token: undefined },
  vuRealm: 'isolated',
  sharedArrays: new Map(),
  abortTest() {},
  notImplemented: (what) => new Error(what),
  failTest() {},
  instanceStats: () => ({ iterationsInterrupted: 0, iterationsCompleted: 0, vusActive: 0, vusInitialized: 0, currentTestRunDuration: 0 }),
  testStartTime: () => 0,
};
const entry = compileModule(script);
new VU(0, services, entry, 0);
gc();
gc();
const before = process.memoryUsage();
const t0 = performance.now();
const vus: VU[] = [];
for (let i = 1; i <= count; i++) vus.push(new VU(i, services, entry, i));
const initMs = performance.now() - t0;
gc();
gc();
const after = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    count: vus.length,
    initMs,
    rssPerVuMB: (after.rss - before.rss) / count / 1048576,
    heapPerVuMB: (after.heapUsed - before.heapUsed) / count / 1048576,
    rssTotalMB: after.rss / 1048576,
  })}\n`,
);
process.exit(0);
