import { check } from 'k6';
export const options = { iterations: 1, thresholds: { 'checks{check:before}': ['rate==1'], 'checks{check:throws}': ['rate==0'] } };
export default function () {
  check(1, {
    before: () => true,
    throws: () => { throw new Error('checker exploded'); },
    after: () => { console.log('AFTER EVALUATED'); return true; },
  });
  console.log('NOT REACHED');
}
