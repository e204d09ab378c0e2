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

function compile<T>(schema: object): (value: unknown) => T {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value: unknown): T => {
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
