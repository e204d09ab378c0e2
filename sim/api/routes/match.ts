/** Route matching for /api/*: 404 for unknown paths, 405 (with Allow) for a known path, wrong method. */
import { MethodNotAllowedError, NotFoundError } from '../../errors';
import { ID_PATTERN, type ApiRoute } from '../route';
import { notifyRoutes } from './notify-routes';
import { policyRoutes } from './policy-routes';
import { vulnRoutes } from './vuln-routes';

export const API_ROUTES: readonly ApiRoute[] = [...policyRoutes, ...vulnRoutes, ...notifyRoutes];

export interface Matched {
  route: ApiRoute;
  params: string[];
  /** `route` metric label: method and template. */
  label: string;
}

const labels = new Map(API_ROUTES.map((r) => [r, `${r.method} ${r.template}`]));

export function matchRoute(method: string, path: string): Matched {
  const allowed: string[] = [];
  for (const route of API_ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const params: string[] = [];
    for (let i = 1; i < m.length; i++) {
      let value: string;
      try {
        value = decodeURIComponent(m[i] as string);
      } catch {
        throw new NotFoundError(`no resource at ${path.slice(0, 200)}`);
      }
      if (!ID_PATTERN.test(value)) throw new NotFoundError(`'${value.slice(0, 64)}' is not a valid id (^[A-Za-z0-9._:-]{1,128}$)`);
      params.push(value);
    }
    return { route, params, label: labels.get(route) as string };
  }
  if (allowed.length > 0) throw new MethodNotAllowedError(method, allowed);
  throw new NotFoundError(`no route ${method} ${path.slice(0, 200)}`);
}
