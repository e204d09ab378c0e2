/**
 * Samples a process's CPU time and resident memory from /proc (Linux), so a benchmark can report
 * each co-located process's CPU use and peak RSS side by side.
 */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ProcUsage {
  /** user + system CPU seconds used since the sampler started. */
  cpuSeconds: number;
  /** Highest resident set seen by the kernel (VmHWM), MiB. */
  peakRssMiB: number;
}

function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function hwmKiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples every `intervalMs` until `stop()`; the last reading before the process exits counts. */
export function sampleProcess(pid: number, intervalMs = 500): { stop(): ProcUsage } {
  const startTicks = cpuTicks(pid) ?? 0;
  let lastTicks = startTicks;
  let peak = 0;
  const read = (): void => {
    const t = cpuTicks(pid);
    if (t !== undefined) lastTicks = t;
    const h = hwmKiB(pid);
    if (h !== undefined) peak = Math.max(peak, h);
  };
  read();
  const timer = setInterval(read, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return { cpuSeconds: (lastTicks - startTicks) / CLOCK_TICKS, peakRssMiB: Math.round((peak / 1024) * 10) / 10 };
    },
  };
}
