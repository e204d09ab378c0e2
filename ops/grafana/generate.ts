/**
 * `npm run dashboards`: writes every generated dashboard into ops/grafana/dashboards/.
 * `npm run dashboards -- --check`: writes nothing, exits 1 naming each stale file (CI use).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTenantAuditDashboard, renderDashboardJson, TENANT_AUDIT_UID } from './tenant-audit-dashboard';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');

/** File stem = dashboard uid (style-anchors §8). */
export const DASHBOARDS: ReadonlyArray<{ file: string; render: () => string }> = [
  { file: join(OUT_DIR, `${TENANT_AUDIT_UID}.json`), render: () => renderDashboardJson(buildTenantAuditDashboard()) },
];

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function main(argv: readonly string[]): number {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`error: unknown argument(s) ${unknown.join(' ')}; usage: npm run dashboards [-- --check]\n`);
    return 2;
  }
  const check = argv.includes('--check');
  let stale = 0;
  for (const d of DASHBOARDS) {
    const text = d.render();
    if (readOrEmpty(d.file) === text) continue;
    if (check) {
      stale += 1;
      process.stderr.write(`stale: ${d.file} (run: npm run dashboards)\n`);
    } else {
      writeFileSync(d.file, text);
      process.stdout.write(`wrote ${d.file}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
