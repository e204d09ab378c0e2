/**
 * Per-tenant data, created on a tenant's first request from its seed. This is the one place data
 * is looked up, and every lookup takes the tenant id first: a tenant's maps are reachable only
 * through `forTenant(tenant)`, where `tenant` is the authenticated, header-matched tenant.
 *
 * Memory is bounded: at most MAX_POLICIES policies and MAX_RULES rules per tenant; creating one
 * past the cap evicts the oldest *client-created* item (seeded items are never evicted) and calls
 * `onEvict`. Findings and channels never grow (triage updates in place).
 */
import { seedTenant } from './seed';
import type { Channel, Finding, Policy, Rule } from './resources';

export const MAX_POLICIES = 1_000;
export const MAX_RULES = 1_000;

/** A map plus a cached array view for lists (rebuilt only after a write). */
class Collection<T extends { id: string }> {
  readonly byId = new Map<string, T>();
  private view: T[] | null = null;
  /** Ids of client-created items, oldest first. */
  private readonly created: string[] = [];

  constructor(items: T[]) {
    for (const it of items) this.byId.set(it.id, it);
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  list(): T[] {
    if (this.view === null) this.view = [...this.byId.values()];
    return this.view;
  }

  /** Inserts or replaces; returns the evicted id if the cap forced one out. */
  put(item: T, cap: number): string | null {
    const existed = this.byId.has(item.id);
    let evicted: string | null = null;
    if (!existed) {
      if (this.byId.size >= cap && this.created.length > 0) {
        evicted = this.created.shift() as string;
        this.byId.delete(evicted);
      }
      this.created.push(item.id);
    }
    this.byId.set(item.id, item);
    this.view = null;
    return evicted;
  }

  get size(): number {
    return this.byId.size;
  }
}

export class TenantData {
  readonly policies: Collection<Policy>;
  readonly findings: Collection<Finding>;
  readonly channels: Collection<Channel>;
  readonly rules: Collection<Rule>;

  constructor(tenant: string) {
    const seed = seedTenant(tenant);
    this.policies = new Collection(seed.policies);
    this.findings = new Collection(seed.findings);
    this.channels = new Collection(seed.channels);
    this.rules = new Collection(seed.rules);
  }
}

export class TenantStore {
  private readonly tenants = new Map<string, TenantData>();

  forTenant(tenant: string): TenantData {
    let d = this.tenants.get(tenant);
    if (!d) {
      d = new TenantData(tenant);
      this.tenants.set(tenant, d);
    }
    return d;
  }
}
