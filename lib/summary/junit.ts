/**
 * JUnit XML with one testcase per threshold (what CI systems render as test results): the key and expression
 * as the name, the measured value in the failure message, so CI shows what failed and by how
 * much. Breakdown guards are not testcases.
 */
import { isBreakdownGuard } from '../../thresholds/build-thresholds';
import type { SummaryData } from './summary-data';
import { formatStat, statOf } from './summary-data';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

export interface JunitCase {
  name: string;
  ok: boolean;
  measured: string;
}

export function thresholdCases(data: SummaryData): JunitCase[] {
  const cases: JunitCase[] = [];
  for (const key of Object.keys(data.metrics).sort()) {
    const metric = data.metrics[key];
    for (const [expr, res] of Object.entries(metric?.thresholds ?? {})) {
      if (isBreakdownGuard(key, expr)) continue;
      const stat = statOf(expr);
      cases.push({ name: `${key} ${expr}`, ok: res.ok, measured: `${stat}=${formatStat(metric, stat)}` });
    }
  }
  return cases;
}

export function renderJunit(data: SummaryData, suiteName: string): string {
  const cases = thresholdCases(data);
  const failures = cases.filter((c) => !c.ok).length;
  const seconds = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(3);
  const body = cases
    .map((c) => {
      const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(suiteName)}.thresholds">`;
      const inner = c.ok ? `<system-out>${escapeXml(c.measured)}</system-out>` : `<failure message="${escapeXml(`threshold crossed: ${c.measured}`)}" type="ThresholdFailed">${escapeXml(c.name)} measured ${escapeXml(c.measured)}</failure>`;
      return `${open}${inner}</testcase>`;
    })
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="k6 thresholds" tests="${cases.length}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}">`,
    body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
