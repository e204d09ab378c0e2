import { check, group } from 'k6';
export const options = { iterations: 2 };
export function setup() { return { token: 'abc' }; }
export default function () { group('g1', () => { check(1, { 'is one': (v) => v === 1 }); }); }
export function handleSummary(data) {
  return { stdout: 'CUSTOM SUMMARY\n', [__ENV.OUT]: JSON.stringify(data) };
}
