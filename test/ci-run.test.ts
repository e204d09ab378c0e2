/**
 * `.ci/run` is the README's test command and nothing that could hide a missing set-up step: no
 * `npm ci`, no tool script before it (environment variables are fine). The set-up lives in the
 * npm scripts themselves (scripts/bootstrap.sh), so a fresh clone needs only the README's commands.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

/** The commands of a shell script: no comments, blank lines, shell options, `cd` or `export`s. */
export function commandsOf(script: string): string[] {
  return script
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !/^set\s+-/.test(l) && !/^cd\s/.test(l) && !/^export\s+[A-Z_][A-Z0-9_]*=\S*$/.test(l));
}

describe('.ci/run', () => {
  it("runs exactly the README's test command", () => {
    const readmeBlock = /```sh\n([\s\S]*?)```/.exec(read('README.md'))?.[1] ?? '';
    const testCommand = readmeBlock.split('\n').find((l) => l.startsWith('npm test'))?.split('#')[0]?.trim();
    expect(testCommand).toBe('npm test');
    expect(commandsOf(read('.ci/run'))).toEqual([testCommand]);
  });

  it('leaves the set-up to the npm scripts: npm test and npm start bootstrap themselves', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.pretest).toMatch(/^bash scripts\/bootstrap\.sh tools\b/);
    expect(scripts.prestart).toMatch(/^bash scripts\/bootstrap\.sh\b/);
    expect(scripts.test).toMatch(/typecheck/);
  });

  it.each([
    ['#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")/.."\nexport CI=true\nnpm test\n', ['npm test']],
    ['npm ci --no-audit\nnpm test', ['npm ci --no-audit', 'npm test']],
    ['bash scripts/ensure-tools.sh\nnpm test', ['bash scripts/ensure-tools.sh', 'npm test']],
  ])('reads the commands of %j', (script, commands) => {
    expect(commandsOf(script)).toEqual(commands);
  });
});
