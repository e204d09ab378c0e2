/**
 * Operational log lines on stderr (stdout carries the ready line and, by default, audit lines).
 * Callers pass fixed messages and values they built; no request header is ever passed in.
 */
export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export function stderrLogger(quiet: boolean): Logger {
  return {
    info: (m) => {
      if (!quiet) process.stderr.write(`tenant-sim: ${m}\n`);
    },
    error: (m) => process.stderr.write(`tenant-sim: error: ${m}\n`),
  };
}

export const silentLogger: Logger = { info: () => {}, error: () => {} };
