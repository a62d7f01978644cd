import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../core/process.js';
import { writeFileAtomic, type Project } from '../engine/project.js';

/** What `credit-tui serve` leaves in the project while it runs, so the TUI can say a server is up. */
export interface ServerStatus {
  readonly pid: number;
  readonly url: string;
  readonly model: string;
  readonly workers: number;
  readonly started: string;
}

const statusPath = (project: Project): string => join(project.outputsDir, 'serve.json');

export function writeServerStatus(project: Project, status: ServerStatus): void {
  writeFileAtomic(statusPath(project), JSON.stringify(status));
}

export function clearServerStatus(project: Project): void {
  try {
    unlinkSync(statusPath(project));
  } catch {
    // already gone
  }
}

/** The server running on this project, or null (a status file left by a dead process does not count). */
export function runningServer(project: Project): ServerStatus | null {
  const path = statusPath(project);
  if (!existsSync(path)) return null;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as ServerStatus;
    return isProcessAlive(s.pid) ? s : null;
  } catch {
    return null;
  }
}
