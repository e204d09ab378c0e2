/**
 * The HTML report in a real browser (Debian chromium through playwright-core): a two-instance
 * run with a JWKS outage from 60 s to 90 s (2 s transition margins) and a latency burst renders
 * without console errors or requests, every chart has data points, the shaded outage sits at the
 * outage's times, failed SLOs link to their charts, tenants are listed worst first. A screenshot
 * is written to test-output/verdict/report.png for people to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../verdict/main';
import { launchChromium } from '../chromium';
import { K6JsonWriter, T0, writeRun } from './synthetic-run';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-output/verdict');
const OUTAGE = { start: 60_000, end: 90_000, margin: 2_000 };
const report = join(OUT, 'report.html');
export const SCREENSHOT = join(OUT, 'report.png');

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let code = -1;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const files: string[] = [];
  for (const i of [0, 1]) {
    const f = join(OUT, `instance-${i + 1}.json.gz`);
    const w = new K6JsonWriter(f);
    await writeRun(w, {
      rate: 120,
      durationS: 150,
      tenants: 12,
      outage: OUTAGE,
      instance: [i, 2],
      seed: 5,
      // tenant-04 is slow; a 15 s burst at 110 s; the outage fails 2 % with 401 (over its 1 % limit).
      latency: (t, tenant, kind, rand) => (kind === 'read' ? 8 : 18) + rand() * 12 + (tenant === 'tenant-04' ? 250 + rand() * 150 : 0) + (t > 110_000 && t < 125_000 ? 200 * rand() : 0),
      status: (_t, _tenant, phase, rand) => (phase === 'chaos' && rand() < 0.02 ? 401 : 200),
    });
    if (i === 0) {
      await w.sample('chaos_fault_witness', T0 + OUTAGE.start + 1_000, 1, { scenario: 'jwks_chaos' });
      await w.sample('chaos_auth_degraded_events', T0 + 149_000, 3, {});
    }
    await w.close();
    files.push(f);
  }
  code = await main([...files, '--report', report, '-q'], {}, { stdout: () => undefined, stderr: (t) => process.stderr.write(t) });
  chromium = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
});

describe('the HTML report in chromium', () => {
  it('is one self-contained file: no script, no remote resource', () => {
    const html = readFileSync(report, 'utf8');
    expect(code).toBe(99);
    expect(html).not.toMatch(/<script|<link|@import|url\(|https?:\/\/(?!www\.w3\.org)/);
  });

  it('renders without console errors, with the verdict first, data in every chart and the outage shaded at its times', async () => {
    const page = await chromium.context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(report).href);

    // The verdict is the first thing on the page.
    const first = await page.locator('main > *').first().getAttribute('id');
    expect(first).toBe('verdict');
    await expect(page.locator('#verdict h1').textContent()).resolves.toMatch(/✗ \d+ of \d+ SLO evaluations failed/);

    // Every chart has points on every series that has data.
    const charts = await page.locator('svg.chart').evaluateAll((els) => els.map((e) => ({ id: e.id, points: Number(e.getAttribute('data-points')) })));
    expect(charts.map((c) => c.id)).toEqual(['chart-rate', 'chart-latency', 'chart-errors', 'chart-status']);
    for (const c of charts) expect(c.points, c.id).toBeGreaterThan(100);

    // The outage band, in screen pixels, sits where the outage's times map on the time axis.
    const bands = await page.locator('svg.chart').evaluateAll((els) =>
      els.map((svg) => {
        const band = svg.querySelector('rect.outage')!;
        const box = svg.getBoundingClientRect();
        const scale = box.width / Number(svg.getAttribute('viewBox')!.split(' ')[2]);
        const r = band.getBoundingClientRect();
        const attr = (n: string): number => Number(svg.getAttribute(n));
        return { t0: attr('data-t0'), t1: attr('data-t1'), plotX: attr('data-plot-x') * scale + box.left, plotW: attr('data-plot-w') * scale, left: r.left, right: r.right, label: svg.querySelector('.outage-label')?.textContent ?? '' };
      }),
    );
    const px = (b: (typeof bands)[number], t: number): number => b.plotX + ((t - b.t0) / (b.t1 - b.t0)) * b.plotW;
    const slack = (b: (typeof bands)[number]): number => (1000 / (b.t1 - b.t0)) * b.plotW + 1; // one second
    for (const b of bands) {
      // Shaded from the first transition second (start - margin) to the last (end + margin).
      expect(Math.abs(b.left - px(b, T0 + OUTAGE.start - OUTAGE.margin))).toBeLessThanOrEqual(slack(b));
      expect(Math.abs(b.right - px(b, T0 + OUTAGE.end + OUTAGE.margin))).toBeLessThanOrEqual(slack(b));
      expect(b.label).toMatch(/JWKS outage 0:58–1:32 · fault witnessed ×1/);
    }

    // The worst latency window is marked on the latency chart.
    await expect(page.locator('#chart-latency .worst-label').textContent()).resolves.toMatch(/worst 60s window, read p95/);

    // Failed SLOs link to their chart or tenant row, and every link resolves.
    const links = await page.locator('ul.failed a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href')!, text: a.textContent! })));
    expect(links.find((l) => l.text.includes('phase chaos: error rate'))?.href).toBe('#chart-errors');
    expect(links.find((l) => l.text.includes('tenant tenant-04'))?.href).toBe('#tenant-tenant-04');
    for (const l of links) expect(await page.locator(l.href).count(), l.href).toBe(1);

    // Tenants worst first, each with a sparkline.
    const rows = await page.locator('table.tenants tbody tr').evaluateAll((trs) => trs.map((tr) => ({ id: tr.id, spark: Number(tr.querySelector('svg.spark')?.getAttribute('data-points')) })));
    expect(rows[0]!.id).toBe('tenant-tenant-04');
    expect(rows).toHaveLength(12);
    for (const r of rows) expect(r.spark, r.id).toBeGreaterThan(5);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
