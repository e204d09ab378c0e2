import http from 'k6/http';

// `.invalid` names never resolve (RFC 6761): only the hosts option can reach them.
export const options = {
  iterations: 1,
  hosts: __ENV.BAD_HOSTS
    ? { 'web.tenant.invalid': 'localhost' }
    : {
        'web.tenant.invalid': `127.0.0.1:${__ENV.HTTP_PORT}`,
        'api.tenant.invalid': '127.0.0.1',
        '*.wild.invalid': `127.0.0.1:${__ENV.HTTP_PORT}`,
      },
};

export default async function () {
  const web = await http.asyncRequest('GET', 'http://web.tenant.invalid/');
  const api = await http.asyncRequest('GET', `https://api.tenant.invalid:${__ENV.HTTPS_PORT}/`);
  const wild = await http.asyncRequest('GET', 'http://x.wild.invalid/');
  const unmapped = await http.asyncRequest('GET', 'http://nowhere.invalid/', null, { timeout: '5s' });
  console.log(`web=${web.status} api=${api.status} wild=${wild.status} unmapped=${unmapped.status} ${api.error}`);
}
