/**
 * The benchmark report: each part of `npm run bench` (bench/sim.ts, bench/runner.ts,
 * bench/e2e.ts) measures side by side in one run and returns a section; bench/run.ts writes them,
 * with the machine's facts, to bench/reports/<name>.md and .json.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface BenchSection {
  title: string;
  /** The command that reproduces this section alone. */
  command: string;
  /** One row per measurement; the first row's keys are the table's columns. */
  rows: Array<Record<string, string | number>>;
  /** Ratios and verdicts against the targets, one sentence each. */
  findings: string[];
}

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  date: string;
}

export function machineFacts(now: Date = new Date()): MachineFacts {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    date: now.toISOString(),
  };
}

function table(rows: BenchSection['rows']): string {
  const first = rows[0];
  if (!first) return '_no rows_\n';
  const cols = Object.keys(first);
  const line = (cells: Array<string | number | undefined>): string => `| ${cells.map((c) => String(c ?? '')).join(' | ')} |`;
  return [line(cols), line(cols.map(() => '---')), ...rows.map((r) => line(cols.map((c) => r[c])))].join('\n') + '\n';
}

export function renderMarkdown(title: string, facts: MachineFacts, sections: BenchSection[]): string {
  const parts = [
    `# ${title}\n`,
    `Machine: ${facts.cores} cores (${facts.cpuModel}), ${facts.memoryGiB} GiB, Node ${facts.node}; run ${facts.date}.\n`,
  ];
  for (const s of sections) {
    parts.push(`## ${s.title}\n`, `Reproduce: \`${s.command}\`\n`, table(s.rows));
    if (s.findings.length) parts.push(s.findings.map((f) => `- ${f}`).join('\n') + '\n');
  }
  return parts.join('\n');
}

/** Writes `<base>.md` and `<base>.json`; returns the markdown path. */
export function writeReport(base: string, title: string, sections: BenchSection[], facts = machineFacts()): string {
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}.md`, renderMarkdown(title, facts, sections));
  writeFileSync(`${base}.json`, JSON.stringify({ title, machine: facts, sections }, null, 2) + '\n');
  return `${base}.md`;
}

/**
 * Whether `file` (e.g. 'bench/sim.ts') is the script node or tsx was started with. A part's
 * standalone block must not run when bench/run.ts bundles it into build/bench.js, where every
 * part shares the bundle's `import.meta.url`.
 */
export function isDirectRun(file: string): boolean {
  return (process.argv[1] ?? '').replace(/\\/g, '/').endsWith(file);
}
