/**
 * The endpoint catalog: what one load iteration can call. The built-in catalog covers the nine
 * routes of the reference platform (docs/architecture.md#platform, docs/platform-api.md); an operator can replace
 * it with a JSON file (`CATALOG_FILE`) of the same shape for their own deployment.
 *
 * Placeholders in `path` and in string values of `body`:
 * - `{<name>}` declared in `discovery`: an id found per tenant in `setup()` from a list endpoint
 *   (never hard-coded);
 * - `{uniqueId}`: unique across VUs and Operator instances (run id + `exec.vu.idInTest` +
 *   `iterationInTest`);
 * - `{requestId}`: a UUID v4 for `clientRequestId`;
 * - `{tenant}`: the tenant id;
 * - `{pick:a|b|c}`: one of the listed values, uniformly.
 */
import type { ConfigProblem } from './config-error';
import { idAt, idCount, type IdPool } from './id-pool';

export type Kind = 'read' | 'write';
export type Shape = 'list' | 'object';

export interface Operation {
  /** Stable id, e.g. `policy.get`. */
  id: string;
  /** The `name` tag (URL grouping): the path template, e.g. `/api/policy/policies/{policyId}`. */
  name: string;
  /** The `service` tag, e.g. `policy`, `vuln`, `notify`. */
  service: string;
  kind: Kind;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** Statuses that pass the status check (and count as expected). */
  expect: number[];
  /** Body shape check: `list` = `{items: [...]}`, `object` = a JSON object with a string `id`. */
  shape: Shape;
  /** Relative weight among operations of the same kind (default 1). */
  weight?: number;
}

export interface Discovery {
  /** The placeholder it fills, e.g. `policyId`. */
  placeholder: string;
  /** The list endpoint, e.g. `/api/policy/policies?limit=100`. */
  path: string;
  /** The field of each item holding the id (default `id`). */
  field: string;
}

export interface Catalog {
  operations: Operation[];
  discovery: Discovery[];
}

/** Placeholders the iteration fills itself. */
export const GENERATED_PLACEHOLDERS = ['uniqueId', 'requestId', 'tenant'] as const;

const SEVERITIES = 'critical|high|medium|low';

export const DEFAULT_CATALOG: Catalog = {
  discovery: [
    { placeholder: 'policyId', path: '/api/policy/policies?limit=100', field: 'id' },
    { placeholder: 'findingId', path: '/api/vuln/findings?limit=100', field: 'id' },
    { placeholder: 'channelId', path: '/api/notify/channels?limit=100', field: 'id' },
  ],
  operations: [
    { id: 'policy.list', name: '/api/policy/policies', service: 'policy', kind: 'read', method: 'GET', path: '/api/policy/policies?limit=20', expect: [200], shape: 'list' },
    { id: 'policy.get', name: '/api/policy/policies/{policyId}', service: 'policy', kind: 'read', method: 'GET', path: '/api/policy/policies/{policyId}', expect: [200], shape: 'object' },
    {
      id: 'policy.put',
      name: '/api/policy/policies/{id}',
      service: 'policy',
      kind: 'write',
      method: 'PUT',
      path: '/api/policy/policies/{uniqueId}',
      body: {
        name: 'load policy {uniqueId}',
        description: 'written by the k6 tenant load test',
        rules: [{ id: 'r1', effect: '{pick:allow|deny|warn}', condition: 'severity >= {pick:high|critical}' }],
        clientRequestId: '{requestId}',
      },
      expect: [200, 201],
      shape: 'object',
    },
    { id: 'vuln.list', name: '/api/vuln/findings', service: 'vuln', kind: 'read', method: 'GET', path: '/api/vuln/findings?limit=20', expect: [200], shape: 'list' },
    { id: 'vuln.get', name: '/api/vuln/findings/{findingId}', service: 'vuln', kind: 'read', method: 'GET', path: '/api/vuln/findings/{findingId}', expect: [200], shape: 'object' },
    {
      id: 'vuln.triage',
      name: '/api/vuln/findings/{findingId}/triage',
      service: 'vuln',
      kind: 'write',
      method: 'POST',
      path: '/api/vuln/findings/{findingId}/triage',
      body: { status: '{pick:triaged|accepted|fixed|false_positive}', note: 'triaged by the k6 tenant load test', clientRequestId: '{requestId}' },
      expect: [200],
      shape: 'object',
    },
    { id: 'notify.channels', name: '/api/notify/channels', service: 'notify', kind: 'read', method: 'GET', path: '/api/notify/channels?limit=20', expect: [200], shape: 'list' },
    { id: 'notify.rules', name: '/api/notify/rules', service: 'notify', kind: 'read', method: 'GET', path: '/api/notify/rules?limit=20', expect: [200], shape: 'list' },
    {
      id: 'notify.rule.create',
      name: '/api/notify/rules',
      service: 'notify',
      kind: 'write',
      method: 'POST',
      path: '/api/notify/rules',
      body: {
        id: '{uniqueId}',
        name: 'load rule {uniqueId}',
        channelId: '{channelId}',
        event: '{pick:finding.created|finding.triaged|policy.updated}',
        minSeverity: `{pick:${SEVERITIES}}`,
        clientRequestId: '{requestId}',
      },
      expect: [201],
      shape: 'object',
    },
  ],
};

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*|pick:[^{}]+)\}/g;

