/** Fake of `k6/execution`, driven through `fakeK6.exec`. */
import { fakeK6 } from './recorder';

const exec = {
  get instance() {
    return { currentTestRunDuration: fakeK6.exec.currentTestRunDuration, iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 1, vusInitialized: 1 };
  },
  get vu() {
    return { idInTest: fakeK6.exec.vuIdInTest, idInInstance: fakeK6.exec.vuIdInTest, iterationInInstance: 0, iterationInScenario: 0, metrics: { tags: {}, metadata: {} } };
  },
  get scenario() {
    return { name: 'tenant_load', executor: 'constant-arrival-rate', startTime: 0, progress: 0, iterationInInstance: 0, iterationInTest: fakeK6.exec.iterationInTest };
  },
  test: {
    abort(msg?: string): never {
      throw new Error(`test aborted: ${msg ?? ''}`);
    },
    fail(_msg?: string): void {},
    get options() {
      return { executionSegment: fakeK6.exec.executionSegment };
    },
  },
};

export default exec;
