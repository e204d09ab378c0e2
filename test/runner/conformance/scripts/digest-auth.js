import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

// k6's examples/http_digest_auth.js, against the loopback server's /digest-auth.
export default function () {
  const host = __ENV.BASE.replace('http://', '');
  const ok = http.get(`http://user:passwd@${host}/digest-auth/user/passwd`, { auth: 'digest' });
  const wrong = http.get(`http://user:nope@${host}/digest-auth/user/passwd`, { auth: 'digest' });
  check(null, {
    'the right password passes the challenge': () => ok.status === 200 && ok.json('authenticated') === true,
    'a wrong password ends with the 401': () => wrong.status === 401,
  });
}
