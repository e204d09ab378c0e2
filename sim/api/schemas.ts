/**
 * JSON schemas of the write bodies (docs/platform-api.md), compiled once with ajv. Unknown fields
 * are rejected; problems are reported with their JSON-pointer-ish path, at most MAX_LISTED_PROBLEMS
 * of them (errors.ts bounds the reply).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InvalidBodyError, type FieldProblem } from '../errors';

export { MAX_ERROR_REPLY_BYTES, MAX_LISTED_PROBLEMS } from '../errors';

const ID = '^[A-Za-z0-9._:-]{1,128}$';
const severity = { enum: ['critical', 'high', 'medium', 'low'] };
const clientRequestId = { type: 'string', maxLength: 128 };

export const POLICY_INPUT = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'rules'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    rules: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['effect', 'condition'],
        properties: {
          id: { type: 'string', pattern: ID },
          effect: { enum: ['allow', 'deny', 'warn'] },
          condition: { type: 'string', minLength: 1, maxLength: 500 },
        },
      },
    },
    clientRequestId,
  },
} as const;

export const TRIAGE_INPUT = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: {
    status: { enum: ['triaged', 'accepted', 'fixed', 'false_positive'] },
    note: { type: 'string', maxLength: 2000 },
    clientRequestId,
  },
} as const;

export const RULE_INPUT = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'channelId', 'event'],
  properties: {
    id: { type: 'string', pattern: ID },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    channelId: { type: 'string', pattern: ID },
    event: { enum: ['finding.created', 'finding.triaged', 'policy.updated'] },
    minSeverity: severity,
    clientRequestId,
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });

function problem(e: ErrorObject): FieldProblem {
  const base = e.instancePath === '' ? '/' : e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: `${e.instancePath}/${String(e.params.additionalProperty)}`, message: 'is not an allowed field' };
    case 'required':
      return { path: `${e.instancePath}/${String(e.params.missingProperty)}`, message: 'is required' };
    case 'enum':
      return { path: base, message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { path: base, message: e.message ?? 'is invalid' };
  }
}

/**
 * No write body has an array longer than MAX_BODY_ITEMS or an object with more than
 * MAX_BODY_FIELDS fields; a body that has one is refused on that alone, before ajv's allErrors
 * pass would walk (and report) every item: validation cost stays bounded by the schema, not by
 * what a client sends (a 60 KB body of 1,300 bad rules took ajv 20-40 ms).
 */
export const MAX_BODY_ITEMS = 50;
export const MAX_BODY_FIELDS = 16;

function oversized(value: unknown, path = '', depth = 0): FieldProblem | undefined {
  if (depth > 4 || typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    if (value.length > MAX_BODY_ITEMS) return { path: path || '/', message: `must have at most ${MAX_BODY_ITEMS} items (got ${value.length})` };
    for (let i = 0; i < value.length; i++) {
      const p = oversized(value[i], `${path}/${i}`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_BODY_FIELDS) return { path: path || '/', message: `must have at most ${MAX_BODY_FIELDS} fields (got ${keys.length})` };
  for (const k of keys) {
    const p = oversized((value as Record<string, unknown>)[k], `${path}/${k}`, depth + 1);
    if (p) return p;
  }
  return undefined;
}

function compile<T>(schema: object): (value: unknown) => T {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value: unknown): T => {
    const tooBig = oversized(value);
    if (tooBig) throw new InvalidBodyError([tooBig]);
    if (!validate(value)) throw new InvalidBodyError((validate.errors ?? []).map(problem));
    return value as T;
  };
}

export interface PolicyInput {
  name: string;
  description?: string;
  rules: Array<{ id?: string; effect: 'allow' | 'deny' | 'warn'; condition: string }>;
  clientRequestId?: string;
}
export interface TriageInput {
  status: 'triaged' | 'accepted' | 'fixed' | 'false_positive';
  note?: string;
  clientRequestId?: string;
}
export interface RuleInput {
  id?: string;
  name: string;
  channelId: string;
  event: 'finding.created' | 'finding.triaged' | 'policy.updated';
  minSeverity?: 'critical' | 'high' | 'medium' | 'low';
  clientRequestId?: string;
}

export const validatePolicyInput = compile<PolicyInput>(POLICY_INPUT);
export const validateTriageInput = compile<TriageInput>(TRIAGE_INPUT);
export const validateRuleInput = compile<RuleInput>(RULE_INPUT);
