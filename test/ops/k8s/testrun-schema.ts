/**
 * An ajv validator for TestRun objects built from the operator's CRD
 * (spec.versions[0].schema.openAPIV3Schema of ops/k8s/crd/k6.io_testruns.yaml).
 *
 * Strict on unknown fields: the CRD's structural schema does not say `additionalProperties: false`,
 * but the API server prunes fields it does not know — a misspelt `paralelism` or `serviceAcountName`
 * would be dropped silently and the run would go ahead without it. So every object schema that
 * lists `properties` (and allows nothing else) is closed here, which turns such a typo into a
 * validation error, as `kubectl apply --validate=strict` would.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { CRD_PATH } from './k8s-tree';

type Schema = Record<string, unknown>;

function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    // `properties` maps field names to schemas: recurse into each schema, keep the names.
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, closeObjects(v)]));
    } else {
      out[key] = closeObjects(value);
    }
  }
  const preserves = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !preserves) out.additionalProperties = false;
  return out;
}

/** The raw openAPIV3Schema of TestRun v1alpha1. */
export function testRunOpenApiSchema(): Schema {
  const crd = parse(readFileSync(CRD_PATH, 'utf8')) as {
    spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  const version = crd.spec.versions[0];
  if (!version || crd.spec.group !== 'k6.io' || crd.spec.names.kind !== 'TestRun' || version.name !== 'v1alpha1') {
    throw new Error(`${CRD_PATH} is not the k6.io/v1alpha1 TestRun CRD`);
  }
  return version.schema.openAPIV3Schema;
}

export function compileTestRunValidator(): ValidateFunction {
  // strict: false — the schema carries Kubernetes' x-kubernetes-* keywords, which ajv does not know.
  // Formats (int32, int64) are Kubernetes annotations of integer fields, not string formats.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(closeObjects(testRunOpenApiSchema()) as Schema);
}

/** ajv errors as `path: message` lines, for readable assertion failures. */
export function describeErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty: string }).additionalProperty)}'` : '';
    return `${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`;
  });
}
