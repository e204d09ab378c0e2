import { describe, expect, it } from 'vitest';
import { GENERATOR_HINT, failedRows, generatorHint } from '../../launch/verdict-hint';

const EVIDENCE = new Set(['chaos_samples', 'fault_witness', 'audit_degraded', 'read_samples']);
const summary = (rows: Array<[string, boolean]>): string =>
  JSON.stringify({ verdict: { pass: rows.every(([, ok]) => ok), rows: rows.map(([id, ok]) => ({ id, ok, role: EVIDENCE.has(id) ? 'evidence' : 'slo' })) } });

describe('generatorHint', () => {
  it.each<[string, string[], string | undefined]>([
    ['only the dropped gate failed on one instance', [summary([['read_p95', true], ['dropped', false]])], GENERATOR_HINT],
    ['only the dropped gate failed, on both instances', [summary([['dropped', false]]), summary([['dropped', false], ['error_rate', true]])], GENERATOR_HINT],
    ['the dropped gate aborted the run before the outage, so its evidence guards failed too', [summary([['dropped', false], ['chaos_samples', false], ['fault_witness', false], ['audit_degraded', false]])], GENERATOR_HINT],
    ['a platform SLO failed too', [summary([['dropped', false], ['read_p95', false]])], undefined],
    ['a platform SLO failed on the other instance', [summary([['dropped', false]]), summary([['chaos_error_rate', false]])], undefined],
    ['nothing failed', [summary([['dropped', true]])], undefined],
    ['there is no summary', [], undefined],
  ])('blames the load generator only when %s', (_name, texts, expected) => {
    expect(generatorHint(texts)).toBe(expected);
  });

  it('lists each failed SLO row once over all instances, leaving evidence guards out', () => {
    expect(failedRows([summary([['dropped', false], ['fault_witness', false]]), summary([['dropped', false], ['checks', false]])])).toEqual(['dropped', 'checks']);
  });
});
