export function setup() { throw new Error('boom in setup'); }
export default function () {}
export function teardown() { console.log('TEARDOWN RAN'); }
