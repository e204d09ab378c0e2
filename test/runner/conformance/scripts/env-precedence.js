import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  check(__ENV, { 'flag wins over system env': (e) => e.FOO === 'from-flag', 'system env is visible': (e) => e.ONLY_SYSTEM === 'sys' });
}
