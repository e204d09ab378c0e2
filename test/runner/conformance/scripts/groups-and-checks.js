import { check, group } from 'k6';
export const options = { iterations: 2, thresholds: { 'group_duration{group:::outer::inner}': ['max>=0'] } };
export default function () {
  group('outer', () => {
    group('inner', () => { check(1, { 'inner check': () => true }); });
  });
}
