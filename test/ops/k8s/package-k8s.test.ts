/**
 * scripts/package-k8s.mjs (`npm run package:k8s`): dist/ bundles -> ConfigMaps for the TestRuns,
 * byte-exact, and a clear failure past the 1 MiB ConfigMap limit (docs/k6-semantics.md#k6-operator) or when a
 * bundle is missing. Driven as users run it: a node process, its exit code and its output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './k8s-tree';

const LIMIT = 1024 * 1024;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function pack(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['scripts/package-k8s.mjs', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type ConfigMap = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  data: Record<string, string>;
};

let dist: string;
let out: string;

beforeEach(() => {
  dist = mkdtempSync(join(tmpdir(), 'pkg-dist-'));
  out = join(mkdtempSync(join(tmpdir(), 'pkg-out-')), 'generated');
});

afterEach(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(join(out, '..'), { recursive: true, force: true });
});

/** A bundle-like text of exactly `bytes` UTF-8 bytes, with the awkward bits of real JS. */
function bundleText(bytes: number, seed = 'tenant-load'): string {
  const head = `// ${seed}\nconst s = "tab\\there", t = 'quote "x"';\n  // indented: comment  \nexport const options = { scenarios: {} };\n# not a comment\n---\n...\n`;
  const pad = 'x'.repeat(Math.max(0, bytes - Buffer.byteLength(head) - 1));
  return `${head}${pad}\n`;
}

const readCm = (file: string): ConfigMap => parse(readFileSync(join(out, file), 'utf8')) as ConfigMap;

