/**
 * Every shell script under ops/ passes shellcheck (Debian's, installed by scripts/ensure-tools.sh)
 * at its strictest default severity, and is executable with a bash shebang.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Files under ops/ that are shell scripts: *.sh, or anything starting with a shell shebang. */
function shellScripts(dir = join(REPO_ROOT, 'ops')): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const st = statSync(path);
    if (st.isDirectory()) {
      if (entry !== 'node_modules' && entry !== 'generated') out.push(...shellScripts(path));
      continue;
    }
    const head = readFileSync(path, 'utf8').slice(0, 64);
    if (entry.endsWith('.sh') || /^#!\s*\/(usr\/)?bin\/(env\s+)?(ba|da)?sh\b/.test(head)) out.push(path);
  }
  return out.sort();
}

describe('shell scripts in ops/', () => {
  const scripts = shellScripts();

  it('include the chaos script', () => {
    expect(scripts.map((s) => relative(REPO_ROOT, s))).toContain('ops/chaos/jwks-chaos.sh');
  });

  it.each(scripts.map((s) => [relative(REPO_ROOT, s), s]))('%s is shellcheck-clean, executable, with a shebang', (_name, path) => {
    const r = spawnSync('shellcheck', ['--external-sources', path], { encoding: 'utf8', cwd: dirname(path) });
    expect(r.error, 'shellcheck must be installed (scripts/ensure-tools.sh)').toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(path).mode & 0o111).not.toBe(0);
    expect(readFileSync(path, 'utf8')).toMatch(/^#!/);
  });
});
