/** Ambient types for the pinned k6-utils jslib (docs/k6-semantics.md#jslib-utils); only what the bundle uses. */
declare module 'https://jslib.k6.io/k6-utils/1.6.0/index.js' {
  export function randomIntBetween(min: number, max: number): number;
  export function randomItem<T>(items: readonly T[]): T;
  export function randomString(length: number, charset?: string): string;
  export function uuidv4(secure?: boolean): string;
}
