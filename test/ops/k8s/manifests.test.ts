/**
 * The k6 Operator manifests in ops/k8s: TestRuns valid against the operator's CRD (docs/k6-semantics.md#k6-operator),
 * basic Kubernetes object rules, a kustomize tree that lists every file, and RBAC that grants
 * exactly what xk6-disruptor needs (docs/k6-semantics.md#xk6-disruptor) — no more, no less.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CRD_PATH,
  K8S_DIR,
  REPO_ROOT,
  type K8sObject,
  type LoadedObject,
  filesIn,
  kustomizationDirs,
  readEnvFile,
  readKustomization,
  renderObjects,
} from './k8s-tree';
import { compileTestRunValidator, describeErrors } from './testrun-schema';
import { loadConfig } from '../../../lib/config';

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
// Label/annotation key: optional DNS-subdomain prefix + '/' + name of at most 63 characters.
const KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** What xk6-disruptor v0.3.17's ServiceDisruptor needs (issue #7; docs/k6-semantics.md#xk6-disruptor). */
const DISRUPTOR_NEEDS = [
  'pods:get',
  'pods:list',
  'pods:watch',
  'pods/ephemeralcontainers:patch',
  'pods/exec:create',
  'services:get',
];

/** The Secret's keys: the bundle's credentials (lib/config.ts reads them as secrets). */
const CREDENTIAL_ENV = ['AUTH_CLIENT_ID', 'AUTH_CLIENT_SECRET', 'FAULT_AGENT_TOKEN', 'AUDIT_TOKEN'];

const OVERLAYS = ['disruptor', 'fault-agent'] as const;

let generated: string;

beforeAll(() => {
  // The ConfigMaps under base/generated/ come from the packager; render them from a tiny synthetic
  // dist so the overlays can be checked whole in a clean clone too.
  const dist = mkdtempSync(join(tmpdir(), 'k8s-dist-'));
  generated = mkdtempSync(join(tmpdir(), 'k8s-generated-'));
  writeFileSync(join(dist, 'tenant-load.js'), 'export default function () {}\n');
  writeFileSync(join(dist, 'tenant-load-agent.js'), 'export default function () {}\n');
  execFileSync(process.execPath, ['scripts/package-k8s.mjs', '--dist', dist, '--out', generated], { cwd: REPO_ROOT });
  rmSync(dist, { recursive: true, force: true });
});

afterAll(() => {
  rmSync(generated, { recursive: true, force: true });
});

const rendered = (overlay: (typeof OVERLAYS)[number]): LoadedObject[] => renderObjects(join(K8S_DIR, overlay), generated);
const objectsOfKind = (objs: LoadedObject[], kind: string): K8sObject[] =>
  objs.filter((o) => o.object.kind === kind).map((o) => o.object);
const testRunOf = (overlay: (typeof OVERLAYS)[number]): K8sObject => {
  const runs = objectsOfKind(rendered(overlay), 'TestRun');
  expect(runs).toHaveLength(1);
  return runs[0] as K8sObject;
};

