import { check } from 'k6';
import { greeting, double } from './lib/helper.js';
const data = JSON.parse(open('./lib/data.json'));
const bytes = open('./lib/data.json', 'b');
export const options = { iterations: 1 };
export default function () {
  check(null, {
    'relative import': () => greeting === 'hello from a relative module' && double(21) === 42,
    'open text': () => data.users.length === 2,
    'open binary is an ArrayBuffer': () => bytes.byteLength > 10 && typeof bytes.slice === 'function',
    'open outside init throws': () => { try { open('./lib/data.json'); return false; } catch (e) { return String(e.message).includes('init context'); } },
  });
}
