/** Notify API: channels, rules, and rule creation (which enqueues a delivery). */
import { randomUUID } from 'node:crypto';
import { ConflictError, InvalidBodyError, type FieldProblem } from '../../errors';
import { pageJson } from '../json-cache';
import { paginate, parsePage, throwIfProblems } from '../pagination';
import type { ApiRoute, RouteContext } from '../route';
import { validateRuleInput, type RuleInput } from '../schemas';
import type { Rule } from '../store/resources';
import { MAX_RULES } from '../store/tenant-store';

function list<T>(ctx: RouteContext, items: readonly T[]): { status: number; body: unknown } {
  const problems: FieldProblem[] = [];
  const page = parsePage(ctx.query, problems);
  throwIfProblems(problems);
  return { status: 200, body: pageJson(items, `${page.offset}:${page.limit}`, () => paginate(items, page)) };
}

export const notifyRoutes: ApiRoute[] = [
  {
    method: 'GET',
    template: '/api/notify/channels',
    pattern: /^\/api\/notify\/channels$/,
    service: 'notify',
    scope: 'notify:read',
    handle: (ctx) => list(ctx, ctx.data.channels.list()),
  },
  {
    method: 'GET',
    template: '/api/notify/rules',
    pattern: /^\/api\/notify\/rules$/,
    service: 'notify',
    scope: 'notify:read',
    handle: (ctx) => list(ctx, ctx.data.rules.list()),
  },
  {
    method: 'POST',
    template: '/api/notify/rules',
    pattern: /^\/api\/notify\/rules$/,
    service: 'notify',
    scope: 'notify:write',
    validate: validateRuleInput,
    handle(ctx) {
      const input = ctx.body as RuleInput;
      if (!ctx.data.channels.get(input.channelId)) {
        throw new InvalidBodyError([{ path: '/channelId', message: `channel '${input.channelId}' does not exist in tenant '${ctx.tenant}'` }]);
      }
      const id = input.id ?? `rule-${randomUUID()}`;
      if (ctx.data.rules.get(id)) throw new ConflictError(`rule '${id}' already exists`);
      const rule: Rule = {
        id,
        name: input.name,
        channelId: input.channelId,
        event: input.event,
        minSeverity: input.minSeverity ?? 'low',
        createdAt: new Date(ctx.nowMs).toISOString(),
        ...(input.clientRequestId !== undefined ? { clientRequestId: input.clientRequestId } : {}),
      };
      if (ctx.data.rules.put(rule, MAX_RULES) !== null) ctx.effects.evicted('notify');
      ctx.effects.enqueueNotify();
      return { status: 201, body: rule, auditResource: `rule/${id}` };
    },
  },
];
