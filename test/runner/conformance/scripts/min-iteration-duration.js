// k6 v2.2 internal/js/runner.go (runFn emits iteration_duration when the function ends; RunOnce then
// sleeps the rest of minIterationDuration): iterations are stretched, iteration_duration is not.
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s' } }, minIterationDuration: '300ms', thresholds: { iteration_duration: ['max<250'] } };
export default function () {}
