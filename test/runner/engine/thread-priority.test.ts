/**
 * Threads that run no VU yield to those that do (runner/engine/thread-priority.ts): the rules
 * over a fake thread table. The real process is checked in worker-fleet.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { HELPER_NICE, helperThreads, lowerThreads, type ThreadIo } from '../../../runner/engine/thread-priority';

function fakeIo(nice: Record<number, number>, over: Partial<ThreadIo> & { refuse?: number[] } = {}): ThreadIo & { nice: Record<number, number> } {
  return {
    platform: 'linux',
    mainThread: 100,
    threads: () => Object.keys(nice).map(Number),
    getPriority: (tid) => {
      if (!(tid in nice)) throw new Error('ESRCH');
      return nice[tid]!;
    },
    setPriority: (tid, value) => {
      if (over.refuse?.includes(tid)) throw new Error('EPERM');
      nice[tid] = value;
    },
    ...over,
    nice,
  };
}

describe('helper threads', () => {
  it('are every thread of the process but the main thread', () => {
    expect(helperThreads(fakeIo({ 100: 0, 101: 0, 102: 0 }))).toEqual([101, 102]);
  });

  it.each([
    ['darwin', 'another platform, where a thread id could name another process'],
    ['win32', 'another platform'],
  ] as const)('are none on %s (%s)', (platform, _why) => {
    const io = fakeIo({ 100: 0, 101: 0 }, { platform });
    expect(helperThreads(io)).toEqual([]);
    expect(lowerThreads([101], io)).toEqual([]);
    expect(io.nice[101]).toBe(0);
  });

  it('are none when the thread list cannot be read', () => {
    expect(helperThreads(fakeIo({}, { threads: () => { throw new Error('ENOENT'); } }))).toEqual([]);
  });
});

describe('lowering the threads that run no VU', () => {
  const cases: Array<{ name: string; before: Record<number, number>; snapshot: number[]; refuse?: number[]; after: Record<number, number>; changed: number[] }> = [
    { name: 'gives each helper the helper nice value; threads started since (the workers) keep theirs', before: { 100: 0, 101: 0, 102: 0, 200: 0 }, snapshot: [101, 102], after: { 100: 0, 101: HELPER_NICE, 102: HELPER_NICE, 200: 0 }, changed: [101, 102] },
    { name: 'lowers the main thread when the caller lists it (its VUs run on workers)', before: { 100: 0, 101: 0 }, snapshot: [100, 101], after: { 100: HELPER_NICE, 101: HELPER_NICE }, changed: [100, 101] },
    { name: 'keeps a nicer value a helper already has', before: { 100: 0, 101: 15, 102: HELPER_NICE }, snapshot: [101, 102], after: { 100: 0, 101: 15, 102: HELPER_NICE }, changed: [] },
    { name: 'skips a helper that has exited since the snapshot (its id may name another process now)', before: { 100: 0, 102: 0 }, snapshot: [101, 102], after: { 100: 0, 102: HELPER_NICE }, changed: [102] },
    { name: 'skips a helper that refuses and lowers the others', before: { 100: 0, 101: 0, 102: 0 }, snapshot: [101, 102], refuse: [101], after: { 100: 0, 101: 0, 102: HELPER_NICE }, changed: [102] },
  ];
  it.each(cases)('$name', ({ before, snapshot, refuse, after, changed }) => {
    const io = fakeIo({ ...before }, { refuse });
    expect(lowerThreads(snapshot, io)).toEqual(changed);
    expect(io.nice).toEqual(after);
  });
});
