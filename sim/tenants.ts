/**
 * The tenant registry: `tenant-01` … `tenant-NN` (zero-padded to at least two digits), the
 * per-tenant OAuth clients `<tenant>-load` and the multi-tenant load client `tenant-load`.
 */
export const MULTI_TENANT_CLIENT = 'tenant-load';

export function tenantIds(count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `tenant-${String(i + 1).padStart(width, '0')}`);
}

export class TenantRegistry {
  readonly ids: readonly string[];
  private readonly set: Set<string>;

  constructor(count: number) {
    this.ids = tenantIds(count);
    this.set = new Set(this.ids);
  }

  has(tenant: string): boolean {
    return this.set.has(tenant);
  }

  /** The tenant a per-tenant client id belongs to, or null (also for the multi-tenant client). */
  tenantOfClient(clientId: string): string | null {
    if (!clientId.endsWith('-load') || clientId === MULTI_TENANT_CLIENT) return null;
    const tenant = clientId.slice(0, -'-load'.length);
    return this.set.has(tenant) ? tenant : null;
  }

  isClient(clientId: string): boolean {
    return clientId === MULTI_TENANT_CLIENT || this.tenantOfClient(clientId) !== null;
  }
}
