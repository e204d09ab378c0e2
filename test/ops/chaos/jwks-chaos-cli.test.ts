/**
 * jwks-chaos.sh as a command line: usage, every bad value named with exit code 2 before anything
 * is contacted or changed, durations, the confirmation gate and the dry-run plan.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCRIPT } from './script-process';

function chaos(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [SCRIPT, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('jwks-chaos.sh command line', () => {
  it('is strict-mode bash with a usage() and an error() that writes to stderr', () => {
    const text = readFileSync(SCRIPT, 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toMatch(/^set -Eeuo pipefail$/m);
    expect(text).toMatch(/^usage\(\) \{$/m);
    expect(text).toMatch(/^error\(\) \{\n\s+printf .* >&2\n\}/m);
  });

  it('prints its usage with --help and exits 0', () => {
    const r = chaos(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: jwks-chaos\.sh \[options\] agent\|iptables/);
    expect(r.stdout).toMatch(/--dry-run/);
  });

  it.each<[string, string[], RegExp]>([
    ['no mode', [], /a mode is required: agent or iptables/],
    ['an unknown mode', ['chaos-monkey'], /mode must be agent or iptables \(got 'chaos-monkey'\)/],
    ['a mode that only contains a valid one', ['xagent'], /mode must be agent or iptables \(got 'xagent'\)/],
    ['two modes', ['agent', 'iptables'], /one mode only/],
    ['an unknown option', ['--force', 'agent'], /unknown option '--force'/],
    ['an option without its value', ['agent', '--duration'], /--duration needs a value/],
    ['a duration without a unit', ['-d', '300', 'agent'], /--duration: '300' is not a duration; use digits with a unit/],
    ['a fractional duration', ['-d', '1.5m', 'agent'], /--duration: '1\.5m' is not a duration/],
    ['a duration under one second', ['-d', '500ms', 'agent'], /--duration must be at least 1s \(got '500ms'\)/],
    ['a bad --start-after', ['--start-after', 'soon', 'agent'], /--start-after: 'soon' is not a duration/],
    ['a bad --wait-k6 address', ['--wait-k6', 'localhost', 'agent'], /--wait-k6 must be HOST:PORT/],
    ['a bad --wait-url', ['--wait-url', 'ftp://x', 'agent'], /--wait-url must be an http:\/\/ or https:\/\/ URL/],
    ['an agent URL with a path', ['--agent-url', 'http://agent:8442/v1', 'agent'], /--agent-url must be an http:\/\/ or https:\/\/ base URL without a path/],
    ['an error code out of range', ['--error-code', '700', 'agent'], /--error-code must be an HTTP error status 400-599 \(got '700'\)/],
    ['an unknown agent fault shape', ['--fault', 'drop', 'agent'], /--fault must be error, blackhole or reset \(got 'drop'\)/],
    ['a success status as the error code', ['--error-code', '200', 'agent'], /--error-code must be an HTTP error status 400-599 \(got '200'\)/],
    ['an exclude path without a slash', ['--exclude', 'healthz', 'agent'], /--exclude must be comma-separated paths starting with '\/'/],
    ['iptables without a target', ['iptables'], /iptables mode needs --target HOST:PORT or --jwks-url URL/],
    ['both --target and --jwks-url', ['--target', 'a:1', '--jwks-url', 'http://a/jwks', 'iptables'], /give --target or --jwks-url, not both/],
    ['a target without a port', ['--target', 'authority.internal', 'iptables'], /--target must be HOST:PORT or \[IPv6\]:PORT/],
    ['a port out of range', ['--target', '10.0.0.1:70000', 'iptables'], /port must be 1-65535 \(got '70000'\)/],
    ['an unknown action', ['--target', '10.0.0.1:80', '--action', 'delay', 'iptables'], /--action must be drop or reject \(got 'delay'\)/],
    ['an unknown chain', ['--target', '10.0.0.1:80', '--chain', 'INPUT', 'iptables'], /--chain must be OUTPUT or FORWARD \(got 'INPUT'\)/],
    ['an iptables command with shell characters', ['--target', '10.0.0.1:80', '--iptables', 'iptables;reboot', 'iptables'], /--iptables must be a command name or path/],
    ['--restore with agent mode', ['--restore', 'agent'], /--restore applies to iptables mode only/],
  ])('rejects %s with exit 2, naming the problem on stderr', (_name, args, message) => {
    const r = chaos(args, { FAULT_AGENT_TOKEN: 't' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^jwks-chaos: error: /);
    expect(r.stdout).toBe('');
  });

  it('needs the agent token from the environment or a file, never from a flag', () => {
    const r = chaos(['--no-wait', '--yes', 'agent']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/agent mode needs the control API token in FAULT_AGENT_TOKEN or --token-file/);
    expect(chaos(['--token', 'x', 'agent']).stderr).toMatch(/unknown option '--token'/);
  });

  it('will not start an outage unconfirmed when stdin is not a terminal', () => {
    const r = chaos(['--no-wait', '--duration', '5s', 'agent'], { FAULT_AGENT_TOKEN: 't' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/stdin is not a terminal: confirm with --yes/);
  });

  it.each(['1s', '90s', '1m30s', '2h', '1500ms'])('accepts the duration %s and hands it to the agent as is (Go syntax)', (duration) => {
    const r = chaos(['--dry-run', '--duration', duration, 'agent']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`"duration":"${duration}"`);
  });

  it('takes the duration and start delay from CHAOS_DURATION and CHAOS_START, like the bundle', () => {
    const r = chaos(['--dry-run', 'agent'], { CHAOS_DURATION: '45s', CHAOS_START: '2m' });
    expect(r.stdout).toContain('for 45s, after the load runs + 2m');
    expect(r.stdout).toContain('then wait 2m');
  });

  it('plans an IPv6 target with ip6tables and the port of an https JWKS URL', () => {
    const v6 = chaos(['--dry-run', '--no-wait', '--target', '[fd00::10]:8443', 'iptables']);
    expect(v6.stdout).toContain('would run: ip6tables -w -I OUTPUT -p tcp -d fd00::10 --dport 8443');
    const https = chaos(['--dry-run', '--no-wait', '--jwks-url', 'https://10.1.2.3/.well-known/jwks.json', '--chain', 'FORWARD', '--iptables', '/usr/sbin/iptables-legacy', 'iptables']);
    expect(https.stdout).toContain('would run: /usr/sbin/iptables-legacy -w -I FORWARD -p tcp -d 10.1.2.3 --dport 443');
    const v6legacy = chaos(['--dry-run', '--no-wait', '--target', '[::1]:80', '--iptables', '/usr/sbin/iptables-legacy', 'iptables']);
    expect(v6legacy.stdout).toContain('would run: /usr/sbin/ip6tables-legacy -w -I OUTPUT');
  });

  it('resolves a host name once, to the addresses the rules will name', () => {
    const r = chaos(['--dry-run', '--no-wait', '--target', 'localhost:8440', 'iptables']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/would run: ip6?tables -w -I OUTPUT -p tcp -d (127\.0\.0\.1|::1) --dport 8440/);
  });
});