/** Placeholder names used in a string (without `pick:` ones). */
export function placeholdersIn(text: string): string[] {
  const out: string[] = [];
  const re = new RegExp(PLACEHOLDER.source, 'g');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const name = m[1] as string;
    if (!name.startsWith('pick:') && !out.includes(name)) out.push(name);
  }
  return out;
}

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((v) => stringsIn(v, out));
  return out;
}

/** Placeholders an operation needs from discovery (path and body). */
export function discoveredPlaceholders(op: Operation): string[] {
  const names = [op.path, ...stringsIn(op.body)].flatMap(placeholdersIn);
  return names.filter((n, i) => names.indexOf(n) === i && !(GENERATED_PLACEHOLDERS as readonly string[]).includes(n));
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const OP_FIELDS = ['id', 'name', 'service', 'kind', 'method', 'path', 'body', 'expect', 'shape', 'weight'];

/** Validates a catalog (built-in or from `CATALOG_FILE`), naming each field at fault. */
export function validateCatalog(input: unknown, source = 'CATALOG_FILE'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const p = (variable: string, message: string): void => {
    problems.push({ variable, message });
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    p(source, 'must be a JSON object {"operations": [...], "discovery": [...]}');
    return problems;
  }
  const doc = input as Record<string, unknown>;
  for (const key of Object.keys(doc)) if (key !== 'operations' && key !== 'discovery') p(`${source}.${key}`, 'unknown field; allowed fields are operations, discovery');
  const discovery = Array.isArray(doc.discovery) ? doc.discovery : [];
  if (doc.discovery !== undefined && !Array.isArray(doc.discovery)) p(`${source}.discovery`, 'must be an array');
  const declared: string[] = [];
  discovery.forEach((d: unknown, i: number) => {
    const at = `${source}.discovery[${i}]`;
    const e = d as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) return p(at, 'must be an object {placeholder, path, field?}');
    if (typeof e.placeholder !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(e.placeholder)) p(`${at}.placeholder`, 'must be a name such as policyId');
    else if ((GENERATED_PLACEHOLDERS as readonly string[]).includes(e.placeholder)) p(`${at}.placeholder`, `is reserved (${GENERATED_PLACEHOLDERS.join(', ')} are filled by the iteration)`);
    else declared.push(e.placeholder);
    if (typeof e.path !== 'string' || !e.path.startsWith('/')) p(`${at}.path`, "must be a path starting with '/'");
    if (e.field !== undefined && (typeof e.field !== 'string' || e.field.length === 0)) p(`${at}.field`, 'must be a non-empty string');
  });
  if (!Array.isArray(doc.operations) || doc.operations.length === 0) {
    p(`${source}.operations`, 'must be a non-empty array');
    return problems;
  }
  const ids: string[] = [];
  doc.operations.forEach((o: unknown, i: number) => {
    const at = `${source}.operations[${i}]`;
    const op = o as Record<string, unknown>;
    if (typeof op !== 'object' || op === null || Array.isArray(op)) return p(at, 'must be an object');
    for (const key of Object.keys(op)) if (!OP_FIELDS.includes(key)) p(`${at}.${key}`, `unknown field; allowed fields are ${OP_FIELDS.join(', ')}`);
    if (typeof op.id !== 'string' || op.id.length === 0) p(`${at}.id`, 'must be a non-empty string');
    else if (ids.includes(op.id)) p(`${at}.id`, `duplicates operation ${op.id}`);
    else ids.push(op.id);
    if (typeof op.name !== 'string' || op.name.length === 0 || op.name.includes(',')) p(`${at}.name`, 'must be a non-empty string without commas (it is the name tag)');
    if (typeof op.service !== 'string' || !/^[a-z0-9_-]{1,40}$/.test(op.service)) p(`${at}.service`, 'must match ^[a-z0-9_-]{1,40}$, e.g. policy');
    if (op.kind !== 'read' && op.kind !== 'write') p(`${at}.kind`, 'must be one of read, write');
    if (typeof op.method !== 'string' || !METHODS.includes(op.method)) p(`${at}.method`, `must be one of ${METHODS.join(', ')}`);
    if (typeof op.path !== 'string' || !op.path.startsWith('/')) p(`${at}.path`, "must be a path starting with '/'");
    if (op.shape !== 'list' && op.shape !== 'object') p(`${at}.shape`, 'must be one of list, object');
    if (!Array.isArray(op.expect) || op.expect.length === 0 || !op.expect.every((s) => Number.isInteger(s) && (s as number) >= 100 && (s as number) <= 599)) {
      p(`${at}.expect`, 'must be a non-empty array of HTTP statuses 100-599');
    }
    if (op.weight !== undefined && (typeof op.weight !== 'number' || !(op.weight > 0))) p(`${at}.weight`, 'must be a number greater than 0');
    if (op.method === 'GET' && op.body !== undefined) p(`${at}.body`, 'a GET operation has no body');
    if (op.body !== undefined && (typeof op.body !== 'object' || op.body === null)) p(`${at}.body`, 'must be a JSON object or array');
    if (typeof op.path === 'string') {
      for (const name of discoveredPlaceholders(op as unknown as Operation)) {
        if (!declared.includes(name)) p(`${at}`, `uses {${name}}, which no discovery entry provides (declare it in discovery or use ${GENERATED_PLACEHOLDERS.join(', ')})`);
      }
    }
  });
  const kinds = (doc.operations as Array<Record<string, unknown>>).map((o) => o?.kind);
  if (!kinds.includes('read')) p(`${source}.operations`, 'needs at least one read operation');
  if (!kinds.includes('write')) p(`${source}.operations`, 'needs at least one write operation');
  return problems;
}

