/**
 * The verdict: the SLO table judged over the whole run, each phase, the worst sliding window and
 * every tenant seen. An SLO with no samples fails ("no evidence"); a tenant or a window with fewer
 * than the minimum samples is not judged and is listed as such (never silently passed or failed).
 */
import { MIN_TENANT_SAMPLES, minSamplesForRate, TENANT_SLOS, tenantMinSamples } from '../contracts/slo-table';
import type { VerdictConfig } from './config';
import { Cell, OUTAGE_PHASES, type RunData, SLICE_ACCURACY, type TenantData } from './run-data';

export type Op = '<' | '<=' | '>';
export type Unit = 'ms' | 'ratio' | 'count';

export interface Scope {
  tenant?: string;
  phase?: string;
  window?: { start: string; end: string };
}

export interface SloResult {
  name: string;
  scope: Scope;
  /** null: no samples. */
  value: number | null;
  limit: number;
  op: Op;
  unit: Unit;
  ok: boolean;
  samples: number;
}

export interface NotJudged {
  name: string;
  scope: Scope;
  samples: number;
  minSamples: number;
  /** Why, when it is not the minimum-sample rule (e.g. the source cannot measure it). */
  reason?: string;
}

export interface WindowInfo {
  startMs: number;
  endMs: number;
  /** Whether the window overlaps the outage (its error-rate limit is the chaos one). */
  outage: boolean;
}

export interface Verdict {
  ok: boolean;
  slos: SloResult[];
  notJudged: NotJudged[];
  /** The worst window of each windowed SLO, by name. */
  worstWindows: Map<string, WindowInfo>;
  windowCount: number;
  /** Tenants in order, worst first. */
  tenantOrder: string[];
}

const holds = (value: number, op: Op, limit: number): boolean => (op === '<' ? value < limit : op === '<=' ? value <= limit : value > limit);

function result(name: string, scope: Scope, value: number | null, op: Op, limit: number, unit: Unit, samples: number): SloResult {
  return { name, scope, value, limit, op, unit, samples, ok: value !== null && samples > 0 && holds(value, op, limit) };
}

const p95 = (name: string, scope: Scope, d: Cell['read'], limit: number): SloResult => result(name, scope, d.p(0.95), '<', limit, 'ms', d.count);
const rate = (name: string, scope: Scope, num: number, den: number, op: Op, limit: number): SloResult =>
  result(name, scope, den > 0 ? num / den : null, op, limit, 'ratio', den);
const count = (name: string, scope: Scope, n: number): SloResult => result(name, scope, n, '>', 0, 'count', n);

