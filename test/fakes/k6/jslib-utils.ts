/** Fake of https://jslib.k6.io/k6-utils/1.6.0/index.js with the jslib's semantics (docs/k6-semantics.md#jslib-utils). */
import { randomUUID } from 'node:crypto';

export function randomIntBetween(min: number, max: number): number {
  return Math.floor(Math.random() * (max - min + 1) + min);
}
export function randomItem<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}
export function randomString(length: number, charset = 'abcdefghijklmnopqrstuvwxyz'): string {
  let s = '';
  for (let i = 0; i < length; i++) s += charset[Math.floor(Math.random() * charset.length)];
  return s;
}
export function uuidv4(_secure?: boolean): string {
  return randomUUID();
}
