/**
 * runner/options/size-limits.ts: absurd VU counts and iteration counts are refused (exit 104)
 * before anything is allocated, naming the field and the limit (issue 16 §4).
 */
import { describe, expect, it } from 'vitest';
import { parseArgs, type RunFlags } from '../../../runner/options/cli-args';
import { consolidate, type OptionsLayer } from '../../../runner/options/consolidate';
import { ExecutionTuple, parseSegment, parseSequence, resolveSequence } from '../../../runner/options/execution-segment';
import { InvalidOptionsError } from '../../../runner/errors';
import { VU_HEAP_BYTES, vuLimitForHeap } from '../../../runner/options/size-limits';

const GB = 1024 ** 3;
const limit = vuLimitForHeap(4 * GB);

function flags(...argv: string[]): RunFlags {
  const cmd = parseArgs(['run', ...argv, 'script.js']);
  if (cmd.kind !== 'run') throw new Error('not a run');
  return cmd.flags;
}

function problems(scriptOptions: OptionsLayer, argv: string[] = []): string[] {
  try {
    consolidate({ scriptOptions, env: {}, flags: flags(...argv), exportedFunctions: ['default'], vuLimit: limit });
    return [];
  } catch (err) {
    if (err instanceof InvalidOptionsError) return err.problems;
    throw err;
  }
}

describe('the VU limit follows the heap limit', () => {
  it.each([
    [1 * GB, 3792],
    [4 * GB, 15170],
    [16 * GB, 60681],
  ])('a %d-byte heap holds %d VUs at 0.27 MB each', (heap, vus) => {
    expect(vuLimitForHeap(heap).vus).toBe(vus);
    expect(Math.floor(heap / VU_HEAP_BYTES)).toBe(vus);
  });

  it('names the heap limit and the way out', () => {
    expect(limit.reason).toContain('heap limit of 4096 MB at 0.27 MB per VU');
    expect(limit.reason).toContain('--max-old-space-size');
    expect(limit.reason).toContain('--execution-segment');
  });
});

describe('absurd sizes are refused with the field and the limit', () => {
  it.each([
    ['vus shortcut', { vus: 1e9, duration: '1s' }, 'scenarios.default.vus: 1000000000 VUs is more than the 15,170 VUs'],
    ['shared-iterations vus', { scenarios: { s: { executor: 'shared-iterations', vus: 20_000, iterations: 20_000 } } }, 'scenarios.s.vus: 20000 VUs'],
    ['constant-vus', { scenarios: { s: { executor: 'constant-vus', vus: 1e9, duration: '1s' } } }, 'scenarios.s.vus'],
    ['a ramping-vus stage target', { scenarios: { s: { executor: 'ramping-vus', stages: [{ duration: '1s', target: 1e9 }] } } }, 'scenarios.s.stages[0].target'],
    ['ramping-vus startVUs', { scenarios: { s: { executor: 'ramping-vus', startVUs: 1e9, stages: [{ duration: '1s', target: 0 }] } } }, 'scenarios.s.startVUs'],
    ['arrival-rate maxVUs', { scenarios: { s: { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 1, maxVUs: 1e9 } } }, 'scenarios.s.maxVUs'],
    ['arrival-rate preAllocatedVUs', { scenarios: { s: { executor: 'ramping-arrival-rate', stages: [{ duration: '1s', target: 1 }], preAllocatedVUs: 1e9 } } }, 'scenarios.s.preAllocatedVUs'],
    ['shared iterations', { iterations: 2 ** 60 }, 'is more than the 9007199254740991 k6-offline counts exactly'],
    ['per-vu iterations × vus', { scenarios: { s: { executor: 'per-vu-iterations', vus: 1000, iterations: 2 ** 50 } } }, 'iterations in all (iterations × vus)'],
  ])('%s', (_t, opts, message) => {
    expect(problems(opts as OptionsLayer).join('\n')).toContain(message);
  });

  it('sizes at the limit pass', () => {
    expect(problems({ vus: limit.vus, duration: '1s' })).toEqual([]);
    expect(problems({ iterations: Number.MAX_SAFE_INTEGER })).toEqual([]);
  });

  it('a test split with --execution-segment is checked per part', () => {
    const argv = ['--execution-segment', '0:1/4', '--execution-segment-sequence', '0,1/4,1/2,3/4,1'];
    expect(problems({ vus: 40_000, duration: '1s' }, argv)).toEqual([]);
    expect(problems({ vus: 80_000, duration: '1s' }, argv).join('\n')).toContain('(20000 in this execution segment)');
    const seg = parseSegment('0:1/4');
    const seq = parseSequence('0,1/4,1/2,3/4,1');
    if (typeof seg === 'string' || typeof seq === 'string') throw new Error('bad input');
    const r = resolveSequence(seg, seq);
    if (typeof r === 'string') throw new Error(r);
    expect(ExecutionTuple.fromBounds(r.bounds, r.index).scale(80_000)).toBe(20_000);
  });
});
