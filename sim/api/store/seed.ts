/**
 * Deterministic seed data per tenant: the same tenant id always yields the same 50 policies,
 * 200 findings, 5 channels and 3 rules (a mulberry32 PRNG seeded from the tenant id), so tests and
 * load scripts can name ids (`pol-001`, `fnd-0001`, `ch-1`, `rule-1`) without reading first.
 */
import { SEVERITIES, type Channel, type Finding, type Policy, type Rule } from './resources';

export const SEED_POLICIES = 50;
export const SEED_FINDINGS = 200;
export const SEED_CHANNELS = 5;
export const SEED_RULES = 3;
const SEED_TIME = '2026-01-01T00:00:00.000Z';

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMPONENTS = ['openssl', 'glibc', 'log4j-core', 'zlib', 'curl', 'libxml2', 'busybox', 'nginx', 'jackson-databind', 'spring-web'];
const EFFECTS = ['allow', 'deny', 'warn'] as const;
const KINDS = ['email', 'slack', 'webhook'] as const;
const EVENTS = ['finding.created', 'finding.triaged', 'policy.updated'] as const;

export interface SeedData {
  policies: Policy[];
  findings: Finding[];
  channels: Channel[];
  rules: Rule[];
}

export function seedTenant(tenant: string): SeedData {
  const rnd = mulberry32(hash(tenant));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const policies: Policy[] = Array.from({ length: SEED_POLICIES }, (_, i) => {
    const id = `pol-${String(i + 1).padStart(3, '0')}`;
    return {
      id,
      name: `${tenant} policy ${i + 1}`,
      description: `Seeded policy ${i + 1} of ${tenant}`,
      rules: Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_r, j) => ({
        id: `r${j + 1}`,
        effect: pick(EFFECTS),
        condition: `severity >= ${pick(SEVERITIES)} and component == "${pick(COMPONENTS)}"`,
      })),
      version: 1,
      updatedAt: SEED_TIME,
    };
  });
  const findings: Finding[] = Array.from({ length: SEED_FINDINGS }, (_, i) => ({
    id: `fnd-${String(i + 1).padStart(4, '0')}`,
    cve: `CVE-${2020 + Math.floor(rnd() * 7)}-${String(1000 + Math.floor(rnd() * 89000)).padStart(5, '0')}`,
    severity: pick(SEVERITIES),
    component: `${pick(COMPONENTS)}@${1 + Math.floor(rnd() * 4)}.${Math.floor(rnd() * 20)}.${Math.floor(rnd() * 10)}`,
    status: 'open',
    triage: null,
  }));
  const channels: Channel[] = Array.from({ length: SEED_CHANNELS }, (_, i) => {
    const kind = KINDS[i % KINDS.length] as Channel['kind'];
    const target = kind === 'email' ? `secops+${tenant}@example.com` : kind === 'slack' ? `#${tenant}-alerts` : `https://hooks.example.com/${tenant}/${i + 1}`;
    return { id: `ch-${i + 1}`, kind, name: `${tenant} ${kind} ${i + 1}`, target };
  });
  const rules: Rule[] = Array.from({ length: SEED_RULES }, (_, i) => ({
    id: `rule-${i + 1}`,
    name: `${tenant} seeded rule ${i + 1}`,
    channelId: `ch-${(i % SEED_CHANNELS) + 1}`,
    event: EVENTS[i % EVENTS.length] as Rule['event'],
    minSeverity: pick(SEVERITIES),
    createdAt: SEED_TIME,
  }));
  return { policies, findings, channels, rules };
}