describe('packaging the bundles', () => {
  it('writes one ConfigMap per bundle whose data is the bundle byte for byte, with its source map', () => {
    const js = bundleText(5000) + 'const ü = "ünïcode ✓";\n';
    writeFileSync(join(dist, 'tenant-load.js'), js);
    writeFileSync(join(dist, 'tenant-load.js.map'), '{"version":3,"sources":[],"mappings":""}');
    writeFileSync(join(dist, 'tenant-load-agent.js'), bundleText(3000, 'agent'));
    const r = pack('--dist', dist, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['v1_configmap_tenant-load-agent-script.yaml', 'v1_configmap_tenant-load-script.yaml']);
    const cm = readCm('v1_configmap_tenant-load-script.yaml');
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tenant-load-script', namespace: 'tenant-load' } });
    expect(cm.data['tenant-load.js']).toBe(js);
    expect(cm.data['tenant-load.js.map']).toBe('{"version":3,"sources":[],"mappings":""}');
    expect(cm.metadata.labels['app.kubernetes.io/name']).toBe('tenant-load');
    expect(cm.metadata.annotations['tenant-load/sha256-tenant-load.js']).toMatch(/^[0-9a-f]{64}$/);
    const agent = readCm('v1_configmap_tenant-load-agent-script.yaml');
    expect(Object.keys(agent.data)).toEqual(['tenant-load-agent.js']);
    expect(r.stdout).toMatch(/ConfigMap tenant-load-script \(tenant-load\.js \+ tenant-load\.js\.map, [\d,]+ bytes, 0\.5% of the 1 MiB limit\)/);
  });

  it('leaves source maps out with --no-source-maps and sets the namespace from --namespace', () => {
    writeFileSync(join(dist, 'tenant-load.js'), bundleText(100));
    writeFileSync(join(dist, 'tenant-load.js.map'), '{}');
    writeFileSync(join(dist, 'tenant-load-agent.js'), bundleText(100));
    expect(pack('--dist', dist, '--out', out, '--no-source-maps', '--namespace', 'load-tests').status).toBe(0);
    const cm = readCm('v1_configmap_tenant-load-script.yaml');
    expect(Object.keys(cm.data)).toEqual(['tenant-load.js']);
    expect(cm.metadata.namespace).toBe('load-tests');
  });

  it('accepts a ConfigMap of exactly 1 MiB (keys plus values) and warns it needs server-side apply', () => {
    writeFileSync(join(dist, 'tenant-load.js'), bundleText(LIMIT - 'tenant-load.js'.length));
    writeFileSync(join(dist, 'tenant-load-agent.js'), bundleText(100));
    const r = pack('--dist', dist, '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/1,048,576 bytes, 100\.0% of the 1 MiB limit/);
    expect(r.stderr).toMatch(/tenant-load-script is over 256 KiB: apply it with `kubectl apply --server-side`/);
  });

  it.each<[string, () => void, RegExp]>([
    [
      'one byte over 1 MiB names the ConfigMap, its size and the limit',
      () => writeFileSync(join(dist, 'tenant-load.js'), bundleText(LIMIT - 'tenant-load.js'.length + 1)),
      /error: ConfigMap tenant-load-script would hold 1,048,577 bytes \(tenant-load\.js\), over the Kubernetes ConfigMap limit of 1,048,576 bytes \(1 MiB\): mount the bundle from a PersistentVolumeClaim/,
    ],
    [
      'over 1 MiB only because of the source map suggests --no-source-maps',
      () => {
        writeFileSync(join(dist, 'tenant-load.js'), bundleText(600_000));
        writeFileSync(join(dist, 'tenant-load.js.map'), 'x'.repeat(600_000));
      },
      /error: ConfigMap tenant-load-script would hold 1,200,0\d\d bytes \(tenant-load\.js \+ tenant-load\.js\.map\).*rerun with --no-source-maps \(the bundle alone is 600,014 bytes\)/,
    ],
    [
      'a bundle that is not UTF-8 text',
      () => writeFileSync(join(dist, 'tenant-load.js'), Buffer.from([0x66, 0xff, 0xfe, 0x00])),
      /error: tenant-load\.js is not UTF-8 text/,
    ],
  ])('fails with exit code 1 and writes nothing: %s', (_name, arrange, message) => {
    writeFileSync(join(dist, 'tenant-load-agent.js'), bundleText(100));
    arrange();
    const r = pack('--dist', dist, '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user mistake
    expect(existsSync(out)).toBe(false);
  });

  it('reports every missing bundle at once, with the command that builds it', () => {
    const r = pack('--dist', dist, '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${dist}/tenant-load.js is missing: run \`npm run build\` first (it builds scenarios/tenant-load.ts)`);
    expect(r.stderr).toContain(`${dist}/tenant-load-agent.js is missing: run \`npm run build\` first (it builds scenarios/tenant-load-agent.ts)`);
    expect(existsSync(out)).toBe(false);
  });

  it.each<[string[], RegExp]>([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--namespace', 'Load_Tests'], /--namespace: 'Load_Tests' is not a Kubernetes namespace name/],
    [['extra-positional'], /Unexpected argument 'extra-positional'/],
  ])('rejects bad usage %j with exit code 2', (args, message) => {
    const r = pack(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('prints its usage with --help', () => {
    const r = pack('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--no-source-maps/);
  });
});

describe('packaging the real dist/', () => {
  // Runs against whatever `npm run build` produced (npm test builds first). When dist/ has the
  // bundles, they must fit; when they are missing, the packager must say so — either way the real
  // tree is exercised, never skipped.
  it('fits the real bundles into ConfigMaps, or names what is missing', () => {
    const realDist = join(REPO_ROOT, 'dist');
    const have = ['tenant-load.js', 'tenant-load-agent.js'].filter((f) => existsSync(join(realDist, f)));
    const r = pack('--dist', realDist, '--out', out);
    if (have.length === 2) {
      expect(r.stderr.replace(/^.*warning: .*\n/gm, '')).toBe('');
      expect(r.status).toBe(0);
      for (const f of have) {
        const name = f === 'tenant-load.js' ? 'tenant-load-script' : 'tenant-load-agent-script';
        expect(readCm(`v1_configmap_${name}.yaml`).data[f]).toBe(readFileSync(join(realDist, f), 'utf8'));
      }
    } else {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/is missing: run `npm run build` first/);
    }
  });
});
