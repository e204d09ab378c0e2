// K6_OFFLINE_VU_REALM: what a VU writes to globalThis in its init code. Each VU's iterations
// report how many init writes they see: 1 (its own) with a realm per VU, every VU's when shared.
import { Trend } from 'k6/metrics';

const seen = new Trend('init_writes_seen');
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } } };

globalThis.initWrites = (globalThis.initWrites ?? 0) + 1;

export default function () {
  seen.add(globalThis.initWrites);
}
