import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../../core/process.js';
import { writeFileAtomic, type Project } from '../../engine/project.js';
import { runningServer } from '../status.js';

/** What `credit-tui dashboard` leaves in the project while it runs (`serve` has its own serve.json). */
interface DashboardStatus {
  readonly pid: number;
  readonly url: string;
}

const statusPath = (project: Project): string => join(project.outputsDir, 'dashboard.json');

export function writeDashboardStatus(project: Project, status: DashboardStatus): void {
  writeFileAtomic(statusPath(project), JSON.stringify(status));
}

export function clearDashboardStatus(project: Project): void {
  try {
    unlinkSync(statusPath(project));
  } catch {
    // already gone
  }
}

/** Where this project's dashboard answers: under a running `serve`, else a running `dashboard`; null when neither runs. */
export function dashboardUrl(project: Project): string | null {
  const served = runningServer(project);
  if (served) return `${served.url}/dashboard`;
  const path = statusPath(project);
  if (!existsSync(path)) return null;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as DashboardStatus;
    return isProcessAlive(s.pid) ? s.url : null;
  } catch {
    return null;
  }
}
