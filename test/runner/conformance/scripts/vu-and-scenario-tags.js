import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
const c = new Counter('tagged_things');
export const options = {
  tags: { run: 'r1' },
  scenarios: { tagged: { executor: 'shared-iterations', iterations: 4, tags: { team: 'blue' } } },
  thresholds: {
    'tagged_things{team:blue}': ['count==4'],
    'tagged_things{run:r1,scenario:tagged}': ['count==4'],
    'tagged_things{phase:warm}': ['count==3'],
    'iterations{scenario:tagged}': ['count==4'],
  },
};
export default function () {
  c.add(1);
  exec.vu.metrics.tags.phase = 'warm';
}
