/**
 * Named moments where a crash would hurt most. Crash tests set CREDIT_TUI_CRASH_AT to one of them and the
 * process kills itself there with SIGKILL: no finally block, exit handler or flush runs, exactly as when the
 * machine loses power. Unset (always, outside tests), each call is one environment lookup.
 */
export const CRASH_POINTS = [
  'write-atomic:before-rename',
  'ingest:parquet-written',
  'ingest:mid-transaction',
  'train:bundle-written',
  'train:mid-transaction',
  'score:mid-output',
  'score:before-commit',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export function crashPoint(point: CrashPoint): void {
  if (process.env['CREDIT_TUI_CRASH_AT'] !== point) return;
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is delivered asynchronously: wait here so that nothing after this point runs.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