/** Parses and validates `CATALOG_FILE` content; returns the catalog with defaults filled, or undefined. */
export function parseCatalog(text: string, problems: ConfigProblem[]): Catalog | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    problems.push({ variable: 'CATALOG_FILE', message: `is not valid JSON (${(err as Error).message})` });
    return undefined;
  }
  const found = validateCatalog(doc);
  if (found.length > 0) {
    problems.push(...found);
    return undefined;
  }
  const c = doc as { operations: Operation[]; discovery?: Array<Partial<Discovery>> };
  return {
    operations: c.operations,
    discovery: (c.discovery ?? []).map((d) => ({ placeholder: d.placeholder as string, path: d.path as string, field: d.field ?? 'id' })),
  };
}

export interface RenderContext {
  tenant: string;
  uniqueId: string;
  requestId: string;
  /** Discovered ids per placeholder for this tenant. */
  ids: Readonly<Record<string, IdPool>>;
  random: () => number;
}

/**
 * A compiled operation: the work that depends only on the catalog, done once per operation (in
 * init) instead of in every iteration — the placeholder scan, the discovered-placeholder list and
 * the body's JSON text around its placeholder strings. Rendering a plan gives exactly what filling
 * the operation's templates and `JSON.stringify`-ing the filled body gives, with `random` drawn
 * in the same order (path left to right, then body strings in `JSON.stringify` order).
 */
