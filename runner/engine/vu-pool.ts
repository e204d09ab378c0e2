/**
 * The VUs of this instance. k6 initialises every VU the scenarios can need at once before the
 * test starts (`vus_max`), hands idle ones to scenarios and takes them back; arrival-rate
 * scenarios may initialise more during the run, up to their `maxVUs` (docs/k6-semantics.md#dropped-iterations).
 */
import type { ExecutionTuple } from '../options/execution-segment';
import type { EngineServices } from '../vu/engine-services';
import type { CompiledModule } from '../vu/script-loader';
import { VU } from '../vu/vu';

export class VuPool {
  private readonly idle: VU[] = [];
  private count = 0;

  constructor(
    private readonly services: EngineServices,
    private readonly entry: CompiledModule,
    private readonly tuple: ExecutionTuple,
    /** VU ids are the VUs' numbers in the whole test (worker threads of one run share `__VU`s). */
    private readonly globalIds = false,
  ) {}

  get initialized(): number {
    return this.count;
  }

  /** Creates one VU synchronously (init code runs now). */
  create(): VU {
    const id = ++this.count;
    const idInTest = this.tuple.isFull ? id : this.tuple.globalIndex(id - 1) + 1;
    return new VU(this.globalIds ? idInTest : id, this.services, this.entry, idInTest);
  }

  /** Initialises `n` VUs up front, yielding to the event loop between batches. */
  async preallocate(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      this.idle.push(this.create());
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Parses the setup data in every pre-allocated VU before the test clock starts, instead of in
   * each VU's first iteration (JSON.parse in the VU's context is invisible to the script; at
   * 5,000 it/s the first iterations of hundreds of VUs paid it inside the first second).
   */
  async primeSetupData(setupJSON: string | undefined): Promise<void> {
    for (let i = 0; i < this.idle.length; i++) {
      this.idle[i]!.dataFor(setupJSON);
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
  }

  take(): VU | undefined {
    return this.idle.pop();
  }

  release(vu: VU): void {
    this.idle.push(vu);
  }

  /** A VU created during the run (counts towards vus_max). */
  async grow(): Promise<VU> {
    await new Promise((r) => setImmediate(r));
    return this.create();
  }
}
