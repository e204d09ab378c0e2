import { check } from 'k6';
import http from 'k6/http';
interface Target { path: string; expected: number }
const targets: Target[] = [{ path: '/', expected: 200 }, { path: '/status/201', expected: 201 }];
export const options = { iterations: 1 };
export default async function (): Promise<void> {
  for (const t of targets) {
    const res = await http.asyncRequest('GET', `${__ENV.BASE}${t.path}`);
    check(res, { [`status ${t.expected}`]: (r) => r.status === t.expected });
  }
}
