#!/usr/bin/env node
// Packages the k6 bundles in dist/ as Kubernetes ConfigMaps for the k6 Operator's TestRun
// (`spec.script.configMap {name, file}`), written into the kustomize base (ops/k8s/base/generated/).
//
//   npm run package:k8s                       # builds, then packages dist/ -> ops/k8s/base/generated/
//   node scripts/package-k8s.mjs --dist DIR --out DIR [--namespace NS] [--no-source-maps]
//
// Contract:
// - Each bundle becomes one ConfigMap (BUNDLES below) holding the bundle and, when present, its
//   source map (esbuild writes `<bundle>.map`; k6 reads the sibling map for readable stack traces).
// - A ConfigMap's data may not exceed 1 MiB (1,048,576 bytes, keys + values, docs/k6-semantics.md#k6-operator); past
//   that the API server rejects it, so this script fails first, naming the ConfigMap, its size and
//   the ways out. Every problem is reported at once; nothing is written unless everything fits.
// - Exit codes: 0 written, 1 packaging problem (missing bundle, too large, not UTF-8), 2 bad usage.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';

/** dist file -> ConfigMap name; the TestRuns in ops/k8s reference exactly these. */
export const BUNDLES = [
  { file: 'tenant-load.js', configMap: 'tenant-load-script' },
  { file: 'tenant-load-agent.js', configMap: 'tenant-load-agent-script' },
];

/** Kubernetes' limit on a ConfigMap's data (sum of key and value bytes). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

/**
 * Client-side `kubectl apply` copies the object into the last-applied-configuration annotation,
 * and all annotations together are capped at 256 KiB; past this size only server-side apply works.
 */
export const CLIENT_SIDE_APPLY_LIMIT_BYTES = 256 * 1024;

const DEFAULTS = { dist: 'dist', out: 'ops/k8s/base/generated', namespace: 'tenant-load' };

const USAGE = `Usage: node scripts/package-k8s.mjs [options]   (or: npm run package:k8s)

Turns the k6 bundles in dist/ into ConfigMaps for the k6 Operator TestRuns in ops/k8s.

Options:
  --dist DIR          where the bundles are (default: ${DEFAULTS.dist})
  --out DIR           where the ConfigMap manifests go (default: ${DEFAULTS.out})
  --namespace NS      namespace of the ConfigMaps = the TestRuns' namespace (default: ${DEFAULTS.namespace})
  --no-source-maps    leave the .map files out (smaller ConfigMaps, less readable stack traces)
  -h, --help          this text

Bundles: ${BUNDLES.map((b) => `${b.file} -> ConfigMap ${b.configMap}`).join(', ')}.
Exit codes: 0 written, 1 packaging problem, 2 bad usage.`;

/** A user-facing failure with a stable code; main() maps it to an exit code, without a stack. */
export class PackageError extends Error {
  /**
   * @param {'ERR_USAGE' | 'ERR_BUNDLE_MISSING' | 'ERR_CONFIGMAP_TOO_LARGE' | 'ERR_NOT_UTF8'} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'PackageError';
    this.code = code;
  }

  get exitCode() {
    return this.code === 'ERR_USAGE' ? 2 : 1;
  }
}

/** A list of problems found in one pass; thrown together so the user fixes them all at once. */
export class PackageProblems extends Error {
  /** @param {PackageError[]} problems */
  constructor(problems) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'PackageProblems';
    this.problems = problems;
  }

  get exitCode() {
    return Math.max(...this.problems.map((p) => p.exitCode));
  }
}

const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Parses argv into options; throws ERR_USAGE naming the bad flag or value. */
export function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        dist: { type: 'string' },
        out: { type: 'string' },
        namespace: { type: 'string' },
        'no-source-maps': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (err) {
    throw new PackageError('ERR_USAGE', `${err.message}\n\n${USAGE}`);
  }
  const v = parsed.values;
  const options = {
    dist: v.dist ?? DEFAULTS.dist,
    out: v.out ?? DEFAULTS.out,
    namespace: v.namespace ?? DEFAULTS.namespace,
    sourceMaps: !v['no-source-maps'],
    help: Boolean(v.help),
  };
  if (!NAMESPACE_RE.test(options.namespace)) {
    throw new PackageError(
      'ERR_USAGE',
      `--namespace: '${options.namespace}' is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63 characters)`,
    );
  }
  return options;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Plans one ConfigMap from the files read for it. Pure: no I/O.
 * @param {{configMap: string, file: string}} bundle
 * @param {{name: string, bytes: Buffer}[]} files the bundle first, then its map if any
 * @param {string} namespace
 * @returns {{manifest: object, size: number}}
 */
