/** Fake of `k6/data`: SharedArray returns frozen copies like k6. */
export class SharedArray<T> {
  private readonly items: string[];
  constructor(_name: string, fn: () => T[]) {
    this.items = fn().map((x) => JSON.stringify(x));
  }
  get length(): number {
    return this.items.length;
  }
  at(i: number): T {
    return Object.freeze(JSON.parse(this.items[i] as string)) as T;
  }
}
