/**
 * The import boundaries (docs/architecture.md#boundaries), checked on every import statement:
 * - contracts/ (the rules both sides share) imports nothing but contracts/: no Node built-in, no
 *   npm package, no `k6`;
 * - the k6 side (scenarios/ lib/ disruptor/ thresholds/) imports only itself, contracts/, `k6`,
 *   `k6/*`, `k6/x/disruptor` and pinned `https://jslib.k6.io/...` URLs: no Node built-in, no npm
 *   package, nothing from runner/, sim/, launch/ or bench/;
 * - the Node side (runner/ sim/ launch/ bench/ verdict/) never imports the k6 side (shared rules come from
 *   contracts/), and runner/ and sim/ never import each other;
 * - runner/modules/ never imports runner/vu/vu.ts, which imports the module registry: modules see
 *   the VU through runner/vu/vu-api.ts, and nothing they import from runner/vu/ leads back.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const K6_SIDE = ['scenarios', 'lib', 'disruptor', 'thresholds'];
const NODE_SIDE = ['runner', 'sim', 'launch', 'bench', 'verdict'];
const CONTRACTS = 'contracts';

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(ROOT, dir));
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const rel = join(dir, e);
    if (e === 'node_modules') return [];
    if (statSync(join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|mts|js|mjs)$/.test(e) && !e.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Module specifiers of static imports, re-exports, dynamic imports and require() calls. */
export function specifiersOf(code: string): string[] {
  const out: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (let m = re.exec(code); m; m = re.exec(code)) out.push(m[1] as string);
  return out;
}

const isNodeBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s.split('/')[0] as string);

function resolvedTarget(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const abs = resolve(ROOT, dirname(file), spec);
  const rel = relative(ROOT, abs);
  return /\.(ts|js|mjs)$/.test(rel) ? rel : `${rel}.ts`;
}

const topDir = (rel: string) => rel.split('/')[0] as string;

describe('import boundaries (docs/architecture.md#boundaries)', () => {
  const k6Files = K6_SIDE.flatMap(sourceFiles);

  it('finds the k6 side to check', () => {
    expect(k6Files).toContain('lib/config.ts');
    expect(k6Files).toContain('scenarios/tenant-load-agent.ts');
  });

  it('the k6 side imports only itself, contracts/, k6 modules, the extension and pinned jslib URLs', () => {
    const bad: string[] = [];
    for (const file of k6Files) {
      for (const spec of specifiersOf(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = resolvedTarget(file, spec);
        const ok = target
          ? K6_SIDE.includes(topDir(target)) || topDir(target) === CONTRACTS
          : spec === 'k6' || /^k6\/[a-z0-9/-]+$/.test(spec) || /^https:\/\/jslib\.k6\.io\/[a-z0-9-]+\/\d+\.\d+\.\d+\/index\.js$/.test(spec);
        if (!ok) bad.push(`${file} -> ${spec}${isNodeBuiltin(spec) ? ' (Node built-in)' : ''}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('finds the Node side and contracts/ to check', () => {
    expect(NODE_SIDE.flatMap(sourceFiles)).toEqual(expect.arrayContaining(['runner/cli.ts', 'sim/cli.ts', 'launch/start.ts', 'bench/runner.ts']));
    expect(sourceFiles(CONTRACTS)).toEqual(expect.arrayContaining(['contracts/duration.ts', 'contracts/http-fault.ts']));
  });

  it.each(NODE_SIDE)('%s/ never imports the k6 side (shared rules come from contracts/)', (from) => {
    const bad: string[] = [];
    for (const file of sourceFiles(from)) {
      for (const spec of specifiersOf(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = resolvedTarget(file, spec);
        if (target && K6_SIDE.includes(topDir(target))) bad.push(`${file} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it.each([
    ['runner', 'sim'],
    ['sim', 'runner'],
  ])('%s/ never imports %s/', (from, other) => {
    const bad: string[] = [];
    for (const file of sourceFiles(from)) {
      for (const spec of specifiersOf(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = resolvedTarget(file, spec);
        if (target && topDir(target) === other) bad.push(`${file} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('contracts/ imports nothing but contracts/', () => {
    const bad: string[] = [];
    for (const file of sourceFiles(CONTRACTS)) {
      for (const spec of specifiersOf(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = resolvedTarget(file, spec);
        if (!target || topDir(target) !== CONTRACTS) bad.push(`${file} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  describe('runner/modules/ and runner/vu/vu.ts form no import cycle', () => {
    const MODULES = 'runner/modules';
    const VU_FILE = 'runner/vu/vu.ts';
    const moduleFiles = sourceFiles(MODULES);
    /** Relative imports of `file`, as repository paths (`.js` specifiers read as their `.ts` source). */
    const importsOf = (file: string): string[] =>
      specifiersOf(readFileSync(join(ROOT, file), 'utf8')).flatMap((spec) => {
        const target = resolvedTarget(file, spec)?.replace(/\.m?js$/, '.ts');
        return target === undefined ? [] : [target];
      });

    it('finds the modules to check', () => {
      expect(moduleFiles).toEqual(expect.arrayContaining(['runner/modules/k6.ts', 'runner/modules/registry.ts']));
      expect(importsOf(VU_FILE).concat(importsOf('runner/vu/realm.ts'))).toContain('runner/modules/registry.ts');
    });

    it('no file under runner/modules/ imports runner/vu/vu.ts, not even for a type', () => {
      const bad = moduleFiles.flatMap((file) => importsOf(file).filter((t) => t === VU_FILE).map(() => file));
      expect(bad).toEqual([]);
    });

    it('nothing runner/modules/ imports from outside it leads back into runner/modules/', () => {
      const inModules = (f: string) => f.startsWith(`${MODULES}/`);
      const seen = new Set<string>();
      const queue = moduleFiles.flatMap(importsOf).filter((t) => !inModules(t));
      const bad: string[] = [];
      for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
        if (seen.has(file) || !existsSync(join(ROOT, file))) continue;
        seen.add(file);
        for (const target of importsOf(file)) {
          if (inModules(target)) bad.push(`${file} -> ${target}`);
          else queue.push(target);
        }
      }
      expect(seen).toContain('runner/vu/vu-api.ts');
      expect(bad).toEqual([]);
    });
  });

  it.each([
    ["import { a } from './x';", ['./x']],
    ["import type { T } from '../lib/config';", ['../lib/config']],
    ["export * from 'k6/http';", ['k6/http']],
    ["import 'node:fs';", ['node:fs']],
    ["const m = await import('../sim/server');", ['../sim/server']],
    ["const fs = require('fs');", ['fs']],
    ["import {\n  a,\n  b,\n} from 'undici';", ['undici']],
  ])('reads the specifiers of %j', (code, specs) => {
    expect(specifiersOf(code)).toEqual(specs);
  });
});
