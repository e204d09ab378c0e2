/**
 * What the verdict judges against: the bundle's SLO table (thresholds/slo-table.ts, one source)
 * read from the same environment variables as the bundle (SLO_*, CHAOS, CHAOS_EXPECT), through
 * the bundle's own reader (lib/env-reader.ts), plus the verdict's own window options.
 */
import { EnvReader, type Env } from '../lib/env-reader';
import { SLO_TABLE, type SloValues } from '../thresholds/slo-table';

export type ChaosMode = 'off' | 'fallback' | 'expiry';

export interface VerdictConfig {
  slo: SloValues;
  /** Per-tenant limits (the global SLOs unless SLO_TENANT_* say otherwise). */
  tenant: { readP95Ms: number; writeP95Ms: number; errorRate: number };
  chaos: ChaosMode;
  windowMs: number;
  stepMs: number;
  /** Fewest samples a tenant or a window needs for a p(95) or a rate to be judged. */
  minSamples: number;
}

/**
 * The minimum-sample rule: p(95) of n samples rests on its n/20 slowest; at 100 it rests on 5,
 * so one slow request cannot fail a tenant or a window on its own, and fewer are not judged.
 */
export const DEFAULT_MIN_SAMPLES = 100;
export const DEFAULT_WINDOW_MS = 60_000;
export const DEFAULT_STEP_MS = 10_000;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface VerdictOptions {
  windowMs?: number;
  stepMs?: number;
  minSamples?: number;
}

/** Reads the SLOs from `env`; throws UsageError naming every bad variable. */
export function verdictConfig(env: Env, opts: VerdictOptions = {}): VerdictConfig {
  const r = new EnvReader(env);
  const slo = {} as SloValues;
  for (const spec of SLO_TABLE) {
    // The duration SLOs (recovery time, abort delay) shape the run itself, not a value judged here.
    const fallback = typeof spec.default === 'function' ? spec.default({ durationMs: 0 }) : spec.default;
    if (spec.kind === 'ms') slo[spec.key] = r.positiveNumber(spec.env, fallback);
    else if (spec.kind === 'fraction') slo[spec.key] = r.fraction(spec.env, fallback);
    else slo[spec.key] = r.duration(spec.env, fallback, 0);
  }
  const tenant = {
    readP95Ms: r.positiveNumber('SLO_TENANT_READ_P95_MS', slo.readP95Ms),
    writeP95Ms: r.positiveNumber('SLO_TENANT_WRITE_P95_MS', slo.writeP95Ms),
    errorRate: r.fraction('SLO_TENANT_ERROR_RATE', slo.errorRate),
  };
  const chaosOn = r.oneOf('CHAOS', ['on', 'off'] as const, 'on') === 'on';
  const expect = r.oneOf('CHAOS_EXPECT', ['fallback', 'expiry'] as const, 'fallback');
  if (r.problems.length > 0) {
    throw new UsageError(r.problems.map((p) => `${p.variable} ${p.message}`).join('\n'));
  }
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const stepMs = opts.stepMs ?? DEFAULT_STEP_MS;
  if (stepMs > windowMs) throw new UsageError(`--step (${stepMs / 1000}s) must not be longer than --window (${windowMs / 1000}s)`);
  return { slo, tenant, chaos: chaosOn ? expect : 'off', windowMs, stepMs, minSamples: opts.minSamples ?? DEFAULT_MIN_SAMPLES };
}
