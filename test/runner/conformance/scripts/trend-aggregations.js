import { Trend } from 'k6/metrics';
const t = new Trend('values_trend');
export const options = { iterations: 1, thresholds: { values_trend: ['avg==50.5', 'med==50.5', 'min==1', 'max==100', 'p(95)<96', 'p(95)>95'] } };
export default function () { for (let i = 1; i <= 100; i++) t.add(i); }
