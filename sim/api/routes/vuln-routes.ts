/** Vuln API: list (optional `severity` filter), get, and triage. */
import { NotFoundError, type FieldProblem } from '../../errors';
import { itemJson, pageJson } from '../json-cache';
import { paginate, parsePage, throwIfProblems } from '../pagination';
import type { ApiRoute } from '../route';
import { validateTriageInput, type TriageInput } from '../schemas';
import { SEVERITIES, type Finding } from '../store/resources';

export const vulnRoutes: ApiRoute[] = [
  {
    method: 'GET',
    template: '/api/vuln/findings',
    pattern: /^\/api\/vuln\/findings$/,
    service: 'vuln',
    scope: 'vuln:read',
    handle(ctx) {
      const problems: FieldProblem[] = [];
      const page = parsePage(ctx.query, problems);
      const severity = ctx.query.get('severity');
      if (severity !== null && !(SEVERITIES as readonly string[]).includes(severity)) {
        problems.push({ path: 'severity', message: `must be one of ${SEVERITIES.join(', ')} (got '${severity.slice(0, 32)}')` });
      }
      throwIfProblems(problems);
      const all = ctx.data.findings.list();
      const body = pageJson(all, `${severity ?? '*'}:${page.offset}:${page.limit}`, () =>
        paginate(severity === null ? all : all.filter((f) => f.severity === severity), page),
      );
      return { status: 200, body };
    },
  },
  {
    method: 'GET',
    template: '/api/vuln/findings/{id}',
    pattern: /^\/api\/vuln\/findings\/([^/]+)$/,
    service: 'vuln',
    scope: 'vuln:read',
    handle(ctx) {
      const id = ctx.params[0] as string;
      const f = ctx.data.findings.get(id);
      if (!f) throw new NotFoundError(`finding '${id}' does not exist in tenant '${ctx.tenant}'`);
      return { status: 200, body: itemJson(f) };
    },
  },
  {
    method: 'POST',
    template: '/api/vuln/findings/{id}/triage',
    pattern: /^\/api\/vuln\/findings\/([^/]+)\/triage$/,
    service: 'vuln',
    scope: 'vuln:write',
    validate: validateTriageInput,
    handle(ctx) {
      const id = ctx.params[0] as string;
      const f = ctx.data.findings.get(id);
      if (!f) throw new NotFoundError(`finding '${id}' does not exist in tenant '${ctx.tenant}'`);
      const input = ctx.body as TriageInput;
      const updated: Finding = {
        ...f,
        status: input.status,
        triage: {
          status: input.status,
          note: input.note ?? '',
          at: new Date(ctx.nowMs).toISOString(),
          by: ctx.principal.subject,
          ...(input.clientRequestId !== undefined ? { clientRequestId: input.clientRequestId } : {}),
        },
      };
      ctx.data.findings.put(updated, Infinity);
      return { status: 200, body: updated, auditResource: `finding/${id}` };
    },
  },
];
