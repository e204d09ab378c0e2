/**
 * `per-vu-iterations` (docs/k6-semantics.md#executors, k6 `lib/executor/per_vu_iterations.go`): each of `vus`
 * VUs runs `iterations`; at `maxDuration` each VU's unstarted iterations are dropped (one
 * `dropped_iterations` sample per VU). With segments each instance gets its VU share and every
 * VU still runs `iterations` (docs/k6-semantics.md#execution-segments).
 */
import { BaseExecutor, pad } from './base-executor';
import type { ScenarioHost, VuRef } from './types';
import type { PerVuIterationsConfig } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';

export function planPerVuIterations(config: PerVuIterationsConfig, tuple: ExecutionTuple): { vus: number; iterationsPerVU: number; total: number } {
  const vus = tuple.scale(config.vus);
  return { vus, iterationsPerVU: config.iterations, total: vus * config.iterations };
}

export class PerVuIterations<V extends VuRef = VuRef> extends BaseExecutor<PerVuIterationsConfig, V> {
  readonly plan: ReturnType<typeof planPerVuIterations>;
  readonly plannedMs: number;
  readonly maxVUs: number;
  readonly preAllocatedVUs: number;
  readonly hasWork: boolean;
  private startedTotal = 0;

  constructor(config: PerVuIterationsConfig, host: ScenarioHost<V>, tuple: ExecutionTuple) {
    super(config, host, tuple);
    this.plan = planPerVuIterations(config, tuple);
    this.plannedMs = config.maxDurationMs + config.gracefulStopMs;
    this.maxVUs = this.preAllocatedVUs = this.plan.vus;
    this.hasWork = this.plan.vus > 0 && config.iterations > 0;
  }

  async run(): Promise<void> {
    const { vus, iterationsPerVU } = this.plan;
    this.startedAt = this.clock.now();
    this.startTime = Date.now();
    const startedPerVU = new Array<number>(vus).fill(0);
    this.after(this.config.maxDurationMs, () => {
      startedPerVU.forEach((n, i) => {
        const remaining = iterationsPerVU - n;
        startedPerVU[i] = iterationsPerVU;
        if (remaining > 0) {
          this.dropped += remaining;
          this.host.dropIterations(remaining);
        }
      });
      this.beginEnding(this.config.gracefulStopMs);
    });
    const loop = async (slot: number): Promise<void> => {
      const vu = this.host.acquireVU();
      if (!vu) return;
      this.activeVUs++;
      // Global slot index across instances, so iterationInTest stays unique (k6 per_vu_iterations.go).
      const globalSlot = this.globalIndex(slot);
      try {
        while (!this.ending && startedPerVU[slot]! < iterationsPerVU) {
          const local = startedPerVU[slot]!++;
          this.startedTotal++;
          if (!(await this.iterate(vu, globalSlot * iterationsPerVU + local))) break;
        }
      } finally {
        this.activeVUs--;
        this.host.releaseVU(vu);
      }
    };
    await Promise.all(Array.from({ length: vus }, (_, i) => loop(i)));
    this.finish();
  }

  protected fraction(): number {
    return this.plan.total === 0 ? 1 : this.completed / this.plan.total;
  }

  protected detail(): string {
    return `${pad(this.activeVUs, String(this.plan.vus).length)}/${this.plan.vus} VUs  ${pad(this.completed, String(this.plan.total).length)}/${this.plan.total} iters, ${this.plan.iterationsPerVU} per VU`;
  }
}
