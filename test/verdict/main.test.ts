/**
 * tenant-verdict's command line: exit 2 with a message naming the flag, variable or file for
 * every usage error and unreadable input (no stack trace), and the outputs it writes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../verdict/main';
import { K6JsonWriter, writeRun } from './synthetic-run';

const dir = mkdtempSync(join(tmpdir(), 'verdict-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, env, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const good = join(dir, 'good.json');
writeFileSync(join(dir, 'bad.json'), '{"metric":"http_reqs","type":"Point","data":{"time":"2026-01-05T10:00:00Z","value":1,"tags":null}}\nnot json at all\n');
writeFileSync(join(dir, 'truncated.json.gz'), gzipSync(Buffer.from('{"metric":"x"}\n'.repeat(1000))).subarray(0, 60));
writeFileSync(join(dir, 'other.json'), '{"hello":"world"}\n');

describe('tenant-verdict command line', () => {
  it.each([
    [['--window', '5'], '--window must be a duration'],
    [['--step', '2m'], '--step (120s) must not be longer than --window (60s)'],
    [['--nope'], "Unknown option '--nope'"],
    [[], 'no input: give one or more k6 JSON outputs'],
  ])('refuses %j with exit 2 and says why', async (argv, message) => {
    const r = await cli([...argv, ...(argv.length ? [good] : [])]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['missing.json', 'missing.json: no such file'],
    ['bad.json', 'bad.json:2: not a k6 JSON output line'],
    ['truncated.json.gz', 'truncated.json.gz: the gzip stream is corrupt or truncated'],
    ['other.json', 'other.json:1: not a k6 JSON output line'],
    ['.', 'is a directory'],
  ])('exits 2 on the unreadable input %s, naming it', async (file, message) => {
    const r = await cli([join(dir, file)]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unreadable input');
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('names a malformed SLO variable, as the bundle does', async () => {
    const r = await cli([good], { SLO_READ_P95_MS: 'fast', CHAOS_EXPECT: 'maybe' });
    expect(r.code).toBe(2);
    expect(r.err).toContain("SLO_READ_P95_MS must be a number greater than 0 (got 'fast')");
    expect(r.err).toContain('CHAOS_EXPECT must be one of fallback, expiry');
  });

  it('judges against SLO_* from the environment and writes JSON, JUnit and Markdown', async () => {
    const w = new K6JsonWriter(good);
    await writeRun(w, { rate: 20, durationS: 30, tenants: 10, latency: () => 50, status: () => 200 });
    await w.close();
    const files = { json: join(dir, 'o/v.json'), junit: join(dir, 'o/v.xml'), markdown: join(dir, 'o/v.md') };
    const pass = await cli([good, '--json', files.json, '--junit', files.junit, '--markdown', files.markdown], { CHAOS: 'off' });
    expect(pass.code).toBe(0);
    expect(pass.out).toMatch(/whole run\n\s+✓ read p\(95\) < 300ms\s+50\.0ms/);
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(Object.keys(json.slos[0]).sort()).toEqual(['limit', 'name', 'ok', 'samples', 'scope', 'value']);
    const junit = readFileSync(files.junit, 'utf8');
    expect(junit).toMatch(/<testsuite name="tenant-verdict" tests="\d+" failures="0" errors="0" skipped="\d+"/);
    // Tenants under the minimum-sample rule are skipped testcases with the reason.
    expect(junit).toMatch(/<testcase name="tenant tenant-01: write p\(95\)" classname="tenant-verdict.tenant"><skipped message="tenant tenant-01: write p\(95\) not judged \(\d+ samples &lt; 100\)"\/><\/testcase>/);
    expect(readFileSync(files.markdown, 'utf8')).toContain('✅ tenant-verdict: every SLO held');

    const fail = await cli([good, '--junit', files.junit, '--markdown', files.markdown, '-q'], { CHAOS: 'off', SLO_READ_P95_MS: '40' });
    expect(fail.code).toBe(99);
    expect(fail.out).toBe('');
    expect(readFileSync(files.junit, 'utf8')).toContain('<failure message="SLO not met: 50.0ms');
    expect(readFileSync(files.markdown, 'utf8')).toMatch(/### Failed\n\n.*\n.*\n\| whole run \| read p\(95\) \| 50\.0ms \| \\< 40ms \| \d+ \|/);
  });
});
