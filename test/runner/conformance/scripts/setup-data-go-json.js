// k6 v2.2 internal/js/runner.go Setup: the setup() result is exported and marshalled with Go's
// json.Marshal, so a key whose value is undefined arrives as null (not absent) and keys are sorted.
import { check } from 'k6';
export const options = { iterations: 2 };
export function setup() {
  return { token: 't', missing: undefined, nested: { gone: undefined }, list: [undefined, 1] };
}
function expectGoJson(data) {
  check(data, {
    'an undefined value arrives as null': (d) => 'missing' in d && d.missing === null,
    'nested undefined values arrive as null': (d) => d.nested.gone === null && d.list[0] === null,
    'keys arrive sorted': (d) => Object.keys(d).join(',') === 'list,missing,nested,token',
  });
}
export default function (data) {
  expectGoJson(data);
}
export function teardown(data) {
  expectGoJson(data);
}
