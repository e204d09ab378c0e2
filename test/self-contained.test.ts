/**
 * The repository stands alone: whoever clones it has only the repository. So no tracked file may
 * cite or read a file outside it (design notes and fact sheets that lived beside the clone), and
 * every citation of our own docs — `docs/<page>.md#<section>` in code comments, relative links in
 * Markdown — must name a page that exists and a section heading it has.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = relative(ROOT, fileURLToPath(import.meta.url));

/** Files outside the repository that were cited or read before it stood alone. */
const OUTSIDE = [
  /\.\.\/shared\b/,
  /\bshared\/(?:reference|schemas|DESIGN)/,
  /\bDESIGN\.md\b/,
  /\bk6-facts\b/,
  /\bSTYLE\.md\b/,
  /\bstyle-anchors\b/,
  /\buser-asks\b/,
  /\bauth-observability-facts\b/,
  /\breference §/,
];

const BINARY = /\.(png|jpe?g|gif|ico|gz|tgz|zip|woff2?|pdf)$/i;

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => f !== '' && !BINARY.test(f) && existsSync(join(ROOT, f)))
    .sort();
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) anchors.add(headingAnchor(m[1] as string));
  }
  return anchors;
}

/** Citations of a docs page in any text: `docs/page.md#anchor`, `page.md#anchor` for our pages. */
export function docCitations(text: string, pages: readonly string[]): { page: string; anchor?: string }[] {
  const out: { page: string; anchor?: string }[] = [];
  const names = pages.map((p) => p.replace(/^docs\//, '').replace(/\./g, '\\.')).join('|');
  const re = new RegExp(`(?:docs/)?\\b(${names})(?:#([a-z0-9_-]+))?`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ page: `docs/${m[1]}`, anchor: m[2] });
  return out;
}

/** Relative Markdown links `[text](path#anchor)` of a Markdown file. */
export function markdownLinks(markdown: string): { target: string; anchor?: string }[] {
  const out: { target: string; anchor?: string }[] = [];
  const re = /\]\(([^)\s]+)\)/g;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const link = m[1] as string;
    if (/^[a-z]+:/i.test(link)) continue;
    const [target, anchor] = link.split('#') as [string, string | undefined];
    out.push({ target, anchor });
  }
  return out;
}

describe('the repository stands alone', () => {
  const files = trackedTextFiles();
  const docsPages = files.filter((f) => /^docs\/[^/]+\.md$/.test(f));

  it('finds the tracked files and our docs pages', () => {
    expect(files).toContain('package.json');
    expect(docsPages).toEqual(expect.arrayContaining(['docs/architecture.md', 'docs/k6-semantics.md']));
  });

  it('no tracked file cites or reads a file outside the repository', () => {
    const bad: string[] = [];
    for (const file of files) {
      if (file === SELF) continue;
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const re of OUTSIDE) if (re.test(line)) bad.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(bad).toEqual([]);
  });

  it('every citation of a docs page names a section the page has', () => {
    const anchors = new Map(docsPages.map((p) => [p, anchorsOf(readFileSync(join(ROOT, p), 'utf8'))]));
    const bad: string[] = [];
    for (const file of files) {
      if (file === SELF) continue;
      for (const c of docCitations(readFileSync(join(ROOT, file), 'utf8'), docsPages)) {
        if (c.anchor !== undefined && !anchors.get(c.page)?.has(c.anchor)) bad.push(`${file}: ${c.page}#${c.anchor}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every relative link in a Markdown file points at a file of the repository (and a heading it has)', () => {
    const bad: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.md'))) {
      for (const { target, anchor } of markdownLinks(readFileSync(join(ROOT, file), 'utf8'))) {
        const path = target === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), target);
        const rel = relative(ROOT, path);
        if (rel.startsWith('..') || !existsSync(path)) {
          bad.push(`${file}: ${target}`);
          continue;
        }
        if (anchor !== undefined && path.endsWith('.md') && !anchorsOf(readFileSync(path, 'utf8')).has(anchor)) bad.push(`${file}: ${target}#${anchor}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it.each([
    ['## Threshold grammar', 'threshold-grammar'],
    ['## k6 http', 'k6-http'],
    ['### `--rate N`: the target', '--rate-n-the-target'],
    ['## Open and SharedArray', 'open-and-sharedarray'],
  ])('turns the heading %j into the anchor %s', (heading, anchor) => {
    expect([...anchorsOf(heading)]).toEqual([anchor]);
  });

  it.each([
    ['see docs/k6-semantics.md#executors.', [{ page: 'docs/k6-semantics.md', anchor: 'executors' }]],
    ['(k6-semantics.md#exit-codes, #ci)', [{ page: 'docs/k6-semantics.md', anchor: 'exit-codes' }]],
    ['docs/architecture.md', [{ page: 'docs/architecture.md', anchor: undefined }]],
    ['nothing here', []],
  ])('reads the citations of %j', (text, citations) => {
    expect(docCitations(text, ['docs/k6-semantics.md', 'docs/architecture.md'])).toEqual(citations);
  });
});
