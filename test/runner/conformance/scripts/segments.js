export const options = { scenarios: {
  shared: { executor: 'shared-iterations', vus: 10, iterations: 20 },
  single: { executor: 'shared-iterations', vus: 1, iterations: 1, exec: 'single' },
} };
export default function () {}
export function single() { console.log('SINGLE RAN'); }