export function planConfigMap(bundle, files, namespace) {
  const data = {};
  const annotations = {};
  let size = 0;
  for (const { name, bytes } of files) {
    let text;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new PackageError('ERR_NOT_UTF8', `${name} is not UTF-8 text; a k6 bundle must be (was it built by esbuild?)`);
    }
    data[name] = text;
    size += Buffer.byteLength(name) + bytes.length;
    // Lets `kubectl get cm -o yaml` tell which build a cluster runs, and changes the object when the
    // bundle changes.
    annotations[`tenant-load/sha256-${name}`] = createHash('sha256').update(bytes).digest('hex');
  }
  const manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: bundle.configMap,
      namespace,
      labels: {
        'app.kubernetes.io/name': 'tenant-load',
        'app.kubernetes.io/component': 'script',
        'app.kubernetes.io/managed-by': 'package-k8s',
      },
      annotations,
    },
    data,
  };
  return { manifest, size };
}

const fmt = (n) => n.toLocaleString('en-US');

/** Reads dist/, checks every bundle, returns the planned ConfigMaps or throws every problem. */
export function planAll(options) {
  const problems = [];
  const plans = [];
  for (const bundle of BUNDLES) {
    const path = join(options.dist, bundle.file);
    if (!existsSync(path)) {
      problems.push(
        new PackageError(
          'ERR_BUNDLE_MISSING',
          `${path} is missing: run \`npm run build\` first (it builds scenarios/${bundle.file.replace(/\.js$/, '.ts')}), or point --dist at the bundles`,
        ),
      );
      continue;
    }
    const files = [{ name: bundle.file, bytes: readFileSync(path) }];
    const mapPath = `${path}.map`;
    if (options.sourceMaps && existsSync(mapPath)) files.push({ name: `${bundle.file}.map`, bytes: readFileSync(mapPath) });
    let plan;
    try {
      plan = planConfigMap(bundle, files, options.namespace);
    } catch (err) {
      if (err instanceof PackageError) {
        problems.push(err);
        continue;
      }
      throw err;
    }
    if (plan.size > CONFIGMAP_LIMIT_BYTES) {
      const withMap = files.length > 1;
      const bundleOnly = Buffer.byteLength(bundle.file) + (files[0]?.bytes.length ?? 0);
      const hint =
        withMap && bundleOnly <= CONFIGMAP_LIMIT_BYTES
          ? `rerun with --no-source-maps (the bundle alone is ${fmt(bundleOnly)} bytes)`
          : 'mount the bundle from a PersistentVolumeClaim (TestRun spec.script.volumeClaim) or bake it into the runner image (spec.script.localFile)';
      problems.push(
        new PackageError(
          'ERR_CONFIGMAP_TOO_LARGE',
          `ConfigMap ${bundle.configMap} would hold ${fmt(plan.size)} bytes (${files.map((f) => f.name).join(' + ')}), over the Kubernetes ConfigMap limit of ${fmt(CONFIGMAP_LIMIT_BYTES)} bytes (1 MiB): ${hint}`,
        ),
      );
      continue;
    }
    plans.push({ bundle, files, ...plan });
  }
  if (problems.length > 0) throw new PackageProblems(problems);
  return plans;
}

export function manifestFileName(configMap) {
  return `v1_configmap_${configMap}.yaml`;
}

/** Writes every planned ConfigMap (temp file + rename, so a reader never sees half a file). */
export function writeAll(plans, outDir) {
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const plan of plans) {
    const target = join(outDir, manifestFileName(plan.bundle.configMap));
    const header =
      '# Generated by scripts/package-k8s.mjs from dist/ — do not edit; rerun `npm run package:k8s`.\n';
    // lineWidth 0: never fold long lines of the bundle; block scalars keep the text byte-exact.
    writeFileSync(`${target}.tmp`, header + stringify(plan.manifest, { lineWidth: 0 }));
    renameSync(`${target}.tmp`, target);
    written.push({ ...plan, target });
  }
  return written;
}

export function main(argv, out = process.stdout, err = process.stderr) {
  try {
    const options = parseOptions(argv);
    if (options.help) {
      out.write(`${USAGE}\n`);
      return 0;
    }
    const written = writeAll(planAll(options), options.out);
    for (const w of written) {
      const pct = ((w.size / CONFIGMAP_LIMIT_BYTES) * 100).toFixed(1);
      out.write(
        `package-k8s: ConfigMap ${w.bundle.configMap} (${w.files.map((f) => f.name).join(' + ')}, ${fmt(w.size)} bytes, ${pct}% of the 1 MiB limit) -> ${relative(process.cwd(), resolve(w.target))}\n`,
      );
      if (w.size > CLIENT_SIDE_APPLY_LIMIT_BYTES) {
        err.write(
          `package-k8s: warning: ConfigMap ${w.bundle.configMap} is over 256 KiB: apply it with \`kubectl apply --server-side\` (client-side apply stores a copy in an annotation capped at 256 KiB)\n`,
        );
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof PackageError || e instanceof PackageProblems) {
      const problems = e instanceof PackageProblems ? e.problems : [e];
      for (const p of problems) err.write(`package-k8s: error: ${p.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = main(process.argv.slice(2));
}
