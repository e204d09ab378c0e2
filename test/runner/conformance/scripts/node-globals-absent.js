import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  check(globalThis, {
    'no process': () => typeof process === 'undefined',
    'no Buffer': () => typeof Buffer === 'undefined',
    'no fetch': () => typeof fetch === 'undefined',
    'no URL': () => typeof URL === 'undefined',
    'no structuredClone': () => typeof structuredClone === 'undefined',
    'k6 globals present': () => typeof __ENV === 'object' && __VU === 1 && typeof open === 'function' && typeof setTimeout === 'function' && typeof crypto.getRandomValues === 'function' && typeof TextEncoder === 'function',
    'global aliases globalThis': () => global === globalThis,
  });
}
