/**
 * External abort (docs/k6-semantics.md#threshold-abort, #exit-codes): the first SIGINT stops the run, teardown and the summary
 * still happen, and the exit code is 105. Real time: the signal is sent after ~1.5 s of a 30 s
 * run; the run must end well before the 30 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliPath, SCRIPTS } from './run-cli';

beforeAll(() => buildCli('signals'), 60_000);

describe('SIGINT', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s stops the run, runs teardown, prints the summary and exits 105', async (signal) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cliPath(), 'run', join(SCRIPTS, 'long-run.js')], { cwd: mkdtempSync(join(tmpdir(), 'k6-offline-sig-')), env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    setTimeout(() => child.kill(signal), 1500);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, stderr).toBe(105);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(stderr).toContain('TEARDOWN RAN');
    expect(stdout).toContain('TOTAL RESULTS');
  });
});
