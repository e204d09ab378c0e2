/**
 * `--report FILE.html`: one self-contained page (inline CSS and SVG drawn here; no script, no
 * CDN, no remote font) that a person opens after a run: the verdict first, then the run over
 * time — achieved vs scheduled rate, p95 read/write, error rate, 401/5xx and dropped iterations —
 * with the outage shaded and labelled from the samples' `phase` tags, the fault witness, and the
 * worst window marked; then the tenants, worst first, each with a p95 sparkline.
 *
 * Every chart carries its time scale as data attributes (data-t0, data-t1, data-plot-x,
 * data-plot-w) and the outage band its times (data-start, data-end), so a browser test can check
 * that the shading sits at the outage's times.
 */
import type { VerdictConfig } from './config';
import type { SloResult, Verdict, WindowInfo } from './evaluate';
import { describe, formatValue, groupOf, notJudgedByScope, type RunInfo } from './format';
import { OUTAGE_PHASES, type RunData } from './run-data';

export interface ReportInput {
  verdict: Verdict;
  data: RunData;
  info: RunInfo;
  cfg: VerdictConfig;
}

const esc = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);
const r1 = (n: number): string => (Math.round(n * 10) / 10).toString();

export interface PhaseSpan {
  phase: string;
  startMs: number;
  endMs: number;
}

/** Contiguous runs of each slice's dominant phase (by API samples). */
export function phaseSpans(data: RunData): PhaseSpan[] {
  const keys = [...data.slices.keys()].sort((a, b) => a - b);
  const spans: PhaseSpan[] = [];
  for (const k of keys) {
    const phases = data.slices.get(k)!.phases;
    let best: string | undefined;
    let n = -1;
    for (const [p, c] of phases) if (c > n) [best, n] = [p, c];
    if (best === undefined) continue;
    const start = k * data.sliceMs;
    const last = spans[spans.length - 1];
    if (last && last.phase === best && last.endMs === start) last.endMs = start + data.sliceMs;
    else spans.push({ phase: best, startMs: start, endMs: start + data.sliceMs });
  }
  return spans;
}

/** The outage as the samples saw it: from the first to the last second tagged transition/chaos/settling. */
export function outageWindow(spans: readonly PhaseSpan[]): { startMs: number; endMs: number } | undefined {
  const out = spans.filter((s) => OUTAGE_PHASES.has(s.phase));
  if (out.length === 0) return undefined;
  return { startMs: out[0]!.startMs, endMs: out[out.length - 1]!.endMs };
}

type Point = [number, number | null];

interface Series {
  name: string;
  color: string;
  points: Point[];
  dash?: string;
}

interface Limit {
  value: number;
  label: string;
  /** Only over this time range (e.g. the chaos limit inside the outage). */
  fromMs?: number;
  toMs?: number;
}

interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  series: Series[];
  limits?: Limit[];
  worst?: { w: WindowInfo; label: string };
  format: (v: number) => string;
}

const W = 960;
const H = 230;
const PAD = { l: 58, r: 16, t: 26, b: 30 };
const PLOT_W = W - PAD.l - PAD.r;
const PLOT_H = H - PAD.t - PAD.b;

/** 1-2-5 ticks covering [0, max]. */
function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 0.001; v += step) out.push(Math.round(v / step) * step);
  if (out[out.length - 1]! < max) out.push(out[out.length - 1]! + step);
  return out;
}

function timeTicks(spanMs: number): number[] {
  const steps = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);
  const step = steps.find((s) => spanMs / s <= 10) ?? 3_600_000 * Math.ceil(spanMs / 36_000_000);
  const out: number[] = [];
  for (let t = 0; t <= spanMs; t += step) out.push(t);
  return out;
}

const mmss = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

interface Frame {
  t0: number;
  t1: number;
  spans: PhaseSpan[];
  outage?: { startMs: number; endMs: number };
  witness: number[];
  witnessCount: number;
}

const PHASE_FILL: Record<string, string> = { chaos: '#f8d7da', transition: '#fdeedd', settling: '#fdeedd' };

