/**
 * `k6/metrics`: Counter, Gauge, Rate, Trend (docs/k6-semantics.md#metrics-api, k6 `internal/js/modules/k6/metrics`).
 * Declared in init only; `add(value, tags)` coerces like k6 (truthy non-numbers → 1, null/NaN
 * dropped with a warning), rejects object tags, returns true.
 */
import type { MetricType, ValueType } from '../contract';
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';
import { tagsFromArg } from './k6';

export function coerceMetricValue(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  let n = Number(value);
  if (Number.isNaN(n)) return undefined;
  // k6: ToFloat, and a truthy value that converts to 0 counts as 1.
  if (n === 0 && Boolean(value)) n = 1;
  return n;
}

export function createMetricsModule(vu: VuApi): Record<string, unknown> {
  const make = (type: MetricType) =>
    function Metric(this: Record<string, unknown>, name: unknown, isTime?: unknown) {
      if (!new.target) throw new TypeError(`${type} must be called with new`);
      if (vu.phase !== 'init') throw new Error('metrics must be declared in the init context');
      const contains: ValueType = (type === 'trend' || type === 'gauge') && isTime === true ? 'time' : 'default';
      const info = vu.engine.registry.define(String(name), type, contains);
      Object.defineProperty(this, 'name', { value: info.name, enumerable: true });
      const what = `${info.name}.add()`;
      Object.defineProperty(this, 'add', {
        value: (value: unknown, tags?: unknown): boolean => {
          if (vu.phase === 'init') throw new Error('metric values cannot be added in the init context');
          const extra = tagsFromArg(tags, what);
          const v = coerceMetricValue(value);
          if (v === undefined) {
            const msg = `${info.name}.add(): value ${String(value)} is not a number; the sample was dropped`;
            if (vu.engine.options?.throwErrors) throw new TypeError(msg);
            vu.engine.logger.log('warn', msg);
            return false;
          }
          vu.emit(info.name, v, vu.mergedTags(extra));
          return true;
        },
      });
    };
  return esModule({ Counter: make('counter'), Gauge: make('gauge'), Rate: make('rate'), Trend: make('trend') });
}
