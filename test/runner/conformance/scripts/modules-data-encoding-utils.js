import { check } from 'k6';
import { SharedArray } from 'k6/data';
import encoding from 'k6/encoding';
import { randomIntBetween, randomItem, randomString, uuidv4, findBetween, normalDistributionStages } from 'https://jslib.k6.io/k6-utils/1.6.0/index.js';
const users = new SharedArray('users', () => [{ name: 'a' }, { name: 'b' }]);
export const options = { iterations: 1 };
export default function () {
  check(null, {
    'shared array length': () => users.length === 2,
    'shared array frozen': () => Object.isFrozen(users[0]) && users[1].name === 'b',
    'b64 roundtrip': () => encoding.b64decode(encoding.b64encode('héllo'), 'std', 's') === 'héllo',
    'b64 rawurl': () => encoding.b64encode('??>', 'rawurl') === 'Pz8-',
    // k6 v2.2 internal/js/modules/k6/encoding/encoding.go: an unknown encoding (null here) is std.
    'b64decode with a null encoding falls back to std': () => encoding.b64decode('aGk=', null, 's') === 'hi',
    'randomIntBetween inclusive': () => { for (let i = 0; i < 200; i++) { const v = randomIntBetween(1, 3); if (v < 1 || v > 3) return false; } return true; },
    'randomItem': () => ['x', 'y'].includes(randomItem(['x', 'y'])),
    'randomString length': () => randomString(12).length === 12,
    'uuidv4 shape': () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuidv4()),
    'findBetween': () => findBetween('<a>1</a><a>2</a>', '<a>', '</a>') === '1' && findBetween('x', '<', '>') === null,
    'normalDistributionStages n+2': () => normalDistributionStages(10, 60, 5).length === 7,
  });
}
