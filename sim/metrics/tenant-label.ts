/**
 * Caps the `tenant` label's cardinality (https://prometheus.io/docs/practices/naming/#labels): the first `cap`
 * distinct tenants keep their own label value, every later one shares `__overflow__`, and each
 * folded observation increments `tenant_label_overflow_total`. Admission is first come, for the
 * life of the process (label sets are never removed, so no re-admission churn).
 */
export const OVERFLOW_TENANT = '__overflow__';

export class TenantLabeler {
  private readonly admitted = new Set<string>();
  constructor(
    private readonly cap: number,
    private readonly onOverflow: () => void,
  ) {}

  label(tenant: string): string {
    if (this.admitted.has(tenant)) return tenant;
    if (this.admitted.size < this.cap) {
      this.admitted.add(tenant);
      return tenant;
    }
    this.onOverflow();
    return OVERFLOW_TENANT;
  }

  /** The tenant's own label when it was admitted already, else undefined; never admits. */
  admittedLabel(tenant: string): string | undefined {
    return this.admitted.has(tenant) ? tenant : undefined;
  }

  get size(): number {
    return this.admitted.size;
  }
}
