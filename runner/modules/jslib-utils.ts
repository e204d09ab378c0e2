/**
 * `https://jslib.k6.io/k6-utils/1.6.0/index.js`, offline (docs/k6-semantics.md#jslib-utils; grafana/k6-jslib-utils
 * `src/utils.js`, `src/stages.js`, Apache-2.0). Same semantics: randomness from the VU's own
 * `Math.random` (so `randomSeed` applies), `findBetween` returns null on no match (the source's
 * behaviour, not the docs'), `check` is async-aware.
 */
import { CHECKS, TAG_CHECK } from '../constants';
import { parseK6Duration } from '../../contracts/duration';
import { isThenable } from '../vu/thenable';
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';
import { tagsFromArg } from './k6';

export function createJslibUtils(vu: VuApi): Record<string, unknown> {
  const random = (): number => vu.math.random();

  const randomIntBetween = (min: number, max: number): number => Math.floor(random() * (max - min + 1) + min);
  const randomItem = <T>(items: ArrayLike<T>): T => items[Math.floor(random() * items.length)]!;
  const randomString = (length: number, charset = 'abcdefghijklmnopqrstuvwxyz'): string => {
    let res = '';
    let n = length;
    while (n-- > 0) res += charset[(random() * charset.length) | 0];
    return res;
  };
  const uuidv4 = (secure = false): string => {
    if (secure) return (vu.context.crypto as { randomUUID(): string }).randomUUID();
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
      const r = (random() * 16) | 0;
      return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
    });
  };
  const findBetween = (content: string, left: string, right: string, repeat = false): string | string[] | null => {
    const extracted: string[] = [];
    let rest = String(content);
    for (;;) {
      let start = rest.indexOf(left);
      if (start === -1) break;
      start += left.length;
      const end = rest.indexOf(right, start);
      if (end === -1) break;
      const found = rest.substring(start, end);
      if (!repeat) return found;
      extracted.push(found);
      rest = rest.substring(end + right.length);
    }
    return extracted.length ? extracted : null;
  };
  const normalDistributionStages = (maxVus: number, durationSeconds: number, numberOfStages = 10): Array<{ duration: string; target: number }> => {
    const density = (mean: number, scale: number, x: number): number => Math.exp(-0.5 * ((x - mean) / scale) ** 2) / (scale * Math.sqrt(2 * Math.PI));
    const curve = new Array<number>(numberOfStages + 2).fill(0);
    const durations = new Array<number>(numberOfStages + 2).fill(Math.ceil(durationSeconds / 6));
    for (let i = 0; i <= numberOfStages; i++) curve[i] = density(0, 1, -2 + (4 * i) / numberOfStages);
    const peak = Math.ceil((4 * durationSeconds) / 6);
    for (let i = 0; i < numberOfStages; i++) durations[i + 1] = Math.ceil(peak / numberOfStages);
    const max = Math.max(...curve);
    const vus = curve.map((x) => Math.round((x * maxVus) / max));
    return durations.map((d, i) => ({ duration: `${d}s`, target: vus[i]! }));
  };
  const currentStages = (): { stages: Array<{ duration: string; target: number }>; start: number; cfg: Record<string, unknown> } => {
    const sc = vu.scenario;
    if (!sc) throw new Error('getCurrentStageIndex() can only be called inside a scenario');
    const cfg = ((vu.engine.options?.testOptions.scenarios ?? {}) as Record<string, Record<string, unknown>>)[sc.config.name] ?? {};
    const stages = cfg.stages as Array<{ duration: string; target: number }> | undefined;
    if (!Array.isArray(stages)) throw new Error(`the ${sc.config.executor} executor of scenario ${sc.config.name} has no stages`);
    return { stages, start: sc.startTime, cfg };
  };
  const getCurrentStageIndex = (): number => {
    const { stages, start } = currentStages();
    const elapsed = Date.now() - start;
    let sum = 0;
    for (let i = 0; i < stages.length; i++) {
      sum += parseK6Duration(stages[i]!.duration) ?? 0;
      if (elapsed < sum) return i;
    }
    return stages.length - 1;
  };
  const tagWithCurrentStageIndex = (): void => {
    vu.metricTags.stage = String(getCurrentStageIndex());
    vu.tagsVersion++;
  };
  const tagWithCurrentStageProfile = (): void => {
    const { stages, cfg } = currentStages();
    const i = getCurrentStageIndex();
    const prev = i === 0 ? Number(cfg.startVUs ?? cfg.startRate ?? 0) : stages[i - 1]!.target;
    const cur = stages[i]!.target;
    vu.metricTags.stage_profile = cur > prev ? 'ramp-up' : cur < prev ? 'ramp-down' : 'steady';
    vu.tagsVersion++;
  };
  const parseDuration = (text: string): number => {
    const ms = parseK6Duration(text);
    if (ms === undefined) throw new Error(`invalid duration ${JSON.stringify(text)}`);
    return ms;
  };

  /** Async-aware drop-in for k6's check: returns a Promise<boolean> when anything is a promise. */
  const check = (val: unknown, sets: Record<string, unknown>, tags?: unknown): boolean | Promise<boolean> => {
    const extra = tagsFromArg(tags, 'check()');
    const record = (name: string, ok: boolean): void => {
      vu.emit(CHECKS, ok ? 1 : 0, vu.checkTags(extra, name));
    };
    const runAll = (value: unknown): boolean | Promise<boolean> => {
      const results = Object.entries(sets).map(([name, checker]) => {
        try {
          const r = typeof checker === 'function' ? (checker as (v: unknown) => unknown)(value) : checker;
          return { name, r };
        } catch (err) {
          record(name, false);
          throw err;
        }
      });
      if (results.some((x) => isThenable(x.r))) {
        return Promise.all(results.map(async (x) => ({ name: x.name, ok: Boolean(await x.r) }))).then((all) => {
          all.forEach((x) => record(x.name, x.ok));
          return all.every((x) => x.ok);
        });
      }
      results.forEach((x) => record(x.name, Boolean(x.r)));
      return results.every((x) => Boolean(x.r));
    };
    return isThenable(val) ? Promise.resolve(val).then(runAll) : runAll(val);
  };

  return esModule({
    check,
    findBetween,
    getCurrentStageIndex,
    normalDistributionStages,
    parseDuration,
    randomIntBetween,
    randomItem,
    randomString,
    tagWithCurrentStageIndex,
    tagWithCurrentStageProfile,
    uuidv4,
  });
}
