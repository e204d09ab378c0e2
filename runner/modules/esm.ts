/**
 * k6 modules are handed to CommonJS-transformed scripts; marking them `__esModule` with a
 * `default` makes esbuild's `__toESM` expose both `import x from` and `import { y } from`.
 */
export function esModule(named: Record<string, unknown>, def: unknown = named): Record<string, unknown> {
  return Object.freeze({ __esModule: true, default: def, ...named });
}
