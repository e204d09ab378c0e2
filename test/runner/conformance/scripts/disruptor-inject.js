import { ServiceDisruptor } from 'k6/x/disruptor';
import { check } from 'k6';
export const options = { scenarios: { disrupt: { executor: 'shared-iterations', iterations: 1, exec: 'disrupt' } } };
export async function disrupt() {
  const d = new ServiceDisruptor('authority', 'default');
  const started = Date.now();
  let error = '';
  try {
    await d.injectHTTPFaults({ averageDelay: '100ms', errorRate: 0.1, errorCode: 503 }, '1s');
  } catch (e) {
    error = String(e.message || e);
  }
  console.log(`INJECT RESULT error=[${error}]`);
  check(Date.now() - started, { 'waited for the fault duration': (ms) => ms >= 1000 });
}