export interface OperationPlan {
  readonly op: Operation;
  /** Placeholders filled from discovery (as `discoveredPlaceholders`). */
  readonly needs: readonly string[];
  readonly path: Template;
  /** `null` for an operation without a body. */
  readonly body: BodyPlan | null;
  /** Whether rendering reads `uniqueId` / `requestId`: the iteration makes them only then. */
  readonly usesUniqueId: boolean;
  readonly usesRequestId: boolean;
}

type Slot =
  | { readonly kind: 'pick'; readonly choices: readonly string[] }
  | { readonly kind: 'uniqueId' | 'requestId' | 'tenant' }
  | { readonly kind: 'discovered'; readonly name: string };

/** `literals[0] slot[0] literals[1] ... literals[n]`: always one more literal than slots. */
interface Template {
  readonly literals: readonly string[];
  readonly slots: readonly Slot[];
}

/**
 * The body as JSON text: `json[0] str(strings[0]) json[1] ... json[n]`, where each string is a
 * body string holding placeholders, filled then quoted with `JSON.stringify` (so escaping is
 * exactly JSON.stringify's). `generic` when the body holds anything beyond plain JSON values.
 */
type BodyPlan = { readonly kind: 'json'; readonly json: readonly string[]; readonly strings: readonly Template[] } | { readonly kind: 'generic'; readonly value: unknown };

function slotFor(name: string): Slot {
  if (name.startsWith('pick:')) return { kind: 'pick', choices: name.slice(5).split('|') };
  if (name === 'uniqueId' || name === 'requestId' || name === 'tenant') return { kind: name };
  return { kind: 'discovered', name };
}

function compileTemplate(text: string): Template {
  const literals: string[] = [];
  const slots: Slot[] = [];
  const re = new RegExp(PLACEHOLDER.source, 'g');
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    literals.push(text.slice(last, m.index));
    slots.push(slotFor(m[1] as string));
    last = m.index + m[0].length;
  }
  literals.push(text.slice(last));
  return { literals, slots };
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** Compiles a body to JSON text around its placeholder strings; undefined for non-JSON values. */
function compileBody(body: unknown): BodyPlan {
  const json: string[] = [''];
  const strings: Template[] = [];
  const emit = (text: string): void => {
    json[json.length - 1] += text;
  };
  const walk = (value: unknown): boolean => {
    if (typeof value === 'string') {
      const t = compileTemplate(value);
      if (t.slots.length === 0) emit(JSON.stringify(value));
      else {
        strings.push(t);
        json.push('');
      }
      return true;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return false;
      emit(JSON.stringify(value));
      return true;
    }
    if (typeof value === 'boolean' || value === null) {
      emit(JSON.stringify(value));
      return true;
    }
    if (Array.isArray(value)) {
      emit('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) emit(',');
        if (!walk(value[i])) return false;
      }
      emit(']');
      return true;
    }
    if (typeof value === 'object' && isPlainObject(value)) {
      emit('{');
      let first = true;
      for (const [k, v] of Object.entries(value)) {
        if (!first) emit(',');
        first = false;
        emit(`${JSON.stringify(k)}:`);
        if (!walk(v)) return false;
      }
      emit('}');
      return true;
    }
    return false;
  };
  return walk(body) ? { kind: 'json', json, strings } : { kind: 'generic', value: body };
}

function templatesOf(plan: Pick<OperationPlan, 'path' | 'body'>): Template[] {
  return [plan.path, ...(plan.body?.kind === 'json' ? plan.body.strings : [])];
}

