/**
 * Exit codes and their precedence (docs/k6-semantics.md#exit-codes; k6 `internal/cmd/run.go`): the
 * error the run stopped with wins, then `exec.test.fail()` (110), then crossed thresholds (99).
 */
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, resolveExitCode, thresholdsAbortMessage, thresholdsCrossedMessage } from '../../../runner/constants';

describe('resolveExitCode (docs/k6-semantics.md#exit-codes precedence)', () => {
  it.each([
    ['a clean run exits 0', { markedAsFailed: false, thresholdsFailed: false }, 0],
    ['crossed thresholds exit 99', { markedAsFailed: false, thresholdsFailed: true }, 99],
    ['exec.test.fail() exits 110', { markedAsFailed: true, thresholdsFailed: false }, 110],
    ['exec.test.fail() wins over crossed thresholds', { markedAsFailed: true, thresholdsFailed: true }, 110],
    ['exec.test.abort() (108) wins over crossed thresholds', { runErrorCode: 108, markedAsFailed: false, thresholdsFailed: true }, 108],
    ['a script exception (107) wins over exec.test.fail()', { runErrorCode: 107, markedAsFailed: true, thresholdsFailed: true }, 107],
    ['Ctrl+C (105) wins over crossed thresholds', { runErrorCode: 105, markedAsFailed: false, thresholdsFailed: true }, 105],
    ['an abortOnFail stop keeps 99', { runErrorCode: 99, markedAsFailed: false, thresholdsFailed: true }, 99],
    ['an abortOnFail stop keeps 99 even if the run was marked failed', { runErrorCode: 99, markedAsFailed: true, thresholdsFailed: true }, 99],
    ['a run error code 0 counts as no error', { runErrorCode: 0, markedAsFailed: false, thresholdsFailed: true }, 99],
  ])('%s', (_name, outcome, code) => {
    expect(resolveExitCode(outcome)).toBe(code);
  });

  it('names the codes as k6 numbers them', () => {
    expect(EXIT_CODES).toMatchObject({
      THRESHOLDS_HAVE_FAILED: 99,
      SETUP_TIMEOUT: 100,
      TEARDOWN_TIMEOUT: 101,
      INVALID_CONFIG: 104,
      EXTERNAL_ABORT: 105,
      SCRIPT_EXCEPTION: 107,
      SCRIPT_ABORTED: 108,
      MARKED_AS_FAILED: 110,
    });
  });

  it('words the threshold errors as k6 does (docs/k6-semantics.md#threshold-abort)', () => {
    expect(thresholdsAbortMessage(['http_req_failed', 'checks'])).toBe(
      "thresholds on metrics 'http_req_failed, checks' were crossed; at least one has abortOnFail enabled, stopping test prematurely",
    );
    expect(thresholdsCrossedMessage(['checks'])).toBe("thresholds on metrics 'checks' have been crossed");
  });
});
