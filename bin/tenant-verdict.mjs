#!/usr/bin/env node
// Thin launcher: the CLI is compiled by `npm run build` into build/tenant-verdict.js.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../build/tenant-verdict.js', import.meta.url));
if (!existsSync(target)) {
  console.error('tenant-verdict: build/tenant-verdict.js is missing; run `npm run build` first');
  process.exit(1);
}
await import(target);
