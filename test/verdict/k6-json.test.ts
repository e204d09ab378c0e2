/** The k6 JSON reader: both key orders k6 has written, gzip by content, zones and nanoseconds. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { metricOfLine, parseTime, readK6Json, type Sample } from '../../verdict/k6-json';
import { declaration, point } from './synthetic-run';

const dir = mkdtempSync(join(tmpdir(), 'verdict-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('k6 JSON reader', () => {
  it.each([
    ['2026-01-05T10:00:00Z', Date.UTC(2026, 0, 5, 10)],
    ['2026-01-05T10:00:00.5Z', Date.UTC(2026, 0, 5, 10) + 500],
    ['2026-01-05T12:00:01.250000001+02:00', Date.UTC(2026, 0, 5, 10, 0, 1) + 250.000001],
    ['2017-05-09T14:34:45.625742514+02:00', Date.UTC(2017, 4, 9, 12, 34, 45) + 625.742514],
  ])('reads the RFC 3339 time %s', (text, ms) => {
    expect(parseTime(text)).toBeCloseTo(ms, 5);
  });

  it.each([
    ['{"metric":"http_reqs","type":"Point","data":{}}', 'http_reqs'],
    ['{"type":"Point","data":{"tags":{"metric":"x"}},"metric":"vus"}', 'vus'],
    ['{"type":"Point","data":{}}', undefined],
  ])('finds the metric of %s without parsing it', (line, name) => {
    expect(metricOfLine(line)).toBe(name);
  });

  it('reads Points of the wanted metrics in either key order, plain or gzip, whatever the file name', async () => {
    const lines = [
      declaration('http_req_duration'),
      point('http_req_duration', Date.UTC(2026, 0, 5, 10), 12.5, { kind: 'read' }, 'current'),
      point('http_req_duration', Date.UTC(2026, 0, 5, 10, 0, 1), 13.5, { kind: 'write' }, 'legacy', 120),
      point('vus', Date.UTC(2026, 0, 5, 10), 5, null, 'legacy'),
      point('checks', Date.UTC(2026, 0, 5, 10), 1, null, 'current'),
      '',
    ].join('\n');
    const plain = join(dir, 'a.json');
    const gz = join(dir, 'b.data');
    writeFileSync(plain, lines);
    writeFileSync(gz, gzipSync(lines));
    for (const f of [plain, gz]) {
      const got: Sample[] = [];
      const stats = await readK6Json(f, new Set(['http_req_duration', 'checks']), (s) => got.push(s));
      expect(stats).toEqual({ lines: 5, points: 4, used: 3, metricsDeclared: 1 });
      expect(got.map((s) => [s.metric, s.time, s.value, s.tags])).toEqual([
        ['http_req_duration', Date.UTC(2026, 0, 5, 10), 12.5, { kind: 'read' }],
        ['http_req_duration', Date.UTC(2026, 0, 5, 10, 0, 1), 13.5, { kind: 'write' }],
        ['checks', Date.UTC(2026, 0, 5, 10), 1, {}],
      ]);
    }
  });
});
