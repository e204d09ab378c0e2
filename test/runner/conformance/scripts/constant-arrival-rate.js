export const options = { scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 5 } } };
export default async function () { await new Promise((r) => setTimeout(r, 10)); }
