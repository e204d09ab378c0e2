import { Counter } from 'k6/metrics';
const c = new Counter('x');
export default function () {}