/** How far past its limit a result is (> 1: failing), to rank the worst window and tenant. */
export function severity(r: Pick<SloResult, 'value' | 'limit' | 'op'>): number {
  if (r.value === null) return Infinity;
  if (r.op === '>') return r.value > r.limit ? 0 : Infinity;
  if (r.limit > 0) return r.value / r.limit;
  return r.value > 0 ? Infinity : 0;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function runSlos(data: RunData, cfg: VerdictConfig): SloResult[] {
  const c = data.run;
  const s = cfg.slo;
  const scope: Scope = {};
  const out = [p95('read p(95)', scope, c.read, s.readP95Ms), p95('write p(95)', scope, c.write, s.writeP95Ms)];
  if (cfg.chaos !== 'expiry') {
    out.push(rate('error rate', scope, c.failed, c.api, '<', s.errorRate));
    out.push(rate('checks rate', scope, c.checksPassed, c.checks, '>', s.checksRate));
  }
  out.push(rate('dropped ratio', scope, c.dropped, c.iterations + c.dropped, '<', s.droppedRatio));
  if (cfg.chaos !== 'off') {
    out.push(count('fault witness count', scope, data.faultWitness));
    out.push(count('auth.degraded events count', scope, data.authDegradedEvents));
  }
  return out;
}

const PHASES = ['baseline', 'chaos', 'recovery'] as const;

function phaseSlos(data: RunData, cfg: VerdictConfig): SloResult[] {
  if (cfg.chaos === 'off') return [];
  const s = cfg.slo;
  const out: SloResult[] = [];
  for (const phase of PHASES) {
    const c = data.phases.get(phase) ?? new Cell(SLICE_ACCURACY);
    const required = phase === 'chaos' || cfg.chaos === 'expiry';
    if (!required && c.api === 0 && c.read.count === 0 && c.write.count === 0) continue;
    const scope: Scope = { phase };
    out.push(p95('read p(95)', scope, c.read, s.readP95Ms), p95('write p(95)', scope, c.write, s.writeP95Ms));
    if (phase === 'chaos' && cfg.chaos === 'expiry') {
      out.push(rate('5xx rate', scope, c.serverErrors, c.serverErrorSamples, '<=', s.expiryServerErrorRate));
      out.push(count('fail-closed 401 count', scope, c.failClosed));
    } else {
      out.push(rate('error rate', scope, c.failed, c.api, '<', phase === 'chaos' ? s.chaosErrorRate : s.errorRate));
    }
    if (cfg.chaos === 'expiry' && phase !== 'chaos') out.push(rate('checks rate', scope, c.checksPassed, c.checks, '>', s.checksRate));
  }
  return out;
}

interface WindowEval {
  results: SloResult[];
  notJudged: NotJudged[];
  worst: Map<string, WindowInfo>;
  count: number;
}

/** Sliding windows over the one-second cells; the worst window of each SLO is the one reported. */
export function windowSlos(data: RunData, cfg: VerdictConfig): WindowEval {
  const s = cfg.slo;
  const sliceMs = data.sliceMs;
  const ev: WindowEval = { results: [], notJudged: [], worst: new Map(), count: 0 };
  // No samples at all: the whole-run SLOs already fail for want of evidence.
  if (data.slices.size === 0) return ev;
  const keys = [...data.slices.keys()];
  const firstKey = Math.min(...keys);
  const lastKey = Math.max(...keys);
  const span = lastKey - firstKey + 1;
  const width = Math.max(1, Math.round(cfg.windowMs / sliceMs));
  const step = Math.max(1, Math.round(cfg.stepMs / sliceMs));
  const starts: number[] = [];
  if (span <= width) starts.push(firstKey);
  else {
    for (let k = firstKey; k + width <= lastKey + 1; k += step) starts.push(k);
    // The run's last seconds, when the steps do not reach them, get a window of their own.
    if (starts[starts.length - 1]! + width < lastKey + 1) starts.push(lastKey + 1 - width);
  }

  type Best = { r: SloResult; w: WindowInfo; sev: number };
  const best = new Map<string, Best>();
  const maxSamples = new Map<string, number>();
  const minOf = new Map<string, number>();
  const consider = (r: SloResult, w: WindowInfo): void => {
    maxSamples.set(r.name, Math.max(maxSamples.get(r.name) ?? 0, r.samples));
    // The per-tenant gates' minimum-sample rule (contracts/slo-table.ts), applied to windows.
    const min = r.unit === 'ms' ? MIN_TENANT_SAMPLES : minSamplesForRate(r.limit);
    minOf.set(r.name, Math.min(minOf.get(r.name) ?? Infinity, min));
    if (r.samples < min) return;
    const sev = severity(r);
    const cur = best.get(r.name);
    if (!cur || sev > cur.sev) best.set(r.name, { r, w, sev });
  };

  for (const start of starts) {
    const end = Math.min(start + width, lastKey + 1);
    const cell = new Cell(SLICE_ACCURACY);
    let outage = false;
    for (let k = start; k < end; k++) {
      const sl = data.slices.get(k);
      if (!sl) continue;
      cell.merge(sl.cell);
      for (const p of sl.phases.keys()) if (OUTAGE_PHASES.has(p)) outage = true;
    }
    ev.count++;
    const w: WindowInfo = { startMs: start * sliceMs, endMs: end * sliceMs, outage };
    const scope: Scope = { window: { start: iso(w.startMs), end: iso(w.endMs) } };
    consider(p95('read p(95)', scope, cell.read, s.readP95Ms), w);
    consider(p95('write p(95)', scope, cell.write, s.writeP95Ms), w);
    // Inside the outage: the chaos limit (fallback); in expiry mode its fail-closed 401s are the
    // expected answer, judged by the chaos phase's 5xx rate, so such windows skip the error rate.
    if (!(outage && cfg.chaos === 'expiry')) {
      consider(rate('error rate', scope, cell.failed, cell.api, '<', outage && cfg.chaos === 'fallback' ? s.chaosErrorRate : s.errorRate), w);
    }
  }
  const windowLabel = `${cfg.windowMs / 1000}s window`;
  for (const name of ['read p(95)', 'write p(95)', 'error rate']) {
    const b = best.get(name);
    if (b) {
      ev.results.push(b.r);
      ev.worst.set(name, b.w);
    } else if ((maxSamples.get(name) ?? 0) > 0) {
      ev.notJudged.push({ name, scope: { window: { start: windowLabel, end: windowLabel } }, samples: maxSamples.get(name) ?? 0, minSamples: minOf.get(name) ?? MIN_TENANT_SAMPLES });
    }
  }
  return ev;
}

interface TenantEval {
  results: SloResult[];
  notJudged: NotJudged[];
  order: string[];
}

/** One tenant's evaluations: TENANT_SLOS (contracts/slo-table.ts), or "throttled, never 5xx" for the noisy one. */
function oneTenant(tenant: string, td: TenantData, cfg: VerdictConfig): { results: SloResult[]; notJudged: NotJudged[] } {
  const scope: Scope = { tenant };
  const c = td.cell;
  if (td.noisy) {
    return {
      results: [count('throttled 429 count', scope, c.rateLimited), rate('5xx rate', scope, c.serverErrors, c.serverErrorSamples, '<=', 0)],
      notJudged: [],
    };
  }
  const results: SloResult[] = [];
  const notJudged: NotJudged[] = [];
  for (const spec of TENANT_SLOS) {
    const limit = cfg.slo[spec.target];
    let r: SloResult;
    if (spec.id === 'read_p95') r = p95('read p(95)', scope, c.read, limit);
    else if (spec.id === 'write_p95') r = p95('write p(95)', scope, c.write, limit);
    else if (cfg.chaos === 'expiry' && spec.expiryOnly) r = rate('error rate', scope, td.failedBaseline, td.apiBaseline, '<', limit);
    else r = rate('error rate', scope, c.failed, c.api, '<', limit);
    const min = tenantMinSamples(spec, limit);
    if (r.samples >= min) results.push(r);
    else notJudged.push({ name: r.name, scope, samples: r.samples, minSamples: min });
  }
  return { results, notJudged };
}

interface TenantEval {
  results: SloResult[];
  notJudged: NotJudged[];
  order: string[];
}

function tenantSlos(data: RunData, cfg: VerdictConfig): TenantEval {
  const per: Array<{ tenant: string; results: SloResult[]; notJudged: NotJudged[]; sev: number }> = [];
  for (const [tenant, td] of data.tenants) {
    const { results, notJudged } = oneTenant(tenant, td, cfg);
    per.push({ tenant, results, notJudged, sev: Math.max(0, ...results.map((r) => (r.ok ? Math.min(severity(r), 1) : Math.max(severity(r), 1) + 1))) });
  }
  per.sort((a, b) => b.sev - a.sev || a.tenant.localeCompare(b.tenant));
  return { results: per.flatMap((p) => p.results), notJudged: per.flatMap((p) => p.notJudged), order: per.map((p) => p.tenant) };
}

export function evaluate(data: RunData, cfg: VerdictConfig): Verdict {
  const win = windowSlos(data, cfg);
  const ten = tenantSlos(data, cfg);
  const all = [...runSlos(data, cfg), ...phaseSlos(data, cfg), ...win.results, ...ten.results];
  // What the source cannot measure is listed with the reason, never passed or failed silently.
  const unmeasured: NotJudged[] = [];
  const slos = all.filter((r) => {
    const reason = data.unavailable.get(r.name);
    if (reason === undefined || r.samples > 0) return true;
    if (!unmeasured.some((n) => n.name === r.name)) unmeasured.push({ name: r.name, scope: {}, samples: 0, minSamples: 0, reason });
    return false;
  });
  return {
    ok: slos.every((r) => r.ok),
    slos,
    notJudged: [...unmeasured, ...win.notJudged, ...ten.notJudged],
    worstWindows: win.worst,
    windowCount: win.count,
    tenantOrder: ten.order,
  };
}