/** Compiles an operation once; render it with `renderPath` / `renderBody`. */
export function compileOperation(op: Operation): OperationPlan {
  const path = compileTemplate(op.path);
  const body = op.body === undefined ? null : compileBody(op.body);
  const generic = body?.kind === 'generic' ? stringsIn(body.value).flatMap(placeholdersIn) : [];
  const used = (kind: Slot['kind'], name: string): boolean => templatesOf({ path, body }).some((t) => t.slots.some((s) => s.kind === kind)) || generic.includes(name);
  return { op, needs: discoveredPlaceholders(op), path, body, usesUniqueId: used('uniqueId', 'uniqueId'), usesRequestId: used('requestId', 'requestId') };
}

const compiled = new WeakMap<Operation, OperationPlan>();

/** The plan of an operation, compiled on first use (operations are not changed after config). */
export function planOf(op: Operation): OperationPlan {
  let plan = compiled.get(op);
  if (!plan) {
    plan = compileOperation(op);
    compiled.set(op, plan);
  }
  return plan;
}

function slotValue(slot: Slot, ctx: RenderContext): string {
  switch (slot.kind) {
    case 'pick': {
      const choices = slot.choices;
      return choices[Math.min(choices.length - 1, Math.floor(ctx.random() * choices.length))] as string;
    }
    case 'uniqueId':
      return ctx.uniqueId;
    case 'requestId':
      return ctx.requestId;
    case 'tenant':
      return ctx.tenant;
    case 'discovered': {
      const pool = ctx.ids[slot.name];
      const n = idCount(pool);
      if (n === 0) throw new Error(`no discovered {${slot.name}} for tenant ${ctx.tenant}`);
      return idAt(pool as IdPool, Math.min(n - 1, Math.floor(ctx.random() * n)));
    }
  }
}

function renderTemplate(t: Template, ctx: RenderContext, encode: boolean): string {
  let out = t.literals[0] as string;
  for (let i = 0; i < t.slots.length; i++) {
    const value = slotValue(t.slots[i] as Slot, ctx);
    out += encode ? encodeURIComponent(value) : value;
    out += t.literals[i + 1] as string;
  }
  return out;
}

/** The operation's path with its placeholders filled (values URI-encoded). */
export function renderPath(plan: OperationPlan, ctx: RenderContext): string {
  return plan.path.slots.length === 0 ? (plan.path.literals[0] as string) : renderTemplate(plan.path, ctx, true);
}

/** The operation's JSON body with its placeholders filled, or null without a body. */
export function renderBody(plan: OperationPlan, ctx: RenderContext): string | null {
  const body = plan.body;
  if (body === null) return null;
  if (body.kind === 'generic') return JSON.stringify(fillBody(body.value, ctx));
  let out = body.json[0] as string;
  for (let i = 0; i < body.strings.length; i++) {
    out += JSON.stringify(renderTemplate(body.strings[i] as Template, ctx, false));
    out += body.json[i + 1] as string;
  }
  return out;
}

function fillBody(value: unknown, ctx: RenderContext): unknown {
  if (typeof value === 'string') return renderTemplate(compileTemplate(value), ctx, false);
  if (Array.isArray(value)) return value.map((v) => fillBody(v, ctx));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillBody(v, ctx);
    return out;
  }
  return value;
}

export interface RenderedRequest {
  method: string;
  path: string;
  body: string | null;
}

/** Fills an operation's placeholders. Throws when a discovered id is missing for the tenant. */
export function renderOperation(op: Operation, ctx: RenderContext): RenderedRequest {
  const plan = planOf(op);
  const path = renderPath(plan, ctx);
  return { method: op.method, path, body: renderBody(plan, ctx) };
}

/** Whether the tenant has every discovered id the operation needs. */
export function isRunnable(op: Operation, ids: Readonly<Record<string, IdPool>>): boolean {
  return hasIds(planOf(op).needs, ids);
}

/** Whether `ids` has at least one id for each of `needs`. */
export function hasIds(needs: readonly string[], ids: Readonly<Record<string, IdPool>>): boolean {
  for (const n of needs) if (idCount(ids[n]) === 0) return false;
  return true;
}
