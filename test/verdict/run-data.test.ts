/** RunData's memory bounds: cells widen instead of growing with the run's length, and keep every sample. */
import { describe, expect, it } from 'vitest';
import { MAX_SLICES, RunData, SPARK_MAX_POINTS, SPARK_SLICE_MS } from '../../verdict/run-data';

const T0 = Date.UTC(2026, 0, 5, 10);
const read = (t: number, tenant = 'tenant-01') => ({
  metric: 'http_req_duration',
  time: T0 + t,
  value: 10 + (t % 7),
  tags: { kind: 'read', tenant, traffic: 'api', expected_response: 'true', phase: 'baseline' },
});

describe('RunData bounds', () => {
  it(`keeps a tenant's sparkline to ${SPARK_MAX_POINTS} points by widening them, counting every sample`, () => {
    const d = new RunData();
    for (let s = 0; s < 1800; s++) d.add(read(s * 1000));
    const td = d.tenants.get('tenant-01')!;
    expect(td.spark.size).toBeLessThanOrEqual(SPARK_MAX_POINTS);
    expect(td.sparkMs).toBe(SPARK_SLICE_MS * 2);
    expect([...td.spark.values()].reduce((n, x) => n + x.count, 0)).toBe(1800);
  });

  it(`widens the run's one-second cells past ${MAX_SLICES} instead of keeping more`, () => {
    const d = new RunData();
    const seconds = MAX_SLICES + 600;
    for (let s = 0; s < seconds; s++) d.add(read(s * 1000));
    expect(d.sliceMs).toBe(2000);
    expect(d.slices.size).toBeLessThanOrEqual(MAX_SLICES);
    expect([...d.slices.values()].reduce((n, x) => n + x.cell.read.count, 0)).toBe(seconds);
    expect(d.run.read.count).toBe(seconds);
  });
});
