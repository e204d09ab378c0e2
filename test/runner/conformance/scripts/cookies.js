// Cookies as k6 v2.2 (lib/netext/httpext/request.go: the active jar, SetRequestCookies, res.cookies;
// js/modules/k6/http/cookiejar.go: cookiesForURL/set/clear/delete; internal/js/runner.go runFn: the
// VU's jar is replaced at each iteration unless noCookiesReset).
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 2, vus: 1 };
export default async function () {
  const base = __ENV.BASE;
  const jar = http.cookieJar();
  check(jar, { 'each iteration starts with an empty jar': (j) => Object.keys(j.cookiesForURL(`${base}/`)).length === 0 });
  const res = await http.asyncRequest('GET', `${base}/cookies`);
  check(res, {
    'res.cookies lists the Set-Cookie cookies': (r) => r.cookies.a[0].value === '1' && r.cookies.b[0].value === '2',
    'res.cookies has k6’s fields': (r) => r.cookies.b[0].http_only === true && r.cookies.b[0].path === '/cookies' && r.cookies.b[0].max_age === 60 && r.cookies.a[0].secure === false,
  });
  check(http.cookieJar(), {
    'the jar keeps them by path': (j) => j.cookiesForURL(`${base}/`).a[0] === '1' && j.cookiesForURL(`${base}/`).b === undefined && j.cookiesForURL(`${base}/cookies`).b[0] === '2',
  });
  const echo = await http.asyncRequest('GET', `${base}/echo`, null, { cookies: { extra: 'x' } });
  check(echo, {
    'the jar’s cookies and params.cookies are sent': (r) => r.json().headers.cookie === 'extra=x; a=1',
    'res.request.cookies lists what was sent': (r) => r.request.cookies.extra[0].value === 'x' && r.request.cookies.a[0].value === '1',
  });
  const replaced = await http.asyncRequest('GET', `${base}/echo`, null, { cookies: { a: { value: 'mine', replace: true } } });
  check(replaced, { 'replace: true keeps the jar’s cookie of that name out': (r) => r.json().headers.cookie === 'a=mine' });
  const redirected = await http.asyncRequest('GET', `${base}/cookie-redirect`);
  check(redirected, { 'a redirect’s Set-Cookie is sent on the next hop': (r) => /(^|; )r=1(;|$)/.test(r.json().headers.cookie) });
  jar.set(`${base}/`, 'manual', 'm');
  jar.delete(`${base}/`, 'a');
  check(jar, { 'set and delete': (j) => j.cookiesForURL(`${base}/`).manual[0] === 'm' && j.cookiesForURL(`${base}/`).a === undefined });
  jar.clear(`${base}/`);
  check(jar, { 'clear empties the URL’s cookies': (j) => Object.keys(j.cookiesForURL(`${base}/`)).length === 0 });
  const own = new http.CookieJar();
  own.set(`${base}/`, 'own', 'o');
  const withOwn = await http.asyncRequest('GET', `${base}/echo`, null, { jar: own });
  check(withOwn, { 'params.jar sends that jar’s cookies instead': (r) => r.json().headers.cookie === 'own=o' });
}