type RunnerSpec = {
  image: string;
  serviceAccountName?: string;
  automountServiceAccountToken?: string;
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type TestRunSpec = {
  parallelism: number;
  cleanup?: string;
  arguments?: string;
  script: { configMap?: { name: string; file?: string } };
  runner: RunnerSpec;
  initializer?: unknown;
};
const specOf = (o: K8sObject): TestRunSpec => o.spec as TestRunSpec;

describe('the TestRun CRD schema', () => {
  it('is vendored in the repository (ops/k8s/crd)', () => {
    expect(existsSync(CRD_PATH), `${CRD_PATH} is missing`).toBe(true);
  });

  const validate = compileTestRunValidator();
  const minimal = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: 'k6-sample' },
    spec: { parallelism: 4, script: { configMap: { name: 'k6-test', file: 'test.js' } } },
  };

  it('accepts the operator sample minimal TestRun', () => {
    expect(validate(minimal), describeErrors(validate).join('\n')).toBe(true);
  });

  // The validator must be able to fail, or the checks below prove nothing.
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a bare-string script (the operator sample _with_output mistake)', { parallelism: 4, script: 'test.js' }, /\/spec\/script: must be object/],
    ['a misspelt field the API server would silently prune', { paralelism: 4, parallelism: 4, script: { configMap: { name: 'x' } } }, /additional properties 'paralelism'/],
    ['a missing parallelism', { script: { configMap: { name: 'x' } } }, /must have required property 'parallelism'/],
    ['cleanup other than post', { parallelism: 1, script: { configMap: { name: 'x' } }, cleanup: 'always' }, /\/spec\/cleanup: must be equal to one of the allowed values/],
    ['a boolean where the CRD wants the string "true"', { parallelism: 1, script: { configMap: { name: 'x' } }, runner: { automountServiceAccountToken: true } }, /automountServiceAccountToken: must be string/],
    ['a misspelt runner field', { parallelism: 1, script: { configMap: { name: 'x' } }, runner: { serviceAcountName: 'sa' } }, /additional properties 'serviceAcountName'/],
  ])('rejects %s', (_name, spec, message) => {
    expect(validate({ ...minimal, spec })).toBe(false);
    expect(describeErrors(validate).join('\n')).toMatch(message);
  });

  it.each(OVERLAYS)('accepts the %s TestRun, strictly (no field the API server would prune)', (overlay) => {
    const run = testRunOf(overlay);
    expect(validate(run), describeErrors(validate).join('\n')).toBe(true);
  });
});

