import { render } from 'ink-testing-library';
import React from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../core/params/params.js';
import { openStore, type Project } from '../../engine/project.js';
import { ingestedProject } from '../../test-support/train.js';
import { ModelsScreen } from '../../ui/screens/models.js';
import type { Services } from '../../ui/services.js';
import { clearServerStatus, writeServerStatus } from '../status.js';
import { clearDashboardStatus, dashboardUrl, writeDashboardStatus } from './status.js';

describe("the TUI's Models screen says where the dashboard is", () => {
  let project: Project;
  let services: Services;
  beforeAll(async () => {
    project = await ingestedProject();
    services = { project, store: openStore(project), params: DEFAULT_PARAMS, workers: 1 };
  }, 60_000);
  afterAll(() => services.store.close());

  it('under a running serve, under a running dashboard, and not at all when neither runs (or its process is gone)', () => {
    const frame = (): string => {
      const { lastFrame, unmount } = render(<ModelsScreen services={services} onBack={() => undefined} />);
      const f = lastFrame() ?? '';
      unmount();
      return f;
    };
    expect(dashboardUrl(project)).toBeNull();
    expect(frame()).not.toContain('dashboard');
    writeDashboardStatus(project, { pid: process.pid, url: 'http://127.0.0.1:8001/dashboard' });
    expect(frame()).toContain('● dashboard (charts of every version) at http://127.0.0.1:8001/dashboard/models');
    // A serving process wins: the pages are under its URL.
    writeServerStatus(project, { pid: process.pid, url: 'http://127.0.0.1:8000', model: 'v1', workers: 1, started: '' });
    expect(frame()).toContain('at http://127.0.0.1:8000/dashboard/models');
    clearServerStatus(project);
    // A note left by a process that is gone does not count (pid 2^22 + 1 is above Linux's pid_max).
    writeDashboardStatus(project, { pid: 4_194_305, url: 'http://127.0.0.1:8001/dashboard' });
    expect(frame()).not.toContain('dashboard (charts');
    clearDashboardStatus(project);
  });
});
