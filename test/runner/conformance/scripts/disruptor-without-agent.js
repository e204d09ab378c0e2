import { ServiceDisruptor } from 'k6/x/disruptor';
export const options = { iterations: 1 };
export default function () { new ServiceDisruptor('svc', 'ns'); }
