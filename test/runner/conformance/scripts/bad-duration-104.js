export const options = { scenarios: { s1: { executor: 'constant-vus', vus: 1, duration: '10 seconds' } } };
export default function () {}
