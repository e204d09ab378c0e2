// Two scenarios with the same shape, each split over two worker threads (maxVUs 2: one VU per
// worker); every worker runs out of VUs.
const s = { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, maxVUs: 2 };
export const options = { scenarios: { first: s, second: s } };
export default async function () { await new Promise((r) => setTimeout(r, 180)); }
