/**
 * Serialized-response memo for reads. Stored items are immutable (every write stores a new
 * object and rebuilds the list view), so a JSON text keyed by the object — or by the list view
 * array plus the page parameters — can never be stale: a write makes a new key and the old entry
 * is garbage-collected with its WeakMap key. Saves the JSON.stringify of a 20-item page (the
 * largest per-request cost after the socket write) on the hot read path.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

const items = new WeakMap<object, JsonText>();
const pages = new WeakMap<readonly unknown[], Map<string, JsonText>>();
/** Distinct pages remembered per list view (limit × cursor × filter combinations). */
const MAX_PAGES_PER_VIEW = 512;

export function itemJson(item: object): JsonText {
  let j = items.get(item);
  if (!j) {
    j = new JsonText(JSON.stringify(item));
    items.set(item, j);
  }
  return j;
}

export function pageJson(view: readonly unknown[], key: string, build: () => unknown): JsonText {
  let m = pages.get(view);
  if (!m) {
    m = new Map();
    pages.set(view, m);
  }
  let j = m.get(key);
  if (!j) {
    j = new JsonText(JSON.stringify(build()));
    if (m.size >= MAX_PAGES_PER_VIEW) m.clear();
    m.set(key, j);
  }
  return j;
}
