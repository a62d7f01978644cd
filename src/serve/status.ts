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

/** A running process's note in `outputs/` (serve.json, dashboard.json): written on start, removed on stop. */
const statusPath = (project: Project, name: string): string => join(project.outputsDir, name);

export function writeStatusFile(project: Project, name: string, status: { readonly pid: number }): void {
  writeFileAtomic(statusPath(project, name), JSON.stringify(status));
}

export function clearStatusFile(project: Project, name: string): void {
  try {
    unlinkSync(statusPath(project, name));
  } catch {
    // already gone
  }
}

/** The note, or null (a note left by a dead process does not count). */
export function liveStatus<T extends { readonly pid: number }>(project: Project, name: string): T | null {
  const path = statusPath(project, name);
  if (!existsSync(path)) return null;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as T;
    return isProcessAlive(s.pid) ? s : null;
  } catch {
    return null;
  }
}

export const writeServerStatus = (project: Project, status: ServerStatus): void => writeStatusFile(project, 'serve.json', status);
export const clearServerStatus = (project: Project): void => clearStatusFile(project, 'serve.json');
/** The server running on this project, or null. */
export const runningServer = (project: Project): ServerStatus | null => liveStatus<ServerStatus>(project, 'serve.json');
