import { Trend } from 'k6/metrics';
const t = new Trend('four_values');
export const options = { iterations: 1, summaryTrendStats: ['p(90)', 'p(50)', 'p(0)', 'p(100)'], thresholds: { four_values: ['p(90)==37'] } };
export default function () { [40, 10, 30, 20].forEach((v) => t.add(v)); }
