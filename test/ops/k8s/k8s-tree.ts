/**
 * Reads the kustomize tree in ops/k8s the way `kubectl kustomize` would see it (resources,
 * secretGenerator), for the manifest tests. Test helper: no assertions here, only loading.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const K8S_DIR = join(REPO_ROOT, 'ops/k8s');
/** The TestRun CRD of k6-operator (v1.6.0 line), vendored as data; origin in ops/k8s/crd/README.md. */
export const CRD_PATH = join(K8S_DIR, 'crd/k6.io_testruns.yaml');

export type K8sObject = {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  [key: string]: unknown;
};

export interface Kustomization {
  dir: string;
  resources: string[];
  secretGenerator: { name: string; namespace?: string; envs?: string[]; files?: string[]; options?: Record<string, unknown> }[];
  raw: Record<string, unknown>;
}

export interface LoadedObject {
  file: string;
  object: K8sObject;
}

/** Parses every YAML document of a file, failing on any YAML error. */
export function loadYamlDocs(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as unknown;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function readKustomization(dir: string): Kustomization {
  const [raw] = loadYamlDocs(join(dir, 'kustomization.yaml')) as Record<string, unknown>[];
  if (!raw) throw new Error(`${dir}/kustomization.yaml is empty`);
  return {
    dir,
    resources: (raw.resources as string[] | undefined) ?? [],
    secretGenerator: (raw.secretGenerator as Kustomization['secretGenerator'] | undefined) ?? [],
    raw,
  };
}

/** Every kustomization folder under ops/k8s. */
export function kustomizationDirs(root = K8S_DIR): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (existsSync(join(dir, 'kustomization.yaml'))) found.push(dir);
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry !== 'generated' && statSync(path).isDirectory()) walk(path);
    }
  };
  walk(root);
  return found.sort();
}

/** The files (not folders) of a directory, relative names, sorted. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/**
 * The objects an overlay renders: its resources, recursively through folder resources. Entries
 * under generated/ are read from `generatedDir` when given (the packager's output in a temp dir).
 */
export function renderObjects(dir: string, generatedDir?: string): LoadedObject[] {
  const k = readKustomization(dir);
  const out: LoadedObject[] = [];
  for (const entry of k.resources) {
    const path = join(dir, entry);
    if (existsSync(path) && statSync(path).isDirectory()) {
      out.push(...renderObjects(path, generatedDir));
      continue;
    }
    const source = entry.startsWith('generated/') && generatedDir ? join(generatedDir, entry.slice('generated/'.length)) : path;
    for (const object of loadYamlDocs(source)) out.push({ file: relative(REPO_ROOT, path), object: object as K8sObject });
  }
  for (const gen of k.secretGenerator) {
    // What kustomize makes of a secretGenerator: an Opaque Secret with the env file's keys.
    out.push({
      file: relative(REPO_ROOT, join(dir, 'kustomization.yaml')),
      object: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: gen.name, namespace: gen.namespace, labels: (gen.options?.labels as Record<string, unknown>) ?? {} },
        type: 'Opaque',
      },
    });
  }
  return out;
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function readEnvFile(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: not KEY=value: ${t}`);
    out.set(t.slice(0, eq), t.slice(eq + 1));
  }
  return out;
}
