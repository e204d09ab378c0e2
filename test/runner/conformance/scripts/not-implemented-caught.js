// Fail loudly (issue 16 §5): reaching something k6-offline does not implement stops the run with
// 107 and one message, even when the script catches the error; the run never exits 0 over work it
// could not do.
import http from 'k6/http';
export const options = { iterations: 5 };
export default async function () {
  const res = await http.asyncRequest('GET', `${__ENV.BASE}/`);
  try {
    res.html();
  } catch (e) {
    console.log(`caught: ${e.name}`);
  }
}
export function teardown() {
  console.log('TEARDOWN RAN');
}
