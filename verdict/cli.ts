/** `tenant-verdict` entry point (built to build/tenant-verdict.js). */
import { main } from './main';

// `tenant-verdict … | head` closes the pipe early: not an error of the verdict.
process.stdout.on('error', () => undefined);

process.exitCode = await main(process.argv.slice(2), process.env, {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
});
