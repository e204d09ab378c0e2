/** The ready line a tenant-sim child prints on stdout (its URLs), or an error after 30 s or on exit. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export function simReady(child: ChildProcess): Promise<Record<string, string>> {
  return new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tenant-sim did not print its ready line within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"ready":true')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as Record<string, string>);
    });
    child.once('exit', (code) => reject(new Error(`tenant-sim exited ${code}`)));
  });
}
