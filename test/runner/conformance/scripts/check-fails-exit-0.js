import { check } from 'k6';
export const options = { iterations: 2 };
export default function () {
  check(1, { 'one is two': (v) => v === 2, 'one is one': (v) => v === 1 });
}
