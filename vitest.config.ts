import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * Two groups, run one after the other:
 * - unit: in-process tests of every part, files in parallel;
 * - e2e: real processes on loopback under load, one file at a time so that load tests do not
 *   compete for the machine's two cores.
 * k6 modules do not exist in Node: unit tests of the k6 side resolve `k6`, `k6/*` and the pinned
 * jslib URL to in-process fakes in test/fakes/k6/ (the bundles themselves keep them external).
 */
const k6Aliases = [
  { find: /^k6$/, replacement: here('./test/fakes/k6/index.ts') },
  { find: /^k6\/x\/disruptor$/, replacement: here('./test/fakes/k6/x-disruptor.ts') },
  { find: /^k6\/(.*)$/, replacement: here('./test/fakes/k6/$1.ts') },
  { find: /^https:\/\/jslib\.k6\.io\/k6-utils\/1\.6\.0\/index\.js$/, replacement: here('./test/fakes/k6/jslib-utils.ts') },
];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: k6Aliases },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          testTimeout: 30_000,
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
