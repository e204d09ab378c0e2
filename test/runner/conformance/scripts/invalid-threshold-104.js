export const options = { thresholds: { http_req_duration: ['p(95)=<300'] } };
export default function () {}
