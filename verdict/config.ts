/**
 * What the verdict judges against: the bundle's SLO table (contracts/slo-table.ts, one source)
 * read from the same environment variables as the bundle (SLO_*, CHAOS, CHAOS_EXPECT), through
 * the bundle's own reader (contracts/env-reader.ts), plus the verdict's own window options.
 */
import { EnvReader, type Env } from '../contracts/env-reader';
import { SLO_TABLE, sloDefault, type SloValues } from '../contracts/slo-table';

export type ChaosMode = 'off' | 'fallback' | 'expiry';

export interface VerdictConfig {
  slo: SloValues;
  chaos: ChaosMode;
  windowMs: number;
  stepMs: number;
}

export const DEFAULT_WINDOW_MS = 60_000;
export const DEFAULT_STEP_MS = 10_000;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface VerdictOptions {
  windowMs?: number;
  stepMs?: number;
}

/** Reads the SLOs from `env`; throws UsageError naming every bad variable. */
export function verdictConfig(env: Env, opts: VerdictOptions = {}): VerdictConfig {
  const r = new EnvReader(env);
  const slo = {} as SloValues;
  for (const spec of SLO_TABLE) {
    // The duration SLOs (recovery time, abort delay) shape the run itself, not a value judged here.
    const fallback = sloDefault(spec, 0, slo);
    if (spec.kind === 'ms') slo[spec.key] = r.positiveNumber(spec.env, fallback);
    else if (spec.kind === 'fraction') slo[spec.key] = r.fraction(spec.env, fallback);
    else slo[spec.key] = r.duration(spec.env, fallback, 0);
  }
  const chaosOn = r.oneOf('CHAOS', ['on', 'off'] as const, 'on') === 'on';
  const expect = r.oneOf('CHAOS_EXPECT', ['fallback', 'expiry'] as const, 'fallback');
  if (r.problems.length > 0) {
    throw new UsageError(r.problems.map((p) => `${p.variable} ${p.message}`).join('\n'));
  }
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const stepMs = opts.stepMs ?? DEFAULT_STEP_MS;
  if (stepMs > windowMs) throw new UsageError(`--step (${stepMs / 1000}s) must not be longer than --window (${windowMs / 1000}s)`);
  return { slo, chaos: chaosOn ? expect : 'off', windowMs, stepMs };
}
