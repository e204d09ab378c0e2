/** The shape of an API route module: matched by method + path pattern, run after auth. */
import type { Principal } from '../auth/token-verifier';
import type { TenantData } from './store/tenant-store';

export type Service = 'policy' | 'vuln' | 'notify';

export interface RouteContext {
  tenant: string;
  principal: Principal;
  /** Path parameters (decoded, already checked against the id pattern). */
  params: string[];
  query: URLSearchParams;
  /** The tenant's data — the only data a handler can reach. */
  data: TenantData;
  nowMs: number;
  /** The validated body of a write. */
  body: unknown;
  /** Side effects a handler may request. */
  effects: RouteEffects;
}

export interface RouteEffects {
  enqueueNotify(): void;
  evicted(service: Service): void;
}

export interface RouteResult {
  status: number;
  body: unknown;
  /** For writes: the audit `resource` (e.g. `policy/pol-001`). */
  auditResource?: string;
}

export interface ApiRoute {
  method: 'GET' | 'PUT' | 'POST';
  /** Path template as it appears in the `route` metric label (after the method). */
  template: string;
  pattern: RegExp;
  service: Service;
  scope: string;
  validate?: (body: unknown) => unknown;
  handle(ctx: RouteContext): RouteResult;
}

export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
