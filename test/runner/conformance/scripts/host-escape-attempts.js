// No path from a script to the host (issue 16 §6): every object the runner hands to a script —
// globals, module exports, responses, metrics, errors it throws into the script, promises — is
// walked through its constructor and prototype chains, and every function found is asked to
// compile `return process` (plain, with new, and for async/generator kinds by driving the result).
// k6 scripts have no `process` (k6 docs, "JavaScript API": no Node.js APIs). A function of the
// VU's own realm compiles code that sees the VU's globals only, which is allowed (k6 has eval).
import { check } from 'k6';
import http from 'k6/http';
import exec from 'k6/execution';
import encoding from 'k6/encoding';
import { Counter, Trend } from 'k6/metrics';
import { SharedArray } from 'k6/data';
import * as timers from 'k6/timers';
import * as k6 from 'k6';

const counter = new Counter('escape_counter');
const trend = new Trend('escape_trend');
const shared = new SharedArray('escape_shared', () => [{ a: 1 }]);
const attempts = new Counter('escape_attempts');

export const options = { iterations: 1 };

const BODY = 'return typeof process === "object" && process !== null && typeof process.pid === "number" ? "ESCAPED" : "contained"';

async function drive(v) {
  if (v && typeof v.then === 'function') return drive(await v);
  if (v && typeof v.next === 'function') {
    const r = v.next();
    return drive(r && typeof r.then === 'function' ? (await r).value : r.value);
  }
  return v;
}

async function tryCompile(F) {
  const outcomes = [];
  for (const make of [() => F(BODY), () => new F(BODY), () => Reflect.apply(F, undefined, [BODY])]) {
    try {
      const fn = make();
      outcomes.push(typeof fn === 'function' ? await drive(fn()) : 'not a function');
    } catch (e) {
      outcomes.push('threw');
    }
  }
  return outcomes;
}

// Every function reachable through .constructor and prototypes, a few levels deep.
function candidates(root) {
  const found = new Set();
  const seen = new Set();
  const queue = [[root, 0]];
  while (queue.length) {
    const [v, depth] = queue.shift();
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v) || depth > 4) continue;
    seen.add(v);
    if (typeof v === 'function') found.add(v);
    let ctor;
    try { ctor = v.constructor; } catch (e) { ctor = undefined; }
    queue.push([ctor, depth + 1]);
    queue.push([Object.getPrototypeOf(v), depth + 1]);
  }
  return [...found];
}

export default async function () {
  const res = await http.asyncRequest('GET', `${__ENV.BASE}/json`);
  const pending = http.asyncRequest('GET', `${__ENV.BASE}/`);
  await pending;
  let thrown;
  try {
    await http.asyncRequest('GET', `${__ENV.BASE}/`, null, { responseType: 'nope' });
  } catch (e) {
    thrown = e;
  }
  let thrownSync;
  try {
    encoding.b64encode(Symbol('x'));
  } catch (e) {
    thrownSync = e;
  }
  const roots = {
    console, 'console.log': console.log, require: typeof require === 'function' ? require : undefined, open, setTimeout, clearTimeout,
    setInterval, crypto, 'crypto.subtle': crypto.subtle, 'crypto.subtle.digest': crypto.subtle.digest, TextEncoder, TextDecoder,
    'new TextEncoder()': new TextEncoder(), __ENV, http, 'http.asyncRequest': http.asyncRequest, 'http.url': http.url,
    'http.expectedStatuses()': http.expectedStatuses(200), exec, 'exec.vu': exec.vu, 'exec.scenario': exec.scenario,
    'exec.test': exec.test, encoding, 'encoding.b64decode': encoding.b64decode, 'b64decode result': encoding.b64decode('aGk='),
    k6, 'k6.check': k6.check, 'k6.group': k6.group, timers, 'timers.setTimeout': timers.setTimeout,
    Counter, counter, 'counter.add': counter.add, trend, SharedArray, shared, 'shared[0]': shared[0],
    response: res, 'response.json': res.json, 'response.json()': res.json(), 'response.headers': res.headers,
    'response.timings': res.timings, 'response.request': res.request, 'response.body': res.body,
    'request promise': pending, 'digest promise': crypto.subtle.digest('SHA-256', new Uint8Array([1])),
    'error from an async call': thrown, 'error from a sync call': thrownSync,
    'cookie jar': http.cookieJar(), 'new CookieJar()': new http.CookieJar(), 'response.cookies': res.cookies,
  };
  const escaped = [];
  let compiledInVu = 0;
  for (const [name, root] of Object.entries(roots)) {
    if (root === undefined) continue;
    for (const F of candidates(root)) {
      attempts.add(1);
      for (const outcome of await tryCompile(F)) {
        if (outcome === 'ESCAPED') escaped.push(`${name} → ${F.name || '(anonymous)'}`);
        if (outcome === 'contained') compiledInVu++;
      }
    }
  }
  if (escaped.length) console.error(`ESCAPES: ${[...new Set(escaped)].join('; ')}`);
  check(escaped, {
    'no object handed to the script reaches the host process': (e) => e.length === 0,
    'the walk reached the VU realm Function (the probe works)': () => compiledInVu > 0,
  });
  check(null, {
    'console.log.constructor does not compile code in the host': () => {
      try {
        return console.log.constructor(BODY)() !== 'ESCAPED';
      } catch (e) {
        return e instanceof EvalError || e.name === 'EvalError';
      }
    },
  });
}
