/** The modules a VU's `require` can hand out, created per VU. */
import type { VuApi } from '../vu/vu-api';
import { createCryptoModule } from './crypto';
import { createDataModule } from './data';
import { createDisruptorModule } from './disruptor';
import { createEncodingModule } from './encoding';
import { createExecutionModule } from './execution';
import { createHttpModule } from './http';
import { createJslibUtils } from './jslib-utils';
import { createK6Module } from './k6';
import { createMetricsModule } from './metrics';
import { createTimersModule } from './timers';

export function createModules(vu: VuApi): Record<string, Record<string, unknown> | undefined> {
  const lazy: Record<string, () => Record<string, unknown>> = {
    k6: () => createK6Module(vu),
    'k6/http': () => createHttpModule(vu),
    'k6/metrics': () => createMetricsModule(vu),
    'k6/execution': () => createExecutionModule(vu),
    'k6/data': () => createDataModule(vu),
    'k6/timers': () => createTimersModule(vu),
    'k6/encoding': () => createEncodingModule(),
    'k6/crypto': () => createCryptoModule(vu),
    'k6/x/disruptor': () => createDisruptorModule(vu),
    'jslib-utils': () => createJslibUtils(vu),
  };
  return new Proxy({} as Record<string, Record<string, unknown> | undefined>, {
    get: (_t, name) => (typeof name === 'string' && lazy[name] ? lazy[name]() : undefined),
  });
}
