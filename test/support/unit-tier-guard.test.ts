/**
 * The unit-tier guard refuses what the unit tier must not need. Importing it patches this test
 * file's process only (vitest runs each file in its own worker).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import './unit-tier-guard';

describe('the unit-tier guard', () => {
  it('refuses to listen on a socket, naming the list to put the file in', () => {
    expect(() => createServer().listen(0, '127.0.0.1')).toThrow(/unit tier: listening on a socket .*INTEGRATION_TESTS in vitest\.config\.ts/);
  });

  it('refuses a network connection', () => {
    expect(() => connect(9, '127.0.0.1')).toThrow(/unit tier: opening a network connection/);
  });

  it('refuses to start a process', () => {
    expect(() => spawn(process.execPath, ['-e', ''])).toThrow(/unit tier: starting a process/);
  });

  it('lets git list the tracked files', () => {
    expect(execFileSync('git', ['ls-files', 'package.json'], { encoding: 'utf8' }).trim()).toBe('package.json');
  });
});
