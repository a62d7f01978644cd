import type { Params } from '../core/params/params.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt, type Project } from '../engine/project.js';
import { train, type TrainEvent, type TrainOptions, type TrainSummary } from '../engine/train.js';
import { STATLOG, tmpHome } from './helpers.js';

/** Runs a search to the end on its own store connection: its events and summary. */
export async function runTrain(project: Project, params: Params, opts: TrainOptions): Promise<{ events: TrainEvent[]; summary: TrainSummary }> {
  const store = openStore(project);
  const events: TrainEvent[] = [];
  try {
    const gen = train(project, store, params, opts);
    for (;;) {
      const r = await gen.next();
      if (r.done) return { events, summary: r.value };
      events.push(r.value);
    }
  } finally {
    store.close();
  }
}

/** A fresh project with one file ingested (Statlog by default). */
export async function ingestedProject(source = STATLOG, name?: string): Promise<Project> {
  const project = projectAt(tmpHome());
  const store = openStore(project);
  for await (const _ of ingest(project, store, { source, ...(name ? { name } : {}) })) void _;
  store.close();
  return project;
}
