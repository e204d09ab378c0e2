/**
 * Tenant isolation, enforced here and nowhere else: a request reaches data only through the
 * TenantData this guard returns, and it returns the data of the token's tenant only when the token
 * tenant equals the header tenant (else 403 tenant_mismatch) and the token holds the route's scope
 * (else 403 insufficient_scope). A token naming a tenant the registry does not hold is refused
 * (403 unknown_tenant) even when its signature verifies: no state is ever created for it.
 */
import type { Principal } from '../../auth/token-verifier';
import { InsufficientScopeError, TenantMismatchError, UnknownTenantError } from '../../errors';
import type { TenantRegistry } from '../../tenants';
import type { TenantData, TenantStore } from '../store/tenant-store';

export function tenantData(principal: Principal, headerTenant: string, scope: string, store: TenantStore, registry: TenantRegistry): TenantData {
  if (principal.tenant !== headerTenant) throw new TenantMismatchError(principal.tenant, headerTenant);
  if (!registry.has(principal.tenant)) throw new UnknownTenantError(principal.tenant);
  if (!principal.scopes.has(scope)) throw new InsufficientScopeError(scope);
  return store.forTenant(principal.tenant);
}
