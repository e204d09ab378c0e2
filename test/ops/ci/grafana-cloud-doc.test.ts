/**
 * ops/docs/grafana-cloud.md stays true to the bundle: the `k6 cloud run` example, fed through the
 * bundle's own config loader (lib/config.ts), produces exactly the `options.cloud` the page shows,
 * and the page's table names every CLOUD_* variable the loader reads (docs/k6-semantics.md#grafana-cloud).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DOC = readFileSync(join(REPO_ROOT, 'ops/docs/grafana-cloud.md'), 'utf8');

/** The `-e NAME=value` pairs of the page's first `k6 cloud run` block ($VARS as placeholders). */
function exampleEnv(): Record<string, string> {
  const block = /```sh\n([\s\S]*?k6 cloud run[\s\S]*?)```/.exec(DOC)?.[1] ?? '';
  const env: Record<string, string> = {};
  for (const m of block.matchAll(/-e ([A-Z_0-9]+)=("[^"]*"|\S+)/g)) env[m[1] as string] = (m[2] as string).replace(/^"|"$/g, '');
  return env;
}

/** The `cloud: {...}` object literal the page shows. */
function shownCloud(): unknown {
  const literal = /```js\n(cloud: \{[\s\S]*?\n\})\n```/.exec(DOC)?.[1];
  expect(literal, 'the page shows options.cloud as a js block').toBeDefined();
  // Plain data literal from our own doc: evaluate it as an object expression.
  return new Function(`return ({${literal as string}}).cloud;`)() as unknown;
}

describe('the Grafana Cloud k6 page', () => {
  it('runs the agent bundle with k6 cloud run', () => {
    expect(DOC).toMatch(/k6 cloud run \\\n[\s\S]*dist\/tenant-load-agent\.js/);
  });

  it('shows the options.cloud the bundle builds from the example environment', () => {
    const env = exampleEnv();
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['CLOUD_NAME', 'CLOUD_PROJECT_ID', 'CLOUD_STACK_ID', 'CLOUD_LOAD_ZONES', 'FAULT_AGENT_URL']));
    const cfg = loadConfig(env, 'load', () => {
      throw new Error('no files');
    });
    expect(cfg.cloud).toEqual(shownCloud());
  });

  it('documents every CLOUD_* variable the bundle reads', () => {
    const source = readFileSync(join(REPO_ROOT, 'lib/config.ts'), 'utf8');
    const read = [...new Set([...source.matchAll(/'(CLOUD_[A-Z_]+)'/g)].map((m) => m[1] as string))];
    expect(read.length).toBeGreaterThanOrEqual(4);
    for (const name of read) expect(DOC, name).toContain(`| \`${name}\` |`);
  });

  it('states the limits: no xk6-disruptor on public load zones, fault agent reachable from the zones', () => {
    expect(DOC).toMatch(/\*\*No xk6-disruptor on public load zones\.\*\*/);
    expect(DOC).toMatch(/\*\*The fault agent must be reachable from the load zones\.\*\*/);
  });
});
