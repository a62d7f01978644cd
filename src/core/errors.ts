/** Where in an input a problem was found; every part is optional because not every input has rows. */
export interface InputLocation {
  readonly file?: string;
  /** 1-based line number in the file as a user sees it in an editor. */
  readonly row?: number;
  readonly column?: string;
}

/**
 * A problem the user can fix (bad file, bad params, unknown dataset). Printed as one line, exit code 1.
 * The location is part of the message so every consumer (CLI, TUI, NDJSON) shows the same text.
 */
export class UserError extends Error {
  readonly location: InputLocation;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, location: InputLocation = {}, hint?: string, exitCode = 1) {
    super(formatUserMessage(message, location, hint));
    this.name = 'UserError';
    this.location = location;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

/** The user or a signal stopped the work; the run is recorded as KILLED. */
export class CancelledError extends Error {
  constructor(reason = 'cancelled') {
    super(reason);
    this.name = 'CancelledError';
  }
}

function formatUserMessage(message: string, loc: InputLocation, hint?: string): string {
  const where: string[] = [];
  if (loc.file !== undefined) where.push(loc.file);
  if (loc.row !== undefined) where.push(`row ${loc.row}`);
  if (loc.column !== undefined) where.push(`column '${loc.column}'`);
  const prefix = where.length > 0 ? `${where.join(', ')}: ` : '';
  const tail = hint ? ` (${hint})` : '';
  return `${prefix}${message}${tail}`.replace(/\s*\n\s*/g, ' ');
}

/** Exhaustiveness guard for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** `score`'s exit code when some rows were rejected (the rest are scored). */
export const EXIT_SOME_REJECTED = 4;