function chart(spec: ChartSpec, f: Frame): string {
  const span = Math.max(1, f.t1 - f.t0);
  const x = (t: number): number => PAD.l + ((t - f.t0) / span) * PLOT_W;
  let max = 0;
  let points = 0;
  for (const s of spec.series) {
    for (const [, v] of s.points) {
      if (v !== null) {
        points++;
        if (v > max) max = v;
      }
    }
  }
  for (const l of spec.limits ?? []) if (l.value > max && l.value < max * 3 + 1e-9) max = l.value;
  const ticks = niceTicks(max * 1.08);
  const top = ticks[ticks.length - 1]!;
  const y = (v: number): number => PAD.t + PLOT_H - (Math.min(v, top) / top) * PLOT_H;
  const parts: string[] = [];
  parts.push(
    `<svg id="${spec.id}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.title)}" data-t0="${f.t0}" data-t1="${f.t1}" data-plot-x="${PAD.l}" data-plot-w="${PLOT_W}" data-points="${points}">`,
  );
  // Phases: the outage's edges and core shaded, labelled on top.
  for (const s of f.spans) {
    const fill = PHASE_FILL[s.phase];
    if (!fill) continue;
    parts.push(`<rect class="phase phase-${esc(s.phase)}" x="${r1(x(s.startMs))}" y="${PAD.t}" width="${r1(x(s.endMs) - x(s.startMs))}" height="${PLOT_H}" fill="${fill}"/>`);
  }
  // Phase names inside the plot, where there is room for them.
  for (const s of f.spans) {
    const w = x(s.endMs) - x(s.startMs);
    if (w < 60 || s.phase === 'transition') continue;
    parts.push(`<text class="phase-label" x="${r1(x(s.startMs) + w / 2)}" y="${PAD.t + PLOT_H - 8}" text-anchor="middle">${esc(s.phase)}</text>`);
  }
  if (f.outage) {
    const ox = x(f.outage.startMs);
    const ow = x(f.outage.endMs) - ox;
    parts.push(
      `<rect class="outage" data-start="${f.outage.startMs}" data-end="${f.outage.endMs}" x="${r1(ox)}" y="${PAD.t}" width="${r1(ow)}" height="${PLOT_H}" fill="none" stroke="#c0392b" stroke-width="1" stroke-dasharray="3 3"/>`,
      `<text class="outage-label" x="${r1(ox + ow / 2)}" y="${PAD.t - 8}" text-anchor="middle">JWKS outage ${mmss(f.outage.startMs - f.t0)}–${mmss(f.outage.endMs - f.t0)}${f.witnessCount > 0 ? ` · fault witnessed ×${f.witnessCount}` : ' · no fault witness'}</text>`,
    );
  }
  for (const t of f.witness) {
    if (t < f.t0 || t > f.t1) continue;
    parts.push(`<path class="witness" d="M${r1(x(t))} ${PAD.t} l-4 -6 h8 z" fill="#c0392b"><title>fault witness at ${mmss(t - f.t0)}</title></path>`);
  }
  if (spec.worst) {
    const wx = x(spec.worst.w.startMs);
    const ww = x(spec.worst.w.endMs) - wx;
    parts.push(
      `<g class="worst"><rect x="${r1(wx)}" y="${PAD.t + PLOT_H - 4}" width="${r1(ww)}" height="4" fill="#8e44ad"/><rect x="${r1(wx)}" y="${PAD.t}" width="${r1(ww)}" height="${PLOT_H}" fill="#8e44ad" fill-opacity="0.06" stroke="#8e44ad" stroke-opacity="0.5"/>`,
      `<text x="${r1(wx + 4)}" y="${PAD.t + 12}" class="worst-label">${esc(spec.worst.label)}</text></g>`,
    );
  }
  // Grid and axes.
  for (const v of ticks) {
    parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${r1(y(v))}" y2="${r1(y(v))}" class="grid"/>`);
    parts.push(`<text x="${PAD.l - 6}" y="${r1(y(v) + 4)}" text-anchor="end" class="tick">${esc(spec.format(v))}</text>`);
  }
  for (const t of timeTicks(span)) {
    parts.push(`<text x="${r1(x(f.t0 + t))}" y="${H - 10}" text-anchor="middle" class="tick">${mmss(t)}</text>`);
  }
  parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${PAD.t + PLOT_H}" y2="${PAD.t + PLOT_H}" class="axis"/>`);
  const offScale: string[] = [];
  for (const l of spec.limits ?? []) {
    if (l.value > top) {
      offScale.push(l.label);
      continue;
    }
    const x1 = x(l.fromMs ?? f.t0);
    const x2 = x(l.toMs ?? f.t1);
    // Below the line when it runs along the top, where the outage label sits.
    const ly = y(l.value) - PAD.t < 16 ? y(l.value) + 13 : y(l.value) - 4;
    parts.push(`<line class="limit" x1="${r1(x1)}" x2="${r1(x2)}" y1="${r1(y(l.value))}" y2="${r1(y(l.value))}"/><text class="limit-label" x="${r1(x2 - 4)}" y="${r1(ly)}" text-anchor="end">${esc(l.label)}</text>`);
  }
  for (const s of spec.series) {
    let d = '';
    let pen = false;
    let n = 0;
    for (const [t, v] of s.points) {
      if (v === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${r1(x(t))} ${r1(y(v))}`;
      pen = true;
      n++;
    }
    parts.push(`<path class="series" data-series="${esc(s.name)}" data-points="${n}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} stroke-linejoin="round"/>`);
  }
  parts.push('</svg>');
  const legend =
    spec.series.map((s) => `<span class="key"><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join('') +
    (offScale.length ? `<span class="key off-scale">${esc(offScale.join(', '))}: above the scale</span>` : '');
  return `<section class="panel" id="panel-${spec.id}"><h3>${esc(spec.title)} <small>${esc(spec.unit)}</small></h3><div class="legend">${legend}</div>${parts.join('')}</section>`;
}

function sparkline(points: Point[], limit: number, t0: number, t1: number): string {
  const w = 140;
  const h = 26;
  const vals = points.map(([, v]) => v).filter((v): v is number => v !== null);
  const max = Math.max(limit * 1.1, ...vals, 1);
  const x = (t: number): number => ((t - t0) / Math.max(1, t1 - t0)) * (w - 2) + 1;
  const y = (v: number): number => h - 2 - (Math.min(v, max) / max) * (h - 4);
  let d = '';
  let pen = false;
  for (const [t, v] of points) {
    if (v === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${r1(x(t))} ${r1(y(v))}`;
    pen = true;
  }
  const over = vals.some((v) => v >= limit);
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" data-points="${vals.length}"><line x1="0" x2="${w}" y1="${r1(y(limit))}" y2="${r1(y(limit))}" class="spark-limit"/><path d="${d}" fill="none" stroke="${over ? '#c0392b' : '#2c7be5'}" stroke-width="1.3"/></svg>`;
}

/** Which chart (or tenant row) shows a failed SLO. */
export function anchorOf(r: SloResult): string {
  if (r.scope.tenant !== undefined) return `tenant-${r.scope.tenant.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  if (r.name.includes('p(95)')) return 'chart-latency';
  if (r.name === 'error rate' || r.name === 'checks rate') return 'chart-errors';
  if (r.name === '5xx rate' || r.name.includes('401') || r.name.includes('429')) return 'chart-status';
  if (r.name === 'dropped ratio') return 'chart-rate';
  return 'chart-rate';
}

const pct = (v: number): string => `${r1(v)}%`;
const msFmt = (v: number): string => (v >= 1000 ? `${r1(v / 1000)}s` : `${Math.round(v)}ms`);

export function renderReport({ verdict, data, info, cfg }: ReportInput): string {
  const s = cfg.slo;
  const keys = [...data.slices.keys()].sort((a, b) => a - b);
  const has = keys.length > 0;
  const t0 = has ? keys[0]! * data.sliceMs : 0;
  const t1 = has ? (keys[keys.length - 1]! + 1) * data.sliceMs : 1000;
  const perS = 1000 / data.sliceMs;
  const spans = phaseSpans(data);
  const frame: Frame = { t0, t1, spans, outage: outageWindow(spans), witness: data.faultWitnessTimes, witnessCount: data.faultWitness };

  const series = (f: (c: NonNullable<ReturnType<typeof data.slices.get>>) => number | null): Point[] => {
    const out: Point[] = [];
    if (!has) return out;
    for (let k = keys[0]!; k <= keys[keys.length - 1]!; k++) {
      const sl = data.slices.get(k);
      out.push([k * data.sliceMs + data.sliceMs / 2, sl ? f(sl) : null]);
    }
    return out;
  };
  const worst = (name: string, label: string): ChartSpec['worst'] => {
    const w = verdict.worstWindows.get(name);
    if (!w) return undefined;
    const r = verdict.slos.find((x) => x.name === name && x.scope.window);
    return { w, label: `worst ${cfg.windowMs / 1000}s window, ${label}: ${r ? describe(r) : ''}` };
  };
  const outage = frame.outage;
  const errLimits: Limit[] = [{ value: s.errorRate * 100, label: `limit ${pct(s.errorRate * 100)}` }];
  if (outage && cfg.chaos === 'fallback') errLimits.push({ value: s.chaosErrorRate * 100, label: `outage limit ${pct(s.chaosErrorRate * 100)}`, fromMs: outage.startMs, toMs: outage.endMs });

  const charts = [
    chart(
      {
        id: 'chart-rate',
        title: 'Achieved vs scheduled rate',
        unit: 'requests/s (scheduled = iterations + dropped of tenant_load)',
        series: [
          { name: 'scheduled', color: '#9aa5b1', dash: '5 3', points: series((sl) => (sl.cell.iterations + sl.cell.dropped) * perS) },
          { name: 'achieved (API responses)', color: '#2c7be5', points: series((sl) => sl.cell.api * perS) },
        ],
        format: (v) => (v >= 1000 ? `${r1(v / 1000)}k` : String(Math.round(v))),
      },
      frame,
    ),
    chart(
      {
        id: 'chart-latency',
        title: 'Latency p95 (expected responses)',
        unit: 'ms, per second',
        series: [
          { name: 'read p95', color: '#2c7be5', points: series((sl) => sl.cell.read.p(0.95)) },
          { name: 'write p95', color: '#e67e22', points: series((sl) => sl.cell.write.p(0.95)) },
        ],
        limits: [
          { value: s.readP95Ms, label: `read limit ${msFmt(s.readP95Ms)}` },
          { value: s.writeP95Ms, label: `write limit ${msFmt(s.writeP95Ms)}` },
        ],
        worst: worst('read p(95)', 'read p95'),
        format: msFmt,
      },
      frame,
    ),
    chart(
      {
        id: 'chart-errors',
        title: 'API error rate',
        unit: '% of API responses, per second',
        series: [{ name: 'error rate', color: '#c0392b', points: series((sl) => (sl.cell.api > 0 ? (sl.cell.failed / sl.cell.api) * 100 : null)) }],
        limits: errLimits,
        worst: worst('error rate', 'error rate'),
        format: pct,
      },
      frame,
    ),
    chart(
      {
        id: 'chart-status',
        title: '401, 5xx and dropped iterations',
        unit: 'per second',
        series: [
          { name: '401', color: '#8e44ad', points: series((sl) => sl.cell.status401 * perS) },
          { name: '5xx', color: '#c0392b', points: series((sl) => sl.cell.status5xx * perS) },
          { name: 'dropped iterations', color: '#7f8c8d', dash: '4 2', points: series((sl) => sl.cell.dropped * perS) },
        ],
        format: (v) => String(Math.round(v * 10) / 10),
      },
      frame,
    ),
  ];

  const failed = verdict.slos.filter((r) => !r.ok);
  const scopeText = (r: SloResult): string =>
    `${groupOf(r.scope, info)}${r.scope.window ? ` ${r.scope.window.start.slice(11, 19)}–${r.scope.window.end.slice(11, 19)}` : ''}`;
  const limitText = (r: SloResult): string => `${r.op} ${r.unit === 'count' ? r.limit : formatValue(r.limit, r.unit)}`;
  const failedList = failed.length
    ? `<ul class="failed">${failed.map((r) => `<li><a href="#${anchorOf(r)}">✗ ${esc(scopeText(r))}: ${esc(r.name)} ${esc(describe(r))} (limit ${esc(limitText(r))})</a></li>`).join('')}</ul>`
    : '';

  const sloRows = verdict.slos
    .filter((r) => r.scope.tenant === undefined)
    .map(
      (r) =>
        `<tr class="${r.ok ? 'ok' : 'bad'}"><td>${r.ok ? '✓' : '✗'}</td><td>${esc(scopeText(r))}</td><td>${r.ok ? esc(r.name) : `<a href="#${anchorOf(r)}">${esc(r.name)}</a>`}</td><td class="num">${esc(describe(r))}</td><td class="num">${esc(limitText(r))}</td><td class="num">${r.samples.toLocaleString('en-US')}</td></tr>`,
    )
    .join('');

  const notJudged = notJudgedByScope(verdict.notJudged);
  const tenantRows = verdict.tenantOrder
    .map((tenant) => {
      const td = data.tenants.get(tenant)!;
      const rs = verdict.slos.filter((r) => r.scope.tenant === tenant);
      const bad = rs.filter((r) => !r.ok);
      const c = td.cell;
      const spark: Point[] = [];
      const w = td.sparkMs;
      for (let k = Math.floor(t0 / w); k * w < t1; k++) spark.push([k * w + w / 2, td.spark.get(k)?.p(0.95) ?? null]);
      const status = bad.length > 0 ? `✗ ${bad.map((r) => esc(r.name)).join(', ')}` : rs.length > 0 ? '✓' : '';
      const nj = notJudged.get(`tenant ${tenant}`);
      const v = (x: number | null, unit: 'ms' | 'ratio'): string => esc(formatValue(x, unit));
      return `<tr id="${anchorOf({ scope: { tenant } } as SloResult)}" class="${bad.length ? 'bad' : 'ok'}"><td>${esc(tenant)}${td.noisy ? ' <small>(noisy)</small>' : ''}</td><td class="status">${status}${nj ? `<div class="nj">not judged: ${esc(nj)}</div>` : ''}</td><td class="num">${v(c.read.p(0.95), 'ms')}</td><td class="num">${v(c.write.p(0.95), 'ms')}</td><td class="num">${v(c.api > 0 ? c.failed / c.api : null, 'ratio')}</td><td class="num">${c.api.toLocaleString('en-US')}</td><td>${sparkline(spark, s.tenantReadP95Ms, t0, t1)}</td></tr>`;
    })
    .join('');

  const span = has ? `${new Date(t0).toISOString().replace('T', ' ').slice(0, 19)} UTC, ${mmss(t1 - t0)}` : 'no samples';
  const headline = verdict.ok ? 'Every SLO held' : `${failed.length} of ${verdict.slos.length} SLO evaluations failed`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${verdict.ok ? '✓' : '✗'} tenant-verdict — ${esc(headline)}</title>
<style>
:root{--ok:#1e8e3e;--bad:#c0392b;--ink:#1f2933;--mute:#616e7c;--line:#e4e7eb}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#f5f7fa}
main{max-width:1040px;margin:0 auto;padding:24px}
header.verdict{border-radius:10px;padding:18px 22px;color:#fff;background:${verdict.ok ? 'var(--ok)' : 'var(--bad)'}}
header.verdict h1{margin:0;font-size:26px}header.verdict p{margin:4px 0 0;opacity:.92}
ul.failed{margin:12px 0 0;padding:0;list-style:none}ul.failed li{margin:3px 0}ul.failed a{color:#fff;text-decoration:underline}
section.panel{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px 6px;margin-top:16px}
h2{margin:28px 0 8px;font-size:18px}h3{margin:0;font-size:15px}h3 small{color:var(--mute);font-weight:400;margin-left:6px}
.legend{font-size:12px;color:var(--mute);margin:2px 0 0}.key{margin-right:14px;white-space:nowrap}.key i{display:inline-block;width:14px;height:3px;margin-right:5px;vertical-align:middle}
svg.chart{width:100%;height:auto;display:block}
.grid{stroke:var(--line);stroke-width:1}.axis{stroke:#9aa5b1}.tick{font-size:11px;fill:var(--mute)}
.limit{stroke:#1f2933;stroke-width:1;stroke-dasharray:6 4;opacity:.55}
.phase-label{font-size:10.5px;fill:#7b8794;letter-spacing:.04em;text-transform:uppercase}
.limit-label,.outage-label,.worst-label,.phase-label{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.limit-label{font-size:11px;fill:#1f2933}.outage-label{font-size:11.5px;fill:#a93226;font-weight:600}.worst-label{font-size:11px;fill:#6c3483}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}th{background:#f0f2f5;font-weight:600;font-size:12.5px;color:var(--mute)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr.bad td{background:#fdf2f2}tr.bad td:first-child{box-shadow:inset 3px 0 var(--bad)}
td.status{font-size:12.5px}.nj{color:var(--mute);font-size:11.5px}
.spark-limit{stroke:#c0392b;stroke-dasharray:3 2;stroke-width:.8;opacity:.6}
.phases{font-size:12px;color:var(--mute);margin-top:6px}.phases b{color:var(--ink)}
footer{color:var(--mute);font-size:12px;margin:24px 0}
a{color:#1a5fb4}
</style></head><body><main>
<header class="verdict" id="verdict"><h1>${verdict.ok ? '✓' : '✗'} ${esc(headline)}</h1>
<p>${esc(info.files.length === 1 ? '1 k6 output' : `${info.files.length} k6 outputs merged as one run`)} · ${data.samples.toLocaleString('en-US')} samples · ${esc(span)} · chaos ${esc(cfg.chaos)}</p>${failedList}</header>
<div class="phases">${spans
    .filter((p) => p.phase !== 'transition')
    .map((p) => `<b>${esc(p.phase)}</b> ${mmss(p.startMs - t0)}–${mmss(p.endMs - t0)}`)
    .join(' · ')}${frame.outage ? ` · outage (with its transition margins) shaded ${mmss(frame.outage.startMs - t0)}–${mmss(frame.outage.endMs - t0)}` : ''}</div>
<h2>Over time</h2>
${charts.join('\n')}
<h2>SLOs</h2>
<table class="slos"><thead><tr><th></th><th>scope</th><th>SLO</th><th class="num">value</th><th class="num">limit</th><th class="num">samples</th></tr></thead><tbody>${sloRows}</tbody></table>
<h2 id="tenants">Tenants, worst first</h2>
<table class="tenants"><thead><tr><th>tenant</th><th>verdict</th><th class="num">read p95</th><th class="num">write p95</th><th class="num">error rate</th><th class="num">requests</th><th>p95 over time (limit dashed)</th></tr></thead><tbody>${tenantRows || '<tr><td colspan="7">no tenant tag in the samples</td></tr>'}</tbody></table>
<footer>tenant-verdict: the SLO table (contracts/slo-table.ts) over the whole run, each phase, sliding ${cfg.windowMs / 1000}s windows (step ${cfg.stepMs / 1000}s) and every tenant. Instances merge exactly (log histograms; p95 within 0.05 % for the run, phases and tenants, 0.5 % for windows and charts, 2 % for sparklines). No samples, no pass.</footer>
</main></body></html>
`;
}
