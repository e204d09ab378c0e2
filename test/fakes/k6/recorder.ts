/**
 * Shared state of the in-process k6 fakes (vitest aliases `k6`, `k6/*`, `k6/x/disruptor` and the
 * k6-utils URL to the files beside this one). Tests drive the fakes and read what the code under
 * test did through `fakeK6`.
 */
export interface FakeSample {
  metric: string;
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  value: number;
  tags: Record<string, string>;
}

export interface FakeRequest {
  method: string;
  url: string;
  body: unknown;
  params: { headers?: Record<string, string>; tags?: Record<string, string>; timeout?: number | string } & Record<string, unknown>;
}

export interface FakeResponse {
  status: number;
  body: string | null;
  headers?: Record<string, string>;
  error?: string;
  error_code?: number;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeCheck {
  name: string;
  ok: boolean;
  tags: Record<string, string>;
}

export const fakeK6 = {
  samples: [] as FakeSample[],
  requests: [] as FakeRequest[],
  checks: [] as FakeCheck[],
  handler: ((): FakeResponse => ({ status: 0, body: null, error: 'no fake handler set', error_code: 1000 })) as FakeHandler,
  disruptor: {
    constructed: [] as Array<{ service: string; namespace: string }>,
    injected: [] as Array<{ fault: unknown; duration: string }>,
    behaviour: (): void | Promise<void> => undefined,
  },
  exec: {
    currentTestRunDuration: 0,
    vuIdInTest: 1,
    iterationInTest: 0,
    /** `exec.test.options.executionSegment` (k6: null when unset). */
    executionSegment: null as string | null,
  },
  reset(): void {
    this.samples = [];
    this.requests = [];
    this.checks = [];
    this.handler = () => ({ status: 0, body: null, error: 'no fake handler set', error_code: 1000 });
    this.disruptor.constructed = [];
    this.disruptor.injected = [];
    this.disruptor.behaviour = () => undefined;
    this.exec.currentTestRunDuration = 0;
    this.exec.vuIdInTest = 1;
    this.exec.iterationInTest = 0;
    this.exec.executionSegment = null;
  },
  /** Samples of one metric whose tags contain every given tag. */
  select(metric: string, tags: Record<string, string> = {}): FakeSample[] {
    return this.samples.filter((s) => s.metric === metric && Object.entries(tags).every(([k, v]) => s.tags[k] === v));
  },
  /** Sum of a counter's matching samples. */
  count(metric: string, tags: Record<string, string> = {}): number {
    return this.select(metric, tags).reduce((a, s) => a + s.value, 0);
  },
};
