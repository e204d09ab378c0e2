// Fail loudly in setup(): 107, one message, teardown skipped as after any setup failure.
import http from 'k6/http';
export function setup() {
  http.file('data', 'data.bin');
}
export default function () {}
export function teardown() {
  console.log('TEARDOWN RAN');
}
