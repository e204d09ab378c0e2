import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  check(__ENV, { 'system env excluded': (e) => e.ONLY_SYSTEM === undefined, '-e still applies': (e) => e.FOO === 'flag' });
}
