/**
 * The tenant-id rule the platform enforces (token `tenant` claim, tenant header, Authority's
 * `tenant` parameter) and the bundle checks in TENANTS / TENANTS_FILE before it sends anything
 * (docs/platform-api.md): lower-case letters, digits and '-', starting with a letter or digit,
 * at most 63 characters (a DNS label, so an id fits in host names and Kubernetes labels).
 * Pure: imports nothing, ES2020 only.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}
