export const options = { scenarios: { s: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1s', target: 3 }, { duration: '500ms', target: 3 }], gracefulRampDown: '0s' } } };
export default async function () { await new Promise((r) => setTimeout(r, 100)); }
