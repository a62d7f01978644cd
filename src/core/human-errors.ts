import { UserError } from './errors.js';

/** Plain words for the system errors a user can cause with a path; never the raw code. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of this path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links in the path',
  EBUSY: 'the file is busy',
  EADDRINUSE: 'the address is already in use',
  EADDRNOTAVAIL: 'the address is not available on this machine',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found (no network?)',
};

interface SystemError extends Error {
  readonly code?: string;
  readonly path?: string;
  readonly dest?: string;
}

/** A Node system error (ENOENT, EISDIR, …) as a UserError in plain words, or null for anything else. */
export function asUserError(e: unknown): UserError | null {
  if (e instanceof UserError) return e;
  if (!(e instanceof Error)) return null;
  const { code, path } = e as SystemError;
  if (!code) return null;
  const words = SYSTEM_ERRORS[code];
  if (!words) return null;
  return new UserError(words, path ? { file: path } : {});
}

/** One human line for any error, as the CLI prints it and the TUI shows it: no codes, no stack. */
export function humanMessage(e: unknown): string {
  const user = asUserError(e);
  if (user) return user.message;
  const message = e instanceof Error ? e.message : String(e);
  // Strip a leading "ECODE: " that some libraries put in front of their message.
  return (message.split('\n')[0] ?? '').replace(/^E[A-Z]+: /, '').trim() || 'unexpected error';
}

/** An empty path in a form: the user has not chosen a file yet. */
export function requirePath(value: string, what: string): string {
  const path = value.trim();
  if (!path) throw new UserError(`choose ${what} first`);
  return path;
}
