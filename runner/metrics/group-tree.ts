/**
 * `root_group` of `handleSummary` data: the tree of groups and their checks, rebuilt from
 * samples exactly as k6's GroupSummary output does (k6 `lib/group_summary.go`): every `checks`
 * or `group_duration` sample carrying a `group` tag creates the groups on its path
 * (`::outer::inner`), and every `checks` sample with a `check` tag counts a pass (non-zero) or a
 * fail (zero) on that check. Ids are the hex MD5 of the path, as k6's `lib/models.go`; a check's
 * path is its group's path + `::` + its name (so a root check is `::name`).
 */

import { createHash } from 'node:crypto';
import { GROUP_SEPARATOR } from '../constants';

export interface SummaryCheck {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface SummaryGroup {
  name: string;
  path: string;
  id: string;
  groups: SummaryGroup[];
  checks: SummaryCheck[];
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

class GroupNode {
  readonly groups = new Map<string, GroupNode>();
  readonly checks = new Map<string, SummaryCheck>();
  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  child(name: string): GroupNode {
    let g = this.groups.get(name);
    if (g === undefined) {
      g = new GroupNode(name, this.path + GROUP_SEPARATOR + name);
      this.groups.set(name, g);
    }
    return g;
  }

  check(name: string): SummaryCheck {
    let c = this.checks.get(name);
    if (c === undefined) {
      const path = this.path + GROUP_SEPARATOR + name;
      c = { name, path, id: md5(path), passes: 0, fails: 0 };
      this.checks.set(name, c);
    }
    return c;
  }

  export(): SummaryGroup {
    return {
      name: this.name,
      path: this.path,
      id: md5(this.path),
      groups: [...this.groups.values()].map((g) => g.export()),
      checks: [...this.checks.values()].map((c) => ({ ...c })),
    };
  }
}

export interface CheckTotals {
  name: string;
  passes: number;
  fails: number;
}

export class GroupTree {
  private readonly root = new GroupNode('', '');
  /** Every check by name across all groups, in first-seen order (the summary's TOTAL RESULTS). */
  private readonly totals = new Map<string, CheckTotals>();
  /** Last group path resolved, to skip the split on the hot path (most samples share a group). */
  private lastPath: string | undefined;
  private lastNode: GroupNode = this.root;

  private nodeFor(groupPath: string): GroupNode {
    if (groupPath === this.lastPath) return this.lastNode;
    let node = this.root;
    const names = groupPath.split(GROUP_SEPARATOR);
    // A path starts with '::' (or is '' for the root), so the first element is always empty.
    for (let i = 1; i < names.length; i++) node = node.child(names[i]!);
    this.lastPath = groupPath;
    this.lastNode = node;
    return node;
  }

  /** Records a `group_duration` sample (creates its group). */
  touch(groupPath: string): void {
    this.nodeFor(groupPath);
  }

  /** Records a `checks` sample; without a `group` tag it only counts in the totals. */
  recordCheck(groupPath: string | undefined, checkName: string, value: number): void {
    let t = this.totals.get(checkName);
    if (t === undefined) {
      t = { name: checkName, passes: 0, fails: 0 };
      this.totals.set(checkName, t);
    }
    if (value === 0) t.fails += 1;
    else t.passes += 1;
    if (groupPath === undefined) return;
    const c = this.nodeFor(groupPath).check(checkName);
    if (value === 0) c.fails += 1;
    else c.passes += 1;
  }

  checkTotals(): CheckTotals[] {
    return [...this.totals.values()].map((t) => ({ ...t }));
  }

  export(): SummaryGroup {
    return this.root.export();
  }
}
