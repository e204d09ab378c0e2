/** Policy API: list, get, and PUT (create 201 / replace 200 with version + 1). */
import { NotFoundError, type FieldProblem } from '../../errors';
import { itemJson, pageJson } from '../json-cache';
import { paginate, parsePage, throwIfProblems } from '../pagination';
import type { ApiRoute } from '../route';
import { validatePolicyInput, type PolicyInput } from '../schemas';
import type { Policy } from '../store/resources';
import { MAX_POLICIES } from '../store/tenant-store';

export const policyRoutes: ApiRoute[] = [
  {
    method: 'GET',
    template: '/api/policy/policies',
    pattern: /^\/api\/policy\/policies$/,
    service: 'policy',
    scope: 'policy:read',
    handle(ctx) {
      const problems: FieldProblem[] = [];
      const page = parsePage(ctx.query, problems);
      throwIfProblems(problems);
      const view = ctx.data.policies.list();
      return { status: 200, body: pageJson(view, `${page.offset}:${page.limit}`, () => paginate(view, page)) };
    },
  },
  {
    method: 'GET',
    template: '/api/policy/policies/{id}',
    pattern: /^\/api\/policy\/policies\/([^/]+)$/,
    service: 'policy',
    scope: 'policy:read',
    handle(ctx) {
      const id = ctx.params[0] as string;
      const p = ctx.data.policies.get(id);
      if (!p) throw new NotFoundError(`policy '${id}' does not exist in tenant '${ctx.tenant}'`);
      return { status: 200, body: itemJson(p) };
    },
  },
  {
    method: 'PUT',
    template: '/api/policy/policies/{id}',
    pattern: /^\/api\/policy\/policies\/([^/]+)$/,
    service: 'policy',
    scope: 'policy:write',
    validate: validatePolicyInput,
    handle(ctx) {
      const id = ctx.params[0] as string;
      const input = ctx.body as PolicyInput;
      const previous = ctx.data.policies.get(id);
      const policy: Policy = {
        id,
        name: input.name,
        description: input.description ?? '',
        rules: input.rules.map((r, i) => ({ id: r.id ?? `r${i + 1}`, effect: r.effect, condition: r.condition })),
        version: previous ? previous.version + 1 : 1,
        updatedAt: new Date(ctx.nowMs).toISOString(),
        ...(input.clientRequestId !== undefined ? { clientRequestId: input.clientRequestId } : {}),
      };
      if (ctx.data.policies.put(policy, MAX_POLICIES) !== null) ctx.effects.evicted('policy');
      return { status: previous ? 200 : 201, body: policy, auditResource: `policy/${id}` };
    },
  },
];
