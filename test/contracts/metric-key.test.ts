/**
 * The one sub-metric selector parser (docs/k6-semantics.md#threshold-grammar; k6 `metrics/metric.go`
 * ParseMetricName + AddSubmetric).
 */
import { describe, expect, it } from 'vitest';
import { parseMetricKey, tagSetIdentity } from '../../contracts/metric-key';

describe('parseMetricKey (docs/k6-semantics.md#threshold-grammar selectors)', () => {
  it.each([
    ['a plain name has no selector', 'http_req_duration', { parent: 'http_req_duration' }],
    ['one tag', 'http_req_duration{kind:read}', { parent: 'http_req_duration', submetric: 'http_req_duration{kind:read}', tags: { kind: 'read' } }],
    ['several tags split on commas', 'http_req_duration{scenario:x,kind:read}', { parent: 'http_req_duration', submetric: 'http_req_duration{scenario:x,kind:read}', tags: { scenario: 'x', kind: 'read' } }],
    ['a value split at the first colon keeps the others (URLs)', 'http_req_duration{url:http://a:8080/x}', { parent: 'http_req_duration', submetric: 'http_req_duration{url:http://a:8080/x}', tags: { url: 'http://a:8080/x' } }],
    ['spaces around keys and values are trimmed', 'checks{ myTag : hola }', { parent: 'checks', submetric: 'checks{myTag : hola}', tags: { myTag: 'hola' } }],
    ['double quotes around keys and values are trimmed', 'checks{"myTag":"hola"}', { parent: 'checks', submetric: 'checks{"myTag":"hola"}', tags: { myTag: 'hola' } }],
    ['single quotes around keys and values are trimmed', "checks{'myTag':'hola'}", { parent: 'checks', submetric: "checks{'myTag':'hola'}", tags: { myTag: 'hola' } }],
    ['the auto sub-metric expected_response:true parses', 'http_req_duration{expected_response:true}', { parent: 'http_req_duration', submetric: 'http_req_duration{expected_response:true}', tags: { expected_response: 'true' } }],
    ['a repeated key keeps the last value', 'm{a:1,a:2}', { parent: 'm', submetric: 'm{a:1,a:2}', tags: { a: '2' } }],
    ['a value of spaces is non-empty raw and trims to empty', 'm{a: }', { parent: 'm', submetric: 'm{a:}', tags: { a: '' } }],
  ])('%s', (_name, key, expected) => {
    expect(parseMetricKey(key)).toEqual({ ok: true, key: expected });
  });

  it.each([
    ['a missing closing brace', 'm{a:b', /must end with '}'/],
    ['text after the closing brace', 'm{a:b}x', /must end with '}'/],
    ['a closing brace without an opening one', 'm}', /without an opening/],
    ['an empty selector', 'm{}', /tag expression '' is malformed/],
    ['a trailing comma', 'm{a:b,}', /tag expression '' is malformed/],
    ['a part without colon', 'm{a}', /tag expression 'a' is malformed/],
    ['a part with an empty value', 'm{a:}', /tag expression 'a:' is malformed/],
  ])('rejects %s', (_name, key, error) => {
    const r = parseMetricKey(key);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });

  it('gives the same identity to the same tag set whatever the order', () => {
    expect(tagSetIdentity({ a: '1', b: '2' })).toBe(tagSetIdentity({ b: '2', a: '1' }));
    expect(tagSetIdentity({ a: '1' })).not.toBe(tagSetIdentity({ a: '2' }));
  });
});
