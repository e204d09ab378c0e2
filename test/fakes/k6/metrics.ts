/** Fake of `k6/metrics`: every `add` becomes a sample in `fakeK6.samples` (booleans as 1/0, like k6). */
import { fakeK6 } from './recorder';
import type { FakeSample } from './recorder';

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

class Metric {
  constructor(
    readonly name: string,
    private readonly type: FakeSample['type'],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name '${name}'`);
  }

  add(value: number | boolean, tags: Record<string, string> = {}): boolean {
    fakeK6.samples.push({ metric: this.name, type: this.type, value: Number(value), tags: { ...tags } });
    return true;
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
}
export class Trend extends Metric {
  constructor(name: string) {
    super(name, 'trend');
  }
}
