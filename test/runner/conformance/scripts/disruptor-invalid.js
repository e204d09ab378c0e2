import { ServiceDisruptor } from 'k6/x/disruptor';
export const options = { iterations: 1 };
export default async function () {
  const d = new ServiceDisruptor('authority', 'default');
  await d.injectHTTPFaults({ averageDelay: 500 }, '0.5s');
}
