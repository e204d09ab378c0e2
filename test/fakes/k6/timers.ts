/** Fake of `k6/timers`: the host's timers, so `vi.useFakeTimers()` controls them. */
export function setTimeout(fn: (...args: unknown[]) => void, ms: number, ...args: unknown[]): number {
  return globalThis.setTimeout(fn, ms, ...args) as unknown as number;
}
export function clearTimeout(id: number): void {
  globalThis.clearTimeout(id as unknown as ReturnType<typeof globalThis.setTimeout>);
}
export function setInterval(fn: (...args: unknown[]) => void, ms: number, ...args: unknown[]): number {
  return globalThis.setInterval(fn, ms, ...args) as unknown as number;
}
export function clearInterval(id: number): void {
  globalThis.clearInterval(id as unknown as ReturnType<typeof globalThis.setInterval>);
}
export default { setTimeout, clearTimeout, setInterval, clearInterval };
