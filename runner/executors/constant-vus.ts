/**
 * `constant-vus` (docs/k6-semantics.md#executors, k6 `lib/executor/constant_vus.go`): `vus` VUs loop for
 * `duration`; then `gracefulStop` for iterations in flight.
 */
import { BaseExecutor, pad } from './base-executor';
import type { ScenarioHost, VuRef } from './types';
import type { ConstantVusConfig } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';

export class ConstantVus<V extends VuRef = VuRef> extends BaseExecutor<ConstantVusConfig, V> {
  readonly vus: number;
  readonly plannedMs: number;
  readonly maxVUs: number;
  readonly preAllocatedVUs: number;
  readonly hasWork: boolean;
  private local = 0;

  constructor(config: ConstantVusConfig, host: ScenarioHost<V>, tuple: ExecutionTuple) {
    super(config, host, tuple);
    this.vus = tuple.scale(config.vus);
    this.plannedMs = config.durationMs + config.gracefulStopMs;
    this.maxVUs = this.preAllocatedVUs = this.vus;
    this.hasWork = this.vus > 0;
  }

  async run(): Promise<void> {
    this.startedAt = this.clock.now();
    this.startTime = Date.now();
    this.after(this.config.durationMs, () => this.beginEnding(this.config.gracefulStopMs));
    const loop = async (): Promise<void> => {
      const vu = this.host.acquireVU();
      if (!vu) return;
      this.activeVUs++;
      try {
        while (!this.ending) {
          if (!(await this.iterate(vu, this.globalIndex(this.local++)))) break;
        }
      } finally {
        this.activeVUs--;
        this.host.releaseVU(vu);
      }
    };
    await Promise.all(Array.from({ length: this.vus }, loop));
    this.finish();
  }

  protected fraction(): number {
    return this.elapsed() / this.config.durationMs;
  }

  protected detail(): string {
    return `${pad(this.activeVUs, String(this.vus).length)}/${this.vus} VUs  ${this.completed} complete and ${this.interrupted} interrupted iterations`;
  }
}
