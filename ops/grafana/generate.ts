/**
 * `npm run dashboards`: writes every generated dashboard into ops/grafana/dashboards/.
 * `npm run dashboards -- --check`: writes nothing, exits 1 naming each stale file (CI use).
 * `--out-dir DIR`: another directory than ops/grafana/dashboards/ (tests).
 * Exit codes: 0 done / up to date, 1 stale (--check), 2 bad arguments.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTenantAuditDashboard, renderDashboardJson, TENANT_AUDIT_UID } from './tenant-audit-dashboard';

export const DEFAULT_OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');

/** File stem = dashboard uid, so a provisioned file and its dashboard are found by one name. */
export const DASHBOARDS: ReadonlyArray<{ file: string; render: () => string }> = [
  { file: `${TENANT_AUDIT_UID}.json`, render: () => renderDashboardJson(buildTenantAuditDashboard()) },
];

const USAGE = 'usage: npm run dashboards [-- --check] [-- --out-dir DIR]';

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function main(argv: readonly string[]): number {
  let check = false;
  let outDir = DEFAULT_OUT_DIR;
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--check') check = true;
    else if (arg === '--out-dir') {
      const dir = argv[i + 1];
      if (dir === undefined || dir.startsWith('--')) {
        process.stderr.write(`error: --out-dir needs a directory; ${USAGE}\n`);
        return 2;
      }
      outDir = dir;
      i += 1;
    } else unknown.push(arg);
  }
  if (unknown.length > 0) {
    process.stderr.write(`error: unknown argument(s) ${unknown.join(' ')}; ${USAGE}\n`);
    return 2;
  }
  let stale = 0;
  for (const d of DASHBOARDS) {
    const file = join(outDir, d.file);
    const text = d.render();
    if (readOrEmpty(file) === text) continue;
    if (check) {
      stale += 1;
      process.stderr.write(`stale: ${file} (run: npm run dashboards)\n`);
    } else {
      writeFileSync(file, text);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
