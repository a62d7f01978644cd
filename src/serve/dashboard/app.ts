import Fastify, { type FastifyInstance } from 'fastify';
import type { Project, StoreSetting } from '../../engine/project.js';
import { registerDashboard } from './routes.js';

/**
 * The dashboard alone, for `credit-tui dashboard`: no model is loaded, so it serves a project that has none
 * yet. `/` leads to the runs page; anything else is the API's 404 shape.
 */
export async function buildDashboardServer(opts: { readonly project: Project; readonly token?: string; readonly store?: StoreSetting }): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: 'idle', return503OnClosing: true });
  app.setNotFoundHandler((req, reply) => reply.code(404).type('application/json').send({ error_code: 'ENDPOINT_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }));
  app.get('/', async (_req, reply) => reply.redirect('/dashboard'));
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send()); // asked for after a JSON twin is shown
  await registerDashboard(app, { project: opts.project, ...(opts.token ? { token: opts.token } : {}), ...(opts.store ? { store: opts.store } : {}) });
  return app;
}
