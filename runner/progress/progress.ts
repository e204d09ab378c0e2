/**
 * Live progress on stderr like k6's: a `running (…), N/M VUs, X complete and Y interrupted
 * iterations` header and one bar per scenario (elapsed/total, active VUs, iterations, rate).
 * On a TTY the block is redrawn in place every second; otherwise plain lines are printed every
 * `plainIntervalMs`. Silenced by `--quiet`. Rendering is pure; the timer is thin.
 */
import type { Executor } from '../executors/types';

export interface ProgressSnapshot {
  elapsedMs: number;
  vusActive: number;
  vusMax: number;
  completed: number;
  interrupted: number;
  scenarios: Array<{ name: string; fraction: number; detail: string; done: boolean; elapsedMs: number; plannedMs: number }>;
}

/** k6's `0m05.0s` clock format. */
export function clockTime(ms: number): string {
  const totalTenths = Math.floor(ms / 100);
  const m = Math.floor(totalTenths / 600);
  const s = (totalTenths % 600) / 10;
  return `${m}m${s.toFixed(1).padStart(4, '0')}s`;
}

export function renderProgress(p: ProgressSnapshot, width = 40): string[] {
  const lines = [`running (${clockTime(p.elapsedMs)}), ${String(p.vusActive).padStart(2, '0')}/${String(p.vusMax).padStart(2, '0')} VUs, ${p.completed} complete and ${p.interrupted} interrupted iterations`];
  const nameWidth = Math.max(...p.scenarios.map((s) => s.name.length), 7);
  for (const s of p.scenarios) {
    const filled = Math.round(s.fraction * width);
    const bar = s.done ? '='.repeat(width) : `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${'-'.repeat(width - filled)}`;
    const pct = s.done ? '✓' : `${String(Math.floor(s.fraction * 100)).padStart(3)}%`;
    lines.push(`${s.name.padEnd(nameWidth)} [${bar}] ${pct} ${s.detail}  ${clockTime(Math.min(s.elapsedMs, s.plannedMs))}/${clockTime(s.plannedMs)}`);
  }
  return lines;
}

export interface ProgressReporter {
  start(): void;
  stop(final: boolean): void;
}

export function createProgressReporter(opts: {
  executors: readonly Executor[];
  write: (text: string) => void;
  isTTY: boolean;
  quiet: boolean;
  snapshot: () => Omit<ProgressSnapshot, 'scenarios'>;
  plainIntervalMs?: number;
}): ProgressReporter {
  let timer: NodeJS.Timeout | undefined;
  let drawn = 0;
  const snap = (): ProgressSnapshot => ({
    ...opts.snapshot(),
    scenarios: opts.executors.map((e) => {
      const pr = e.progress();
      const elapsedMs = e.startTime ? Date.now() - e.startTime : 0;
      return { name: e.name, fraction: pr.fraction, detail: pr.detail, done: pr.done, elapsedMs, plannedMs: e.regularMs };
    }),
  });
  const draw = (): void => {
    const lines = renderProgress(snap());
    if (opts.isTTY) {
      const up = drawn > 0 ? `\x1b[${drawn}A` : '';
      opts.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
      drawn = lines.length;
    } else {
      opts.write(`${lines.join('\n')}\n`);
    }
  };
  return {
    start() {
      if (opts.quiet) return;
      timer = setInterval(draw, opts.isTTY ? 1000 : (opts.plainIntervalMs ?? 10_000));
      timer.unref();
    },
    stop(final) {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (!opts.quiet && final) draw();
    },
  };
}
