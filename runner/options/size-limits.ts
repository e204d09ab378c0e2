/**
 * Absurd sizes are refused before anything is allocated (issue 16 §4): a scenario asking for more
 * VUs than one runner process can hold, or more iterations than its counters count exactly, exits
 * 104 naming the field and the limit, instead of allocating until the heap runs out.
 *
 * VUs: a VU of the project's tenant bundle costs 0.27 MB of heap once initialised
 * (bench/reports/runner.md, 1,000 VUs of dist/tenant-load.js), so a process whose heap limit is H
 * holds at most H / 0.27 MB VUs — about 15,000 with a 4 GB heap. The limit is computed from the
 * running process's heap limit (`--max-old-space-size` raises it), per scenario, after the
 * execution segment scales the scenario (a test split with --execution-segment is checked per part).
 * Iterations: the runner counts them in JavaScript numbers, exact up to Number.MAX_SAFE_INTEGER.
 */
import type { ExecutionTuple } from './execution-segment';
import type { ScenarioConfig } from './scenario-config';

/** Heap bytes one initialised VU holds (bench/reports/runner.md: 0.27 MB heap per VU). */
export const VU_HEAP_BYTES = 0.27 * 1024 * 1024;

export interface VuLimit {
  /** The most VUs one scenario may ask for in this process. */
  vus: number;
  /** Why: shown in the message. */
  reason: string;
}

/** The VU limit of a process whose V8 heap limit is `heapLimitBytes`. */
export function vuLimitForHeap(heapLimitBytes: number): VuLimit {
  const mb = Math.round(heapLimitBytes / 1024 / 1024);
  return {
    vus: Math.floor(heapLimitBytes / VU_HEAP_BYTES),
    reason: `this process's heap limit of ${mb} MB at 0.27 MB per VU; raise it with NODE_OPTIONS=--max-old-space-size=<MB> or split the test with --execution-segment`,
  };
}

/** Problems with a scenario's sizes (empty when it fits), one per field. */
export function sizeProblems(scenarios: readonly ScenarioConfig[], tuple: ExecutionTuple, limit: VuLimit): string[] {
  const problems: string[] = [];
  for (const s of scenarios) {
    const vuFields: Array<[string, number]> = [];
    const iterationFields: Array<[string, number]> = [];
    switch (s.executor) {
      case 'shared-iterations':
        vuFields.push(['vus', s.vus]);
        iterationFields.push(['iterations', s.iterations]);
        break;
      case 'per-vu-iterations':
        vuFields.push(['vus', s.vus]);
        iterationFields.push(['iterations', s.iterations * s.vus]);
        break;
      case 'constant-vus':
        vuFields.push(['vus', s.vus]);
        break;
      case 'ramping-vus':
        vuFields.push(['startVUs', s.startVUs]);
        s.stages.forEach((st, i) => vuFields.push([`stages[${i}].target`, st.target]));
        break;
      case 'constant-arrival-rate':
      case 'ramping-arrival-rate':
        vuFields.push(['preAllocatedVUs', s.preAllocatedVUs], ['maxVUs', s.maxVUs]);
        break;
    }
    for (const [field, n] of vuFields) {
      const here = tuple.isFull ? n : tuple.scale(n);
      if (here > limit.vus) problems.push(`scenarios.${s.name}.${field}: ${n} VUs${here !== n ? ` (${here} in this execution segment)` : ''} is more than the ${limit.vus.toLocaleString('en-US')} VUs one k6-offline process can hold (${limit.reason})`);
    }
    for (const [field, n] of iterationFields) {
      if (n > Number.MAX_SAFE_INTEGER) problems.push(`scenarios.${s.name}.${field}: ${n} iterations${field === 'iterations' && s.executor === 'per-vu-iterations' ? ' in all (iterations × vus)' : ''} is more than the ${Number.MAX_SAFE_INTEGER} k6-offline counts exactly (Number.MAX_SAFE_INTEGER)`);
    }
  }
  return problems;
}
