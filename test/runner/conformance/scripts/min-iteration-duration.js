export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s' } }, minIterationDuration: '300ms', thresholds: { iteration_duration: ['min>=295'] } };
export default function () {}
