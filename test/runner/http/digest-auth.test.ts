/**
 * Digest authentication (runner/http/digest-auth.ts) against the worked examples of RFC 7616
 * §3.9.1 (MD5 and SHA-256), and the challenge parser over a table of WWW-Authenticate values.
 */
import { describe, expect, it } from 'vitest';
import { digestAuthorization, parseDigestChallenge } from '../../../runner/http/digest-auth';

// RFC 7616 §3.9.1: the same request and secret, answered with MD5 and with SHA-256.
const RFC = {
  user: 'Mufasa',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: 1,
  challenge: (alg: string) =>
    `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${alg}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
};

describe('digest authorization', () => {
  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ])('answers the RFC 7616 example with %s as the RFC does', (alg, response) => {
    const c = parseDigestChallenge(RFC.challenge(alg));
    if (typeof c === 'string') throw new Error(c);
    expect(c).toMatchObject({ realm: 'http-auth@example.org', qop: 'auth', algorithm: alg });
    const header = digestAuthorization(c, RFC);
    expect(header).toContain(`response="${response}"`);
    expect(header).toMatch(/^Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf\/xlj9XXwfDPEoM4URrv\/xwf94BcCAzFZH4GiTo0v", uri="\/dir\/index.html", algorithm=/);
    expect(header).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"');
  });

  it('answers a challenge without qop the RFC 2069 way (no nc, no cnonce)', () => {
    const c = parseDigestChallenge('Digest realm="r", nonce="n"');
    if (typeof c === 'string') throw new Error(c);
    const header = digestAuthorization(c, { ...RFC, nc: 1 });
    expect(header).not.toContain('nc=');
    expect(header).toContain('algorithm=MD5');
  });
});

describe('the WWW-Authenticate parser', () => {
  it.each([
    ['a Digest challenge after a Basic one', 'Basic realm="b", Digest realm="d", nonce="n1", qop="auth"', { realm: 'd', nonce: 'n1', qop: 'auth' }],
    ['quoted values with escapes and commas', 'Digest realm="a \\"quoted\\", realm", nonce="n,2"', { realm: 'a "quoted", realm', nonce: 'n,2' }],
    ['auth-int when it is the only qop offered', 'Digest realm="r", nonce="n", qop="auth-int"', { qop: 'auth-int' }],
    ['MD5-sess, case-insensitively', 'digest realm="r", nonce="n", algorithm=md5-SESS', { algorithm: 'MD5-sess' }],
  ])('reads %s', (_what, header, want) => {
    expect(parseDigestChallenge(header)).toMatchObject(want);
  });

  it.each([
    [undefined, 'no WWW-Authenticate header'],
    ['Basic realm="x"', 'offers no Digest challenge'],
    ['Digest realm="r"', 'no realm or nonce'],
    ['Digest realm="r", nonce="n", algorithm=SHA-512-256', 'algorithm SHA-512-256 (supported: MD5, MD5-sess, SHA-256, SHA-256-sess)'],
    ['Digest realm="r", nonce="n", qop="auth-conf"', 'qop auth-conf (supported: auth, auth-int)'],
  ])('says why %j cannot be answered', (header, why) => {
    expect(parseDigestChallenge(header)).toContain(why);
  });
});
