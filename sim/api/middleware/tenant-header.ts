/**
 * Resolves the tenant named by the request header (`X-StellaOps-Tenant` by default). Missing,
 * repeated, too long or outside `^[a-z0-9][a-z0-9-]{0,62}$` → 400 invalid_tenant_header.
 */
import type { IncomingMessage } from 'node:http';
import { InvalidTenantHeaderError } from '../../errors';
import { TENANT_ID_PATTERN } from '../../../contracts/tenant-id';

export const TENANT_HEADER = 'x-stellaops-tenant';

export function resolveTenantHeader(req: IncomingMessage, header = TENANT_HEADER): string {
  const raw = req.headers[header];
  if (raw === undefined) throw new InvalidTenantHeaderError(header, `header ${header} is required`);
  if (Array.isArray(raw)) throw new InvalidTenantHeaderError(header, `header ${header} must appear once`);
  if (!TENANT_ID_PATTERN.test(raw)) {
    throw new InvalidTenantHeaderError(header, `header ${header} must match ^[a-z0-9][a-z0-9-]{0,62}$ (lowercase letters, digits and '-', at most 63 characters)`);
  }
  return raw;
}
