export const options = { scenarios: { s1: { executor: 'constant-vuz', vus: 1, duration: '1s' } } };
export default function () {}
