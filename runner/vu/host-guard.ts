/**
 * No path from a script to the host. Every object the runner hands to a script (console, module
 * exports, responses, metrics, promises, errors, TextEncoder, crypto, …) is made in the host realm,
 * so its constructor chain ends at the host's `Function`, `AsyncFunction`, `GeneratorFunction` or
 * `AsyncGeneratorFunction`, which compile code in the host realm: `console.log.constructor('return
 * process')()` returned the runner's `process` (and `require`, `child_process` through it).
 *
 * V8 checks code generation from strings per realm, and Node can switch it off only for new
 * contexts or with a process flag (`--disallow-code-generation-from-strings`, which `v8.setFlags
 * FromString` cannot apply to the running main context). So the host realm's four constructors are
 * replaced, on their prototypes, by stand-ins that keep the name and throw: reaching one from a
 * script gives an EvalError, not the host. The VU realms keep their own constructors (k6 allows
 * `new Function` and `eval` in scripts), and the runner's own code keeps working: Node's internals
 * hold the originals as primordials, and `instanceof` does not read `constructor`.
 */

const MESSAGE = "code generation from strings is not allowed in k6-offline's host realm (a script can only compile code in its own VU)";

let sealed = false;

function standIn(name: string, proto: object): (...args: unknown[]) => never {
  const fn = function (): never {
    throw new EvalError(MESSAGE);
  };
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(fn, 'prototype', { value: proto, writable: false, enumerable: false, configurable: false });
  return fn;
}

/** Replaces the host realm's function constructors reachable from `constructor`; idempotent. */
export function sealHostRealm(): void {
  if (sealed) return;
  sealed = true;
  const samples = [function () {}, async function () {}, function* () {}, async function* () {}];
  for (const sample of samples) {
    const proto = Object.getPrototypeOf(sample) as { constructor: { name: string } };
    Object.defineProperty(proto, 'constructor', { value: standIn(proto.constructor.name, proto), writable: false, enumerable: false, configurable: false });
  }
}

/** Whether {@link sealHostRealm} has run in this realm (for tests). */
export function isHostRealmSealed(): boolean {
  return sealed;
}
