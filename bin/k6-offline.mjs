#!/usr/bin/env node
// Thin launcher: the CLI is compiled by `npm run build` into build/k6-offline.js.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../build/k6-offline.js', import.meta.url));
if (!existsSync(target)) {
  console.error('k6-offline: build/k6-offline.js is missing; run `npm run build` first');
  process.exit(1);
}
await import(target);
