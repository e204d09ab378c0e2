/**
 * Skewed tenants: real multi-tenant traffic has a few large tenants and a long tail. Each tenant
 * gets a weight and is drawn with probability weight / sum of weights:
 * - `TENANT_WEIGHTS=uniform` (default): every tenant weighs 1;
 * - `TENANT_WEIGHTS=zipf:S`: the tenant of rank r (its 1-based position in TENANTS or
 *   TENANTS_FILE) weighs 1 / r^S;
 * - `TENANT_WEIGHTS=tenant-03=0.3,tenant-01=5`: the listed tenants weigh that, the others 1;
 * - or a `weight` per entry in TENANTS_FILE (the same rule: unlisted entries weigh 1).
 * Drawing is one random number and a binary search over the cumulative weights: O(log n), no
 * allocation, the same cost for 20 or 100,000 tenants.
 */
import type { ConfigProblem } from './config-error';
import type { Tenant } from './tenants';

/** The largest zipf exponent accepted: at S = 10 the second tenant already gets 0.1 % of rank 1. */
export const MAX_ZIPF_EXPONENT = 10;
/** Bounds of a listed weight: a ratio of 10^9 between tenants is far past any real skew. */
export const MIN_WEIGHT = 1e-6;
export const MAX_WEIGHT = 1000;

const NUMBER = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

function weightValue(raw: string): number | undefined {
  if (!NUMBER.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= MIN_WEIGHT && n <= MAX_WEIGHT ? n : undefined;
}

/**
 * Parses `TENANT_WEIGHTS` for a pool; undefined = uniform. Problems name TENANT_WEIGHTS and the
 * allowed forms.
 */
export function parseTenantWeights(value: string | undefined, tenants: readonly Tenant[], problems: ConfigProblem[]): number[] | undefined {
  if (value === undefined || value.trim() === '' || value.trim() === 'uniform') return undefined;
  const v = value.trim();
  const forms = "uniform, zipf:S (0 < S <= 10) or a list such as 'tenant-03=0.3,tenant-01=5'";
  const zipf = /^zipf:(.*)$/.exec(v);
  if (zipf) {
    const s = Number(zipf[1]);
    if (!NUMBER.test(zipf[1] as string) || !(s > 0) || s > MAX_ZIPF_EXPONENT) {
      problems.push({ variable: 'TENANT_WEIGHTS', message: `zipf exponent must be a number above 0 and at most ${MAX_ZIPF_EXPONENT} (got '${zipf[1]}'); allowed: ${forms}` });
      return undefined;
    }
    return tenants.map((_t, i) => 1 / Math.pow(i + 1, s));
  }
  const index = new Map(tenants.map((t, i) => [t.id, i]));
  const weights = tenants.map(() => 1);
  const seen = new Set<string>();
  for (const part of v.split(',').map((p) => p.trim())) {
    const m = /^([^=\s]+)=(.+)$/.exec(part);
    if (!m) {
      problems.push({ variable: 'TENANT_WEIGHTS', message: `bad entry '${part}'; allowed: ${forms}` });
      return undefined;
    }
    const id = m[1] as string;
    const i = index.get(id);
    if (i === undefined) {
      problems.push({ variable: 'TENANT_WEIGHTS', message: `names '${id}', which is not in the tenant pool (TENANTS / TENANTS_FILE)` });
      continue;
    }
    if (seen.has(id)) {
      problems.push({ variable: 'TENANT_WEIGHTS', message: `lists ${id} more than once` });
      continue;
    }
    seen.add(id);
    const w = weightValue(m[2] as string);
    if (w === undefined) {
      problems.push({ variable: 'TENANT_WEIGHTS', message: `weight of ${id} must be a number from ${MIN_WEIGHT} to ${MAX_WEIGHT} (got '${m[2]}')` });
      continue;
    }
    weights[i] = w;
  }
  return weights;
}

/** Checks a TENANTS_FILE entry's `weight`; returns it or undefined (problem recorded). */
export function fileWeight(raw: unknown, variable: string, problems: ConfigProblem[]): number | undefined {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < MIN_WEIGHT || raw > MAX_WEIGHT) {
    problems.push({ variable, message: `must be a number from ${MIN_WEIGHT} to ${MAX_WEIGHT} (a tenant's relative share of the load; unlisted tenants weigh 1)` });
    return undefined;
  }
  return raw;
}

/** Each tenant's share of the draws (sums to 1); uniform when `weights` is undefined. */
export function tenantShares(count: number, weights: readonly number[] | undefined): number[] {
  if (!weights) return Array.from({ length: count }, () => 1 / count);
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** Draws tenant indexes by weight: cumulative shares and a binary search. */
export class TenantPicker {
  private readonly cumulative: Float64Array | undefined;

  constructor(
    private readonly count: number,
    weights: readonly number[] | undefined,
  ) {
    if (!weights) return;
    const cum = new Float64Array(count);
    let total = 0;
    for (let i = 0; i < count; i++) cum[i] = total += weights[i] as number;
    for (let i = 0; i < count; i++) cum[i] = (cum[i] as number) / total;
    this.cumulative = cum;
  }

  /** `random` returns [0, 1) like Math.random. */
  pick(random: () => number): number {
    const u = random();
    const cum = this.cumulative;
    if (!cum) return Math.min(this.count - 1, Math.floor(u * this.count));
    // The first index whose cumulative share is above u.
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cum[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
