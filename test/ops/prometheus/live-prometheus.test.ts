/**
 * The live test's compression of the alert rules (test/e2e/observability-live.test.ts): only
 * `for:` changes, by the stated factor, and the copy is still a rule file promtool accepts.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { writeScaledRuleFile } from './live-prometheus';
import { promtool } from './promtool';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ALERTS = join(ROOT, 'ops/prometheus/alerts.yaml');

type Rules = { groups: { name: string; rules: { alert: string; expr: string; for: string; labels: unknown; annotations: unknown }[] }[] };

describe('the scaled copy of the alert rules', () => {
  it('divides every for: by 30 and changes nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scaled-rules-'));
    try {
      const { path } = writeScaledRuleFile(ALERTS, dir, 30);
      const original = parse(readFileSync(ALERTS, 'utf8')) as Rules;
      const scaled = parse(readFileSync(path, 'utf8')) as Rules;
      const pairs = original.groups.flatMap((g, gi) => g.rules.map((r, ri) => [r, scaled.groups[gi]!.rules[ri]!] as const));
      expect(pairs.map(([o, s]) => [o.alert, o.for, s.for])).toEqual([
        ['tenant_error_rate_gt_0_5pct', '2m', '4s'],
        ['tenant_error_rate_gt_0_5pct', '15m', '30s'],
        ['tenant_latency_p95_high', '10m', '20s'],
        ['tenant_rate_limit_exceeded', '10m', '20s'],
        ['jwks_cache_miss_spike', '1m', '2s'],
        ['tenant_auth_failures_spike', '2m', '4s'],
        ['audit_timeline_backlog_growing', '10m', '20s'],
      ]);
      for (const [o, s] of pairs) {
        expect({ ...s, for: o.for }).toEqual(o);
      }
      const check = promtool(['check', 'rules', path]);
      expect(check.status, check.output).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
