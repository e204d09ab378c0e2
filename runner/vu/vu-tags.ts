/**
 * The tag sets a VU's samples carry. Base tags and (see tagsFromArg in modules/k6.ts) extra tags
 * are interned, so these caches, shared by all VUs, find a check's or a metric sample's tags by
 * identity and allocate none. Plain functions: the VU calls them on its hot paths.
 */
import { TAG_CHECK, TAG_GROUP, TAG_SCENARIO } from '../constants';
import type { Tags } from '../contract';
import { internTags } from '../metrics/tag-intern';
import type { ScenarioState } from './vu-api';

const mergedCache = new WeakMap<object, WeakMap<object, Tags>>();
const checkCache = new WeakMap<object, WeakMap<object, Map<string, Tags>>>();
const iterationTagCache = new WeakMap<object, Tags>();

/** Test tags, scenario tags, VU tags (`exec.vu.metrics.tags`) and the group, interned. */
export function computeBaseTags(
  testTags: Readonly<Record<string, string>> | undefined,
  scenario: ScenarioState | undefined,
  metricTags: Readonly<Record<string, string | number | boolean>>,
  groupPath: string,
): Record<string, string> {
  const tags: Record<string, string> = { ...testTags };
  if (scenario) {
    Object.assign(tags, scenario.config.tags);
    tags[TAG_SCENARIO] = scenario.config.name;
  }
  for (const [k, v] of Object.entries(metricTags)) tags[k] = String(v);
  tags[TAG_GROUP] = groupPath;
  return internTags(tags);
}

/** `{...base, ...extra}`, shared (read-only). */
export function mergedTagsOf(base: Readonly<Record<string, string>>, extra: Tags): Tags {
  let byExtra = mergedCache.get(base);
  if (byExtra === undefined) mergedCache.set(base, (byExtra = new WeakMap()));
  let tags = byExtra.get(extra);
  if (tags === undefined) {
    tags = Object.freeze({ ...base, ...extra });
    byExtra.set(extra, tags);
  }
  return tags;
}

/** `{...base, ...extra, check: name}`, shared (read-only). */
export function checkTagsOf(base: Readonly<Record<string, string>>, extra: Tags, name: string): Tags {
  let byExtra = checkCache.get(base);
  if (byExtra === undefined) checkCache.set(base, (byExtra = new WeakMap()));
  let byName = byExtra.get(extra);
  if (byName === undefined) byExtra.set(extra, (byName = new Map()));
  let tags = byName.get(name);
  if (tags === undefined) {
    tags = Object.freeze({ ...base, ...extra, [TAG_CHECK]: name });
    if (byName.size >= 1000) byName.clear();
    byName.set(name, tags);
  }
  return tags;
}

/** The base tags without `group` (iteration samples carry no group tag, as in k6). */
export function iterationTags(base: Tags): Tags {
  let tags = iterationTagCache.get(base);
  if (tags === undefined) {
    const copy: Record<string, string> = { ...base };
    delete copy[TAG_GROUP];
    tags = Object.freeze(copy);
    iterationTagCache.set(base, tags);
  }
  return tags;
}
