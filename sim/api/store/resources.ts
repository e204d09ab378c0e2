/** Resource shapes of docs/platform-api.md. */
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export interface PolicyRule {
  id: string;
  effect: 'allow' | 'deny' | 'warn';
  condition: string;
}

export interface Policy {
  id: string;
  name: string;
  description: string;
  rules: PolicyRule[];
  version: number;
  updatedAt: string;
  clientRequestId?: string;
}

export interface Triage {
  status: 'triaged' | 'accepted' | 'fixed' | 'false_positive';
  note: string;
  at: string;
  by: string;
  clientRequestId?: string;
}

export interface Finding {
  id: string;
  cve: string;
  severity: Severity;
  component: string;
  status: string;
  triage: Triage | null;
}

export interface Channel {
  id: string;
  kind: 'email' | 'slack' | 'webhook';
  name: string;
  target: string;
}

export interface Rule {
  id: string;
  name: string;
  channelId: string;
  event: 'finding.created' | 'finding.triaged' | 'policy.updated';
  minSeverity: Severity;
  createdAt: string;
  clientRequestId?: string;
}
