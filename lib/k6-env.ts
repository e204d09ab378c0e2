/**
 * The only place on the k6 side that touches k6's init-context globals (`__ENV`, `open`).
 * Everything else receives the environment as a plain object, so unit tests pass their own.
 */

/** The k6 environment (`-e K=V` plus, for `k6 run`, the process environment). */
export function k6Env(): Readonly<Record<string, string | undefined>> {
  return typeof __ENV === 'undefined' ? {} : __ENV;
}

/**
 * Reads a text file in the init context with k6's `open()`. Relative paths resolve against the
 * bundle in dist/ (docs/k6-semantics.md#open-and-sharedarray), so docs/configuration.md recommends absolute paths.
 */
export function readTextFile(path: string): string {
  if (typeof open === 'undefined') throw new Error(`cannot read ${path}: open() is only available in the k6 init context`);
  return open(path);
}
