import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * Three tiers; `npm test` runs them all, `npm run test:unit` only the first:
 * - unit: pure, in-process tests of every part (no listening socket, no network connection, no
 *   child process, no Debian tool, no built bundle). Under `npm run test:unit` (TEST_TIER=unit) a
 *   guard makes any of those throw, so a file that needs one is caught and listed below;
 * - integration: the files in INTEGRATION_TESTS — real servers on loopback, real CLIs, promtool,
 *   shellcheck, iptables, chromium, the built dist/ — files in parallel with the unit tier;
 * - e2e: real processes on loopback under load, one file at a time after the others, so that load
 *   tests do not compete for the machine's two cores.
 * k6 modules do not exist in Node: unit tests of the k6 side resolve `k6`, `k6/*` and the pinned
 * jslib URL to in-process fakes in test/fakes/k6/ (the bundles themselves keep them external).
 */
const k6Aliases = [
  { find: /^k6$/, replacement: here('./test/fakes/k6/index.ts') },
  { find: /^k6\/x\/disruptor$/, replacement: here('./test/fakes/k6/x-disruptor.ts') },
  { find: /^k6\/(.*)$/, replacement: here('./test/fakes/k6/$1.ts') },
  { find: /^https:\/\/jslib\.k6\.io\/k6-utils\/1\.6\.0\/index\.js$/, replacement: here('./test/fakes/k6/jslib-utils.ts') },
];

/** Test files that need more than the process (see above). A new file goes here when the unit guard says so. */
export const INTEGRATION_TESTS = [
  'test/bundle/**',
  'test/ops/**',
  'test/runner/conformance/**',
  'test/runner/output/**',
  'test/verdict/report.test.ts',
  'test/sim/api-routes.test.ts',
  'test/sim/api/api-server.test.ts',
  'test/sim/api/middleware/tenant-guard.test.ts',
  'test/sim/api/schemas.test.ts',
  'test/sim/auth/jwks-cache.test.ts',
  'test/sim/authority.test.ts',
  'test/sim/authority/authority-server.test.ts',
  'test/sim/cli.test.ts',
  'test/sim/fault-agent.test.ts',
  'test/sim/fault-agent/control-api.test.ts',
  'test/sim/fault-agent/proxy.test.ts',
  'test/sim/forged-tokens.test.ts',
  'test/sim/http/harden.test.ts',
  'test/sim/jwks-outage.test.ts',
  'test/sim/limits.test.ts',
  'test/sim/no-secrets-in-logs.test.ts',
  'test/sim/api/degrade.test.ts',
  'test/sim/timeline/nats-transport.test.ts',
  'test/sim/timeline/redis-transport.test.ts',
  'test/sim/timeline/timeline.test.ts',
  'test/verdict/prometheus.test.ts',
  'test/runner/engine/worker-fleet.test.ts',
];

const unitTier = process.env.TEST_TIER === 'unit';

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: k6Aliases },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**', ...INTEGRATION_TESTS],
          setupFiles: unitTier ? [here('./test/support/unit-tier-guard.ts')] : [],
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias: k6Aliases },
        test: {
          name: 'integration',
          include: INTEGRATION_TESTS.map((g) => (g.endsWith('/**') ? `${g}/*.test.ts` : g)),
          testTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
