import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../lib/config-error';
import { TenantPicker, parseTenantWeights, tenantShares } from '../../lib/tenant-weights';
import { numberedTenants } from '../../lib/tenants';
import { seeded } from './seeded-random';

const DRAWS = 50_000;
// chi-square with 19 degrees of freedom (20 tenants): P(X > 43.82) = 0.001
const CHI2_19_P999 = 43.82;

/**
 * Draws DRAWS tenants and compares the counts with the shares: each tenant within 4.5 binomial
 * standard deviations of n x p (a correct sampler misses that for one of 20 tenants with
 * probability < 1.4e-4), and the chi-square statistic under its 99.9th percentile.
 */
function drawAgainst(shares: number[], pick: () => number): { worstSigma: number; chi2: number } {
  const counts = new Array<number>(shares.length).fill(0);
  for (let i = 0; i < DRAWS; i++) (counts as number[])[pick()]! += 1;
  let worstSigma = 0;
  let chi2 = 0;
  shares.forEach((p, i) => {
    const expected = DRAWS * p;
    const sigma = Math.sqrt(DRAWS * p * (1 - p));
    worstSigma = Math.max(worstSigma, Math.abs((counts[i] as number) - expected) / sigma);
    chi2 += ((counts[i] as number) - expected) ** 2 / expected;
  });
  return { worstSigma, chi2 };
}

const parse = (value: string | undefined, count = 20) => {
  const problems: ConfigProblem[] = [];
  const weights = parseTenantWeights(value, numberedTenants(count), problems);
  return { weights, problems };
};

describe('TENANT_WEIGHTS', () => {
  it.each([
    ['unset', undefined],
    ['uniform', 'uniform'],
    ['blank', ' '],
  ])('is uniform when %s', (_name, value) => {
    expect(parse(value)).toEqual({ weights: undefined, problems: [] });
  });

  it('weighs rank r as 1 / r^S under zipf:S', () => {
    const { weights } = parse('zipf:1.5', 4);
    expect(weights).toEqual([1, 1 / 2 ** 1.5, 1 / 3 ** 1.5, 1 / 4 ** 1.5]);
  });

  it('weighs listed tenants as listed and the others 1', () => {
    expect(parse('tenant-03=0.3, tenant-01=5', 5).weights).toEqual([5, 1, 0.3, 1, 1]);
  });

  it.each([
    ['zipf:', "zipf exponent must be a number above 0 and at most 10 (got '')"],
    ['zipf:11', "zipf exponent must be a number above 0 and at most 10 (got '11')"],
    ['tenant-01', "bad entry 'tenant-01'"],
    ['tenant-01=1,tenant-01=2', 'lists tenant-01 more than once'],
    ['tenant-01=abc', "weight of tenant-01 must be a number from 0.000001 to 1000 (got 'abc')"],
    ['tenant-01=2000', "weight of tenant-01 must be a number from 0.000001 to 1000 (got '2000')"],
    ['ghost=1', "names 'ghost', which is not in the tenant pool"],
  ])('rejects %s, naming TENANT_WEIGHTS', (value, message) => {
    const { problems } = parse(value);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.variable).toBe('TENANT_WEIGHTS');
    expect(problems[0]?.message).toContain(message);
  });
});

describe('weighted drawing: shares match the weights over 50,000 draws (each tenant within 4.5 sigma, chi-square under its 99.9th percentile)', () => {
  it.each([
    ['uniform', undefined],
    ['zipf:1', 'zipf:1'],
    ['zipf:0.8', 'zipf:0.8'],
    ['one light and one heavy tenant', 'tenant-03=0.3,tenant-01=5'],
  ])('%s', (_name, value) => {
    const { weights } = parse(value);
    const shares = tenantShares(20, weights);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const picker = new TenantPicker(20, weights);
    const random = seeded(12);
    const { worstSigma, chi2 } = drawAgainst(shares, () => picker.pick(random));
    expect(worstSigma).toBeLessThan(4.5);
    expect(chi2).toBeLessThan(CHI2_19_P999);
  });

  it('would notice a sampler that ignores the weights', () => {
    const shares = tenantShares(20, parse('zipf:1').weights);
    const uniform = new TenantPicker(20, undefined);
    const random = seeded(12);
    const { worstSigma, chi2 } = drawAgainst(shares, () => uniform.pick(random));
    expect(worstSigma).toBeGreaterThan(4.5);
    expect(chi2).toBeGreaterThan(CHI2_19_P999);
  });

  it.each([
    [0, 0],
    [0.9999999999999999, 2],
  ])('maps random() = %d to a tenant inside the pool (%i)', (u, index) => {
    const picker = new TenantPicker(3, [1, 1, 1e-6]);
    expect(picker.pick(() => u)).toBe(index);
  });

  it('never draws past the last tenant with uniform weights either', () => {
    expect(new TenantPicker(5, undefined).pick(() => 0.9999999999999999)).toBe(4);
  });
});
