/**
 * runner/modules/cookies.ts: Set-Cookie read as Go's net/http readSetCookies (what k6 v2.2
 * lib/netext/httpext/request.go puts in res.cookies), the request Cookie header as k6's
 * SetRequestCookies builds it, and the CookieJar methods of js/modules/k6/http/cookiejar.go.
 */
import { describe, expect, it } from 'vitest';
import { GO_ZERO_TIME_MS, K6CookieJar, parseSetCookie, requestCookieHeader, responseCookies } from '../../../runner/modules/cookies';
import { splitUserinfo } from '../../../runner/modules/http';

const URL_A = 'http://127.0.0.1:8080/';

describe('Set-Cookie as Go reads it', () => {
  it.each([
    ['a plain cookie', 'a=1', { name: 'a', value: '1', domain: '', path: '', http_only: false, secure: false, max_age: 0, expires: GO_ZERO_TIME_MS }],
    ['attributes in any case', 'a=1; path=/x; DOMAIN=.example.com; HttpOnly; secure', { path: '/x', domain: '.example.com', http_only: true, secure: true }],
    ['Max-Age=60', 'a=1; Max-Age=60', { max_age: 60 }],
    ['Max-Age=0 means delete now (-1)', 'a=1; Max-Age=0', { max_age: -1 }],
    ['a negative Max-Age is -1', 'a=1; Max-Age=-5', { max_age: -1 }],
    ['a Max-Age with a leading zero is ignored', 'a=1; Max-Age=060', { max_age: 0 }],
    ['Expires in ms', 'a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT', { expires: Date.UTC(2015, 9, 21, 7, 28) }],
    ['a quoted value loses its quotes', 'a="x y"', { value: 'x y' }],
  ])('%s', (_t, header, want) => {
    expect(parseSetCookie(header)).toMatchObject(want);
  });

  it.each([['no name', '=1'], ['no equals sign', 'flag'], ['a name with a space', 'a b=1']])('%s is dropped', (_t, header) => {
    expect(parseSetCookie(header)).toBeUndefined();
  });

  it('res.cookies groups by name and is empty without Set-Cookie', () => {
    expect(responseCookies(undefined)).toEqual({});
    expect(Object.keys(responseCookies(['a=1', 'b=2', 'a=3; Path=/x']))).toEqual(['a', 'b']);
    expect(responseCookies(['a=1', 'a=3; Path=/x']).a!.map((c) => c.value)).toEqual(['1', '3']);
  });
});

describe('the request Cookie header (k6 SetRequestCookies)', () => {
  it('sends params.cookies first, then the jar’s cookies; replace keeps the jar’s one out', () => {
    const jar = new K6CookieJar();
    K6CookieJar.store(jar, URL_A, ['a=1; Path=/', 'b=2; Path=/']);
    expect(requestCookieHeader(URL_A, jar, { x: 'y' }).header).toBe('x=y; a=1; b=2');
    expect(requestCookieHeader(URL_A, jar, { a: { value: 'mine', replace: true } }).header).toBe('a=mine; b=2');
    expect(requestCookieHeader(URL_A, jar, { a: { value: 'both' } }).header).toBe('a=both; a=1; b=2');
    expect(requestCookieHeader(URL_A, undefined, undefined).header).toBeUndefined();
  });

  it('lists what was sent with replace false, as k6 reads it back from the header', () => {
    const { sent } = requestCookieHeader(URL_A, undefined, { a: { value: '1', replace: true } });
    expect(sent).toEqual({ a: [{ name: 'a', value: '1', replace: false }] });
  });

  it('refuses params.cookies that is not an object', () => {
    expect(() => requestCookieHeader(URL_A, undefined, 'a=1')).toThrow('params.cookies must be an object');
  });
});

describe('CookieJar (k6 js/modules/k6/http/cookiejar.go)', () => {
  it('cookiesForURL honours paths, set adds, delete removes one name, clear removes the URL’s cookies', () => {
    const jar = new K6CookieJar();
    K6CookieJar.store(jar, `${URL_A}cookies`, ['a=1; Path=/', 'b=2; Path=/cookies']);
    expect(jar.cookiesForURL(URL_A)).toEqual({ a: ['1'] });
    expect(jar.cookiesForURL(`${URL_A}cookies`)).toEqual({ b: ['2'], a: ['1'] });
    expect(jar.set(URL_A, 'c', '3', { path: '/', http_only: true })).toBe(true);
    expect(jar.cookiesForURL(URL_A)).toEqual({ a: ['1'], c: ['3'] });
    jar.delete(URL_A, 'a');
    expect(jar.cookiesForURL(URL_A)).toEqual({ c: ['3'] });
    jar.clear(`${URL_A}cookies`);
    expect(jar.cookiesForURL(`${URL_A}cookies`)).toEqual({});
  });

  it('refuses a bad expires and an empty name to delete, as k6', () => {
    const jar = new K6CookieJar();
    expect(() => jar.set(URL_A, 'a', '1', { expires: 'tomorrow' })).toThrow('unable to parse "expires" date string "tomorrow"');
    expect(() => jar.delete(URL_A, '')).toThrow('cookie: is null');
  });

  it('an expired cookie from a response is not kept', () => {
    const jar = new K6CookieJar();
    K6CookieJar.store(jar, URL_A, ['a=1; Path=/']);
    K6CookieJar.store(jar, URL_A, ['a=1; Path=/; Max-Age=0']);
    expect(jar.cookiesForURL(URL_A)).toEqual({});
  });

  it('keeps its jar out of the script’s sight', () => {
    expect(Object.keys(new K6CookieJar())).toEqual([]);
  });
});

describe('URL credentials (k6 lib/netext/httpext/url.go Clean; Go http.Client basic auth)', () => {
  it.each([
    ['user and password', 'http://u:p@h:1/x?q', { url: 'http://h:1/x?q', authorization: `Basic ${btoa('u:p')}`, masked: 'http://****:****@h:1/x?q', user: 'u', password: 'p' }],
    ['a user only', 'http://u@h/', { url: 'http://h/', authorization: `Basic ${btoa('u:')}`, masked: 'http://****@h/', user: 'u', password: '' }],
    ['percent-encoded parts', 'https://us%40er:p%3Ass@h/', { url: 'https://h/', authorization: `Basic ${btoa('us@er:p:ss')}`, masked: 'https://****:****@h/', user: 'us@er', password: 'p:ss' }],
  ])('%s', (_t, url, want) => {
    expect(splitUserinfo(url)).toEqual(want);
  });

  it.each([['no credentials', 'http://h/x@y'], ['an @ in the query', 'http://h/?a=b@c']])('%s: nothing to split', (_t, url) => {
    expect(splitUserinfo(url)).toBeUndefined();
  });
});
