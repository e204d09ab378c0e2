/** A ScenarioHost whose iterations take a fixed time on a FakeClock, recording what happened. */
import type { ScenarioHost, VuRef } from '../../../runner/executors/types';
import type { FakeClock } from '../fake-clock';

export interface FakeHost extends ScenarioHost<VuRef> {
  started: number[];
  indexes: number[];
  /** The id of the VU each start ran on. */
  vus: number[];
  /** The `cutInMs` each start was given (undefined: no cut known at the start). */
  cuts: Array<number | undefined>;
  dropped: number;
  dropSamples: number[];
  warnings: string[];
  initialized: number;
  maxActive: number;
}

export function fakeHost(clock: FakeClock, opts: { iterationMs: number | ((i: number) => number); pool?: number }): FakeHost {
  const idle: VuRef[] = [];
  let created = 0;
  let active = 0;
  for (let i = 0; i < (opts.pool ?? 100); i++) idle.push({ id: ++created });
  const host: FakeHost = {
    clock,
    started: [],
    indexes: [],
    vus: [],
    cuts: [],
    dropped: 0,
    dropSamples: [],
    warnings: [],
    initialized: 0,
    maxActive: 0,
    acquireVU: () => idle.pop(),
    releaseVU: (vu) => void idle.push(vu),
    initVU: async () => {
      host.initialized++;
      return { id: ++created };
    },
    runIteration: (vu, interrupt, index, cutInMs) => {
      const n = host.started.length;
      host.started.push(clock.now());
      host.cuts.push(cutInMs);
      host.indexes.push(index);
      host.vus.push(vu.id);
      active++;
      host.maxActive = Math.max(host.maxActive, active);
      const ms = typeof opts.iterationMs === 'function' ? opts.iterationMs(n) : opts.iterationMs;
      return new Promise<boolean>((resolve) => {
        let done = false;
        const h = clock.setTimeout(() => {
          if (done) return;
          done = true;
          active--;
          resolve(true);
        }, ms);
        interrupt.on(() => {
          if (done) return;
          done = true;
          active--;
          clock.clearTimeout(h);
          resolve(false);
        });
      });
    },
    dropIterations: (count) => {
      host.dropped += count;
      host.dropSamples.push(count);
    },
    warn: (m) => void host.warnings.push(m),
  };
  return host;
}
