import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UserError } from '../../core/errors.js';
import { humanMessage } from '../../core/human-errors.js';
import { parsePeriodBy } from '../../core/monitor/periods.js';
import type { RunStatus, RunStore } from '../../core/store/run-store.js';
import { REGISTERED_MODEL } from '../../core/registry/bundle.js';
import { lastDriftReport } from '../../engine/drift-archive.js';
import { loadParams, openStore, type Project, type StoreSetting } from '../../engine/project.js';
import { compareView } from './compare-view.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import { modelFigures, type ModelFigures } from './model-figures.js';
import { comparePage } from './pages/compare.js';
import { driftPage } from './pages/drift.js';
import { modelPage, modelsPage } from './pages/model.js';
import { monitorPage, type MonitorPage } from './pages/monitor.js';
import { runsPage } from './pages/runs.js';
import { filterOptions, listRunSummaries } from './runs-query.js';

export interface DashboardOptions {
  readonly project: Project;
  /** The API's bearer token; the pages require it too (header, or once as ?token= which sets a cookie). */
  readonly token?: string;
  /** Which store to read (`--store`, `--artifacts`, params.yaml); the environment is read by openStore. */
  readonly store?: StoreSetting;
}

type Query = Readonly<Record<string, string | undefined>>;
const COOKIE = 'credit_tui_token';
/** Pages are not API endpoints: the OpenAPI document leaves them out. */
const HIDDEN = { schema: { hide: true } } as const;
const STATUSES: readonly RunStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'];

/** True for every path the dashboard answers (the API's token hook leaves these to the dashboard's own). */
export const isDashboardPath = (path: string): boolean => path === '/dashboard' || path === '/dashboard.json' || path.startsWith('/dashboard/');

function cookieToken(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** A page or its JSON twin: the same data, rendered or serialised. */
interface View<T> {
  readonly title: (data: T) => string;
  readonly load: (req: FastifyRequest, store: RunStore) => T | Promise<T>;
  readonly render: (data: T, req: FastifyRequest) => Html;
}

/**
 * The read-only dashboard under /dashboard: runs, model versions, run comparison, the last drift report and
 * monitoring, each rendered on the server as HTML with inline SVG (no script) and as JSON at `<page>.json`.
 */
export async function registerDashboard(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  let store: RunStore | null = null;
  const db = (): RunStore => (store ??= openStore(opts.project, opts.store));
  app.addHook('onClose', async () => store?.close());
  // Figures of a version are recomputed from its bundle and test rows; a version never changes, so keep a few.
  const figures = new Map<string, ModelFigures>();

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (!opts.token) return;
      const q = req.query as Query;
      if (q['token'] === opts.token) {
        // A browser cannot send a bearer header on navigation: the token given once in the URL becomes a cookie
        // (path / so that /dashboard.json, which a path of /dashboard would not match, gets it too; only these pages read it).
        const url = new URL(req.url, 'http://x');
        url.searchParams.delete('token');
        return reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(opts.token)}; Path=/; HttpOnly; SameSite=Strict`).redirect(`${url.pathname}${url.search}`);
      }
      if (req.headers.authorization === `Bearer ${opts.token}` || cookieToken(req) === opts.token) return;
      return reply.code(401).type('application/json').send({ error_code: 'UNAUTHENTICATED', message: 'missing or wrong bearer token (Authorization: Bearer <token>, or open /dashboard?token=<token> once in a browser)' });
    });
    scope.setErrorHandler((error: Error, req, reply) => {
      const user = error instanceof UserError;
      const status = user ? 404 : 500;
      const message = user ? humanMessage(error) : 'internal error while building the page (see the server log)';
      if (!user) req.log.error(error);
      if (req.url.split('?')[0]!.endsWith('.json')) return reply.code(status).type('application/json').send({ error_code: user ? 'NOT_FOUND' : 'INTERNAL_ERROR', message });
      return reply.code(status).type('text/html; charset=utf-8').send(page({ title: user ? 'Not found' : 'Error', path: '/dashboard', body: html`<p class="alert">${message}</p>` }).text);
    });

    const serve = <T>(path: string, v: View<T>): void => {
      const answer = (json: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
        const data = await v.load(req, db());
        if (json) return reply.type('application/json').send(JSON.stringify(data));
        const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        return reply.type('text/html; charset=utf-8').send(page({ title: v.title(data), path: req.url.split('?')[0]!, body: v.render(data, req), query: search }).text);
      };
      scope.get(path, HIDDEN, answer(false));
      scope.get(`${path}.json`, HIDDEN, answer(true));
    };

    serve('/dashboard', {
      title: () => 'Runs',
      load: (req, s) => {
        const q = req.query as Query;
        const limit = Math.min(5000, Math.max(1, Number(q['limit']) || 1000));
        const status = STATUSES.find((x) => x === q['status']);
        const filters = { limit, ...(q['experiment'] ? { experiment: q['experiment'] } : {}), ...(q['dataset'] ? { dataset: q['dataset'] } : {}), ...(q['family'] ? { family: q['family'] } : {}), ...(status ? { status } : {}) };
        return { filters, options: filterOptions(s), runs: listRunSummaries(s, filters) };
      },
      render: (d) => runsPage(d),
    });
    serve('/dashboard/models', { title: () => 'Model versions', load: (_req, s) => ({ versions: s.listModelVersions(REGISTERED_MODEL) }), render: (d) => modelsPage(d.versions) });
    // One route for `/dashboard/models/3` and its twin `/dashboard/models/3.json` (a version or an alias).
    scope.get('/dashboard/models/:ref', HIDDEN, async (req, reply) => {
      const raw = (req.params as { ref: string }).ref;
      const json = raw.endsWith('.json');
      const ref = json ? raw.slice(0, -5) : raw;
      const s = db();
      const v = s.resolveModelVersion(REGISTERED_MODEL, ref);
      const key = `${v.version}:${v.sha256}`;
      let f = figures.get(key);
      if (!f) {
        f = modelFigures(s, loadParams(opts.project), String(v.version));
        if (figures.size >= 8) figures.delete(figures.keys().next().value!);
        figures.set(key, f);
      }
      if (json) return reply.type('application/json').send(JSON.stringify(f));
      return reply.type('text/html; charset=utf-8').send(page({ title: `Model v${f.model.version} (${f.model.family})`, path: `/dashboard/models/${ref}`, body: modelPage(f) }).text);
    });
    serve('/dashboard/compare', {
      title: () => 'Compare runs',
      load: (req, s) => {
        const q = req.query as Query;
        if (!q['a'] || !q['b']) throw new UserError('compare needs two runs: /dashboard/compare?a=ID&b=ID', {}, 'pick them on the runs page');
        return { ...compareView(s, q['a'], q['b']), all: q['all'] === '1' };
      },
      render: (d) => comparePage(d, { all: d.all }),
    });
    serve('/dashboard/drift', { title: () => 'Last drift report', load: (_req, s) => lastDriftReport(opts.project, s), render: (d) => driftPage(d) });
    serve('/dashboard/monitor', {
      title: () => 'Monitoring',
      load: async (req, s): Promise<MonitorPage> => {
        const by = (req.query as Query)['by'] || 'batch';
        const { runMonitor } = await import('../../engine/monitor.js');
        try {
          return { by, report: runMonitor(opts.project, s, loadParams(opts.project), { by: parsePeriodBy(by) }) };
        } catch (e) {
          // No logged predictions or no model yet is a state of the project, not an error of the page.
          if (e instanceof UserError) return { by, error: humanMessage(e) };
          throw e;
        }
      },
      render: (d) => monitorPage(d),
    });
  });
}
