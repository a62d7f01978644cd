import type { Project } from '../../engine/project.js';
import { clearStatusFile, liveStatus, runningServer, writeStatusFile } from '../status.js';

/** What `credit-tui dashboard` leaves in the project while it runs (`serve` has its own serve.json). */
interface DashboardStatus {
  readonly pid: number;
  readonly url: string;
}

const FILE = 'dashboard.json';

export const writeDashboardStatus = (project: Project, status: DashboardStatus): void => writeStatusFile(project, FILE, status);
export const clearDashboardStatus = (project: Project): void => clearStatusFile(project, FILE);

/** Where this project's dashboard answers: under a running `serve`, else a running `dashboard`; null when neither runs. */
export function dashboardUrl(project: Project): string | null {
  const served = runningServer(project);
  if (served) return `${served.url}/dashboard`;
  return liveStatus<DashboardStatus>(project, FILE)?.url ?? null;
}
