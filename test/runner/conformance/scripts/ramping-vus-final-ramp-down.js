// k6 v2.2 lib/executor/ramping_vus.go (reserveVUsForGracefulRampDowns, GetExecutionRequirements):
// with gracefulRampDown 0 the last stage's ramp to 0 ends the scenario at the end of the stages and
// interrupts the iteration still running; gracefulStop (30 s here) does not apply to it.
export const options = {
  scenarios: {
    s: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '1s', target: 1 },
        { duration: '500ms', target: 0 },
      ],
      gracefulRampDown: '0s',
      gracefulStop: '30s',
    },
  },
};
// Iterations start at 0, 600 and 1200 ms; the third is still running at 1500 ms.
export default async function () {
  await new Promise((r) => setTimeout(r, 600));
}
