import http from 'k6/http';

// One request to a loopback HTTPS server whose certificate no CA signed.
export const options = { vus: 1, iterations: 1, ...(__ENV.SCRIPT_INSECURE ? { insecureSkipTLSVerify: __ENV.SCRIPT_INSECURE === 'true' } : {}) };

export default async function () {
  const res = await http.asyncRequest('GET', __ENV.TLS_URL);
  console.log(`status=${res.status} error_code=${res.error_code} error=${res.error}`);
}
