/** npm start's combined verdict: which exit code the run ends with, and the files it writes. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { combinedVerdict, runExit } from '../../launch/combined-verdict';
import { K6JsonWriter, writeRun } from '../verdict/synthetic-run';

const dir = mkdtempSync(join(tmpdir(), 'combined-verdict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runExit', () => {
  it.each([
    [0, 0, 0, 'both passed'],
    [0, 99, 99, 'k6 passed per instance, the combined verdict failed'],
    [99, 0, 0, 'an instance failed alone, the merged run held (e.g. its share of the p95)'],
    [99, 99, 99, 'both failed'],
    [107, 0, 107, 'a script error stands'],
    [105, 99, 105, 'an interrupted run stands'],
    [0, 2, 0, 'no verdict (unreadable outputs): the runners\' code'],
  ])('runner %i, verdict %i -> %i (%s)', (runner, verdict, want) => {
    expect(runExit(runner, verdict)).toBe(want);
  });
});

describe('combinedVerdict', () => {
  it('judges every instance as one run and writes report.html and verdict.json next to summary.json', async () => {
    const files = [join(dir, 'results-1.json.gz'), join(dir, 'results-2.json.gz')];
    for (const [i, f] of files.entries()) {
      const w = new K6JsonWriter(f);
      await writeRun(w, { rate: 40, durationS: 20, tenants: 10, instance: [i, 2], latency: () => 20, status: () => 200 });
      await w.close();
    }
    const v = await combinedVerdict(files, { CHAOS: 'off' }, join(dir, 'summary-1.json'));
    expect(v.code).toBe(0);
    expect(v.text).toContain('2 outputs merged as one run');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(existsSync(join(dir, 'verdict.json'))).toBe(true);
  });

  it('answers exit 2 with the reason when an instance wrote no output', async () => {
    const v = await combinedVerdict([join(dir, 'missing.json.gz')], { CHAOS: 'off' }, join(dir, 'summary.json'));
    expect(v.code).toBe(2);
    expect(v.text).toContain('missing.json.gz: no such file');
  });
});
