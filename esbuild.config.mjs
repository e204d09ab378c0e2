// Builds both sides of the project with esbuild.
//
// 1. The k6 side: each scenario in K6_BUNDLES becomes one self-contained ES module in dist/, the
//    file users hand to `k6 run`. Entries are listed explicitly (no globbing by file name) so a
//    renamed scenario cannot silently drop a bundle; test/bundle checks the result.
// 2. The Node side: the CLIs of the offline runner, the reference platform, the fault agent, the
//    end-to-end launcher and the benchmark become single files in build/, run by `node` and by
//    the bins in bin/. Dependencies stay in node_modules (packages: 'external').
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

/** scenario source -> dist file. */
export const K6_BUNDLES = {
  'scenarios/tenant-load.ts': 'dist/tenant-load.js',
  'scenarios/tenant-load-agent.ts': 'dist/tenant-load-agent.js',
  'scenarios/tenant-smoke.ts': 'dist/tenant-smoke.js',
};

/** Node entry -> build file. */
export const NODE_ENTRIES = {
  'runner/cli.ts': 'build/k6-offline.js',
  'sim/cli.ts': 'build/tenant-sim.js',
  'sim/fault-agent/cli.ts': 'build/fault-agent.js',
  'launch/start.ts': 'build/start.js',
  'verdict/cli.ts': 'build/tenant-verdict.js',
  'bench/run.ts': 'build/bench.js',
};

/** @type {esbuild.BuildOptions} */
export const K6_OPTIONS = {
  bundle: true,
  // k6 loads ES modules natively (v0.53+); one ESM file per scenario.
  format: 'esm',
  // 'neutral' keeps esbuild from injecting Node or browser shims: Sobek has neither.
  platform: 'neutral',
  mainFields: ['module', 'main'],
  // Sobek supports ES2020-level syntax plus async/await, but not async generators, `for await`,
  // or newer built-ins (docs/k6-semantics.md#sobek); lowering to es2020 turns the unsupported
  // syntax into supported syntax. Built-ins are not polyfilled: test/bundle forbids them.
  target: 'es2020',
  // k6 modules, extensions and remote jslibs are resolved by k6 at run time.
  external: ['k6', 'k6/*', 'https://*'],
  // Readable stack traces in k6 errors; k6 reads inline or sibling maps.
  sourcemap: 'linked',
  // Unminified: users read the bundle when a check fails, and size is far under the budget.
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
};

/** @type {esbuild.BuildOptions} */
export const NODE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

/** A listed entry whose source is missing is an error: a renamed file must not drop a bundle. */
function entries(map) {
  const missing = Object.keys(map).filter((src) => !existsSync(src));
  if (missing.length > 0) {
    throw new Error(`esbuild.config: entry sources missing: ${missing.join(', ')} (update K6_BUNDLES / NODE_ENTRIES)`);
  }
  return Object.fromEntries(Object.entries(map).map(([src, out]) => [out.replace(/\.js$/, ''), src]));
}

export async function build() {
  const k6 = entries(K6_BUNDLES);
  const node = entries(NODE_ENTRIES);
  await Promise.all([
    esbuild.build({ ...K6_OPTIONS, entryPoints: k6, outdir: '.' }),
    esbuild.build({ ...NODE_OPTIONS, entryPoints: node, outdir: '.' }),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