describe('the kustomize tree', () => {
  const dirs = kustomizationDirs();

  it('has a base and the two overlays', () => {
    expect(dirs.map((d) => relative(K8S_DIR, d))).toEqual(['base', 'disruptor', 'fault-agent']);
  });

  it.each(dirs.map((d) => [relative(K8S_DIR, d), d]))('lists every manifest of %s in its kustomization', (_name, dir) => {
    const k = readKustomization(dir);
    const listedFiles = k.resources.filter((r) => !r.includes('/') || r.startsWith('generated/'));
    const yamlFiles = filesIn(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect(listedFiles.filter((r) => !r.startsWith('generated/')).sort()).toEqual(yamlFiles);
    // Every other file is accounted for: generator inputs (or their .example) and the docs.
    const generatorInputs = k.secretGenerator.flatMap((g) => [...(g.envs ?? []), ...(g.files ?? [])]);
    const others = filesIn(dir).filter((f) => !f.endsWith('.yaml'));
    for (const f of others) {
      expect(generatorInputs.map((g) => [g, `${g}.example`]).flat(), `${dir}/${f} is not used by the kustomization`).toContain(f);
    }
  });

  it('resolves every resource entry: files exist, folders are kustomizations, generated/ is what the packager writes', () => {
    for (const dir of dirs) {
      for (const entry of readKustomization(dir).resources) {
        if (entry.startsWith('generated/')) {
          expect(existsSync(join(generated, basename(entry))), `${entry} is not written by scripts/package-k8s.mjs`).toBe(true);
          continue;
        }
        const path = join(dir, entry);
        expect(existsSync(path), `${relative(REPO_ROOT, dir)}: ${entry} does not exist`).toBe(true);
        if (!entry.endsWith('.yaml')) expect(existsSync(join(path, 'kustomization.yaml'))).toBe(true);
      }
    }
  });

  it('lists every ConfigMap the packager writes, and nothing else, under generated/', () => {
    const base = readKustomization(join(K8S_DIR, 'base'));
    expect(base.resources.filter((r) => r.startsWith('generated/')).map((r) => basename(r)).sort()).toEqual(filesIn(generated));
  });

  it('ships an example for the gitignored credentials file, with the keys the TestRuns need', () => {
    const base = readKustomization(join(K8S_DIR, 'base'));
    const [gen] = base.secretGenerator;
    expect(gen?.name).toBe('tenant-load-credentials');
    expect(gen?.options?.disableNameSuffixHash).toBe(true);
    const example = readEnvFile(join(K8S_DIR, 'base', `${gen?.envs?.[0]}.example`));
    expect([...example.keys()].sort()).toEqual([...CREDENTIAL_ENV].sort());
    expect(readFileSync(join(K8S_DIR, '.gitignore'), 'utf8')).toMatch(/^\/base\/tenant-load-credentials\.env$/m);
    expect(readFileSync(join(K8S_DIR, '.gitignore'), 'utf8')).toMatch(/^\/base\/generated\/$/m);
  });

  it('sets no kustomize-wide namespace, which would move the Role out of the target namespace', () => {
    for (const dir of dirs) expect(readKustomization(dir).raw.namespace).toBeUndefined();
  });
});

describe.each(OVERLAYS)('the %s overlay as Kubernetes objects', (overlay) => {
  const objs = (): LoadedObject[] => rendered(overlay);

  it('gives every object an apiVersion, a kind and a valid name, and a namespace unless cluster-scoped', () => {
    for (const { file, object } of objs()) {
      expect(typeof object.apiVersion, file).toBe('string');
      expect(typeof object.kind, file).toBe('string');
      const name = object.metadata?.name;
      expect(typeof name === 'string' && DNS_1123_SUBDOMAIN.test(name) && name.length <= 253, `${file}: name ${String(name)}`).toBe(true);
      if (object.kind === 'Namespace') {
        expect(object.metadata?.namespace, file).toBeUndefined();
        expect(DNS_1123_LABEL.test(String(name))).toBe(true);
      } else {
        expect(DNS_1123_LABEL.test(String(object.metadata?.namespace)), `${file}: namespace`).toBe(true);
      }
    }
  });

  it('labels every object app.kubernetes.io/name=tenant-load with well-formed keys and values', () => {
    for (const { file, object } of objs()) {
      const labels = object.metadata?.labels ?? {};
      expect(labels['app.kubernetes.io/name'], file).toBe('tenant-load');
      for (const [key, value] of Object.entries({ ...labels, ...(object.metadata?.annotations ?? {}) })) {
        const [prefix, keyName] = key.includes('/') ? key.split('/') : [undefined, key];
        expect(KEY_NAME.test(String(keyName)), `${file}: key ${key}`).toBe(true);
        if (prefix !== undefined) expect(DNS_1123_SUBDOMAIN.test(prefix), `${file}: key prefix ${prefix}`).toBe(true);
        if (key in labels) expect(LABEL_VALUE.test(String(value)), `${file}: label ${key}=${String(value)}`).toBe(true);
      }
    }
  });

  it('never renders two objects with the same kind, namespace and name', () => {
    const ids = objs().map(({ object: o }) => `${String(o.apiVersion)}/${String(o.kind)}/${String(o.metadata?.namespace ?? '')}/${String(o.metadata?.name)}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('references only objects it renders: script ConfigMap, env ConfigMap, Secret, ServiceAccount', () => {
    const all = objs().map((o) => o.object);
    const has = (kind: string, name: string, namespace: string): boolean =>
      all.some((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === namespace);
    const run = testRunOf(overlay);
    const ns = String(run.metadata?.namespace);
    const spec = specOf(run);
    const script = spec.script.configMap;
    expect(script && has('ConfigMap', script.name, ns)).toBe(true);
    const cm = all.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === script?.name);
    expect(Object.keys((cm?.data as Record<string, string>) ?? {})).toContain(script?.file);
    for (const ref of spec.runner.envFrom ?? []) {
      if (ref.configMapRef) expect(has('ConfigMap', ref.configMapRef.name, ns), ref.configMapRef.name).toBe(true);
      if (ref.secretRef) expect(has('Secret', ref.secretRef.name, ns), ref.secretRef.name).toBe(true);
    }
    if (spec.runner.serviceAccountName) expect(has('ServiceAccount', spec.runner.serviceAccountName, ns)).toBe(true);
    expect(all.some((o) => o.kind === 'Namespace' && o.metadata?.name === ns)).toBe(true);
  });
});

describe('the TestRuns', () => {
  it.each(OVERLAYS)('%s: 4 runners, cleanup after the run, resources set, env from a ConfigMap and credentials from a Secret', (overlay) => {
    const spec = specOf(testRunOf(overlay));
    expect(spec.parallelism).toBe(4);
    expect(spec.cleanup).toBe('post');
    expect(spec.runner.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(spec.runner.resources?.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(spec.runner.envFrom).toEqual([
      { configMapRef: { name: 'tenant-load-env' } },
      { secretRef: { name: 'tenant-load-credentials' } },
    ]);
    // Secrets never as literal env values.
    for (const e of spec.runner.env ?? []) expect(e.name).not.toMatch(/SECRET|TOKEN|PASSWORD/);
  });

  it('runs the disruptor bundle on the k6 v1 xk6-disruptor image, with the disruptor service account', () => {
    const spec = specOf(testRunOf('disruptor'));
    expect(spec.runner.image).toBe('ghcr.io/grafana/xk6-disruptor:v0.3.17');
    expect(spec.script.configMap).toEqual({ name: 'tenant-load-script', file: 'tenant-load.js' });
    expect(spec.runner.serviceAccountName).toBe('tenant-load-disruptor');
    expect(spec.runner.automountServiceAccountToken).toBe('true');
    // The initializer must inherit the runner (image with the extension, service account): unset.
    expect(spec.initializer).toBeUndefined();
    expect(spec.runner.env).toContainEqual({ name: 'K6_AUTO_EXTENSION_RESOLUTION', value: 'false' });
  });

  it('runs the agent bundle on a pinned stock grafana/k6 v2 image, without API credentials', () => {
    const spec = specOf(testRunOf('fault-agent'));
    expect(spec.runner.image).toMatch(/^grafana\/k6:2\.\d+\.\d+$/);
    expect(spec.script.configMap).toEqual({ name: 'tenant-load-agent-script', file: 'tenant-load-agent.js' });
    expect(spec.runner.serviceAccountName).toBeUndefined();
    expect(spec.runner.automountServiceAccountToken).toBe('false');
    expect(spec.runner.env?.map((e) => e.name)).toContain('FAULT_AGENT_URL');
  });

  /** The environment a runner of this overlay sees: env ConfigMap, Secret keys, runner.env. */
  const runnerEnv = (overlay: (typeof OVERLAYS)[number]): Record<string, string> => {
    const cm = objectsOfKind(rendered(overlay), 'ConfigMap').find((o) => o.metadata?.name === 'tenant-load-env');
    const secret = readEnvFile(join(K8S_DIR, 'base/tenant-load-credentials.env.example'));
    const env: Record<string, string> = { ...((cm?.data as Record<string, string>) ?? {}), ...Object.fromEntries(secret) };
    // valueFrom entries (the pod name for the summaries' subPathExpr) are for Kubernetes, not the bundle.
    for (const e of specOf(testRunOf(overlay)).runner.env ?? []) if (e.value !== undefined) env[e.name] = String(e.value);
    return env;
  };

  it.each(OVERLAYS)('%s: pushes k6 remote write to the ConfigMap’s server URL and keeps summary files per runner pod', (overlay) => {
    const spec = specOf(testRunOf(overlay)) as TestRunSpec & { runner: { volumes?: Array<Record<string, unknown>>; volumeMounts?: Array<Record<string, unknown>> } };
    expect(spec.arguments?.split(/\s+/)).toEqual(expect.arrayContaining(['-o', 'experimental-prometheus-rw']));
    const env = runnerEnv(overlay);
    expect(env.K6_PROMETHEUS_RW_SERVER_URL).toMatch(/^https?:\/\/[^/]+\/api\/v1\/(write|push)$/);
    expect(env.K6_PROMETHEUS_RW_TREND_STATS?.split(',')).toEqual(expect.arrayContaining(['p(95)', 'p(99)']));
    expect(env.SUMMARY_JSON).toBe('/summaries/summary.json');
    expect(env.JUNIT_XML).toBe('/summaries/junit.xml');
    expect(spec.runner.volumeMounts).toEqual([{ name: 'summaries', mountPath: '/summaries', subPathExpr: '$(POD_NAME)' }]);
    expect(spec.runner.volumes?.map((v) => v.name)).toEqual(['summaries']);
    expect(spec.runner.env?.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
  });

  it.each(OVERLAYS)('%s: sets only env names the bundle reads (or k6 K6_* settings), and the bundle accepts them all', (overlay) => {
    const env = runnerEnv(overlay);
    // The bundle's own config loader (lib/config.ts) is the judge: it must accept this environment,
    // and every variable set here must be one it actually reads.
    const read = new Set<string>();
    const spy = new Proxy(env, {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return target[key as string];
      },
    });
    const config = loadConfig(spy, 'load', (path) => {
      throw new Error(`unexpected file read ${path}`);
    });
    for (const name of Object.keys(env)) expect(read.has(name) || name.startsWith('K6_'), `${name} is not read by lib/config.ts`).toBe(true);
    expect(config.rate).toBe(5000);
    expect(config.chaos.enabled).toBe(true);
    expect(config.outputs).toEqual({ summaryJson: '/summaries/summary.json', junitXml: '/summaries/junit.xml' });
    if (overlay === 'disruptor') {
      const role = objectsOfKind(rendered(overlay), 'Role')[0];
      expect(config.chaos.namespace).toBe(role?.metadata?.namespace);
      expect(config.chaos.service).toBe('stellaops-authority');
    } else {
      expect(config.faultAgent.url).toBe(env.FAULT_AGENT_URL);
    }
  });

  it('keeps MAX_VUS and PRE_ALLOCATED_VUS divisible by the parallelism, so the rate splits evenly (docs/k6-semantics.md#execution-segments)', () => {
    const cm = objectsOfKind(rendered('disruptor'), 'ConfigMap').find((o) => o.metadata?.name === 'tenant-load-env');
    const data = cm?.data as Record<string, string>;
    for (const overlay of OVERLAYS) {
      const n = specOf(testRunOf(overlay)).parallelism;
      expect(Number(data.MAX_VUS) % n).toBe(0);
      expect(Number(data.PRE_ALLOCATED_VUS) % n).toBe(0);
    }
    expect(Number(data.RATE)).toBe(5000);
  });
});

describe('the xk6-disruptor RBAC', () => {
  const objs = (): LoadedObject[] => rendered('disruptor');
  const ruleSet = (role: K8sObject): string[] =>
    ((role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) ?? []).flatMap((r) => {
      expect(r.apiGroups).toEqual(['']);
      return r.resources.flatMap((res) => r.verbs.map((v) => `${res}:${v}`));
    });

  it('grants exactly the documented need: pods get/list/watch, ephemeralcontainers patch, exec create, services get', () => {
    const roles = objectsOfKind(objs(), 'Role');
    expect(roles).toHaveLength(1);
    expect(ruleSet(roles[0] as K8sObject).sort()).toEqual([...DISRUPTOR_NEEDS].sort());
    expect(objectsOfKind(objs(), 'ClusterRole')).toEqual([]);
    expect(objectsOfKind(objs(), 'ClusterRoleBinding')).toEqual([]);
  });

  it('grants it in the namespace the bundle disrupts, to the runners service account', () => {
    const role = objectsOfKind(objs(), 'Role')[0] as K8sObject;
    const binding = objectsOfKind(objs(), 'RoleBinding')[0] as K8sObject;
    const spec = specOf(testRunOf('disruptor'));
    const chaosNs = spec.runner.env?.find((e) => e.name === 'CHAOS_NAMESPACE')?.value;
    expect(role.metadata?.namespace).toBe(chaosNs);
    expect(binding.metadata?.namespace).toBe(chaosNs);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata?.name });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: spec.runner.serviceAccountName, namespace: testRunOf('disruptor').metadata?.namespace },
    ]);
  });

  it('is the same list the README documents', () => {
    const readme = readFileSync(join(K8S_DIR, 'README.md'), 'utf8');
    for (const need of DISRUPTOR_NEEDS) {
      const [resource, verb] = need.split(':');
      expect(readme).toMatch(new RegExp(`\\| \`${String(resource).replace('/', '\\/')}\` \\| [^|]*\`${String(verb)}\``));
    }
  });
});

describe('the runner REST API network policy', () => {
  it('admits only the operator (starter pods, controller namespace) to port 6565 of the runner pods', () => {
    for (const overlay of OVERLAYS) {
      const policies = objectsOfKind(rendered(overlay), 'NetworkPolicy');
      expect(policies).toHaveLength(1);
      const policy = policies[0] as K8sObject;
      expect(policy.metadata?.namespace).toBe(testRunOf(overlay).metadata?.namespace);
      expect(policy.spec).toEqual({
        // The labels k6-operator puts on runner pods (pkg/resources/jobs: app=k6, runner=true).
        podSelector: { matchLabels: { app: 'k6', runner: 'true' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'k6' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'k6-operator-system' } } }],
            ports: [{ protocol: 'TCP', port: 6565 }],
          },
        ],
      });
    }
  });
});
