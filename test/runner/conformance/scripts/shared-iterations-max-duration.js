export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 100, maxDuration: '1s', gracefulStop: '0s' } } };
export default async function () { await new Promise((r) => setTimeout(r, 300)); }
