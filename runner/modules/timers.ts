/** `k6/timers`: the same per-VU timers as the globals (they keep the iteration alive). */
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';

export function createTimersModule(vu: VuApi): Record<string, unknown> {
  const g = vu.vuGlobals;
  return esModule({ setTimeout: g.setTimeout, clearTimeout: g.clearTimeout, setInterval: g.setInterval, clearInterval: g.clearInterval });
}
