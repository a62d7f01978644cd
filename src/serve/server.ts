import { UserError } from '../core/errors.js';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { splitLine, sniffHeader } from '../core/data/delimited.js';
import { isIdColumn } from '../core/data/formats.js';
import { humanMessage } from '../core/human-errors.js';
import type { ScoredRow } from '../core/scoring/batch-scorer.js';
import { PredictionLog } from '../engine/prediction-log.js';
import type { Project, StoreSetting } from '../engine/project.js';
import type { Cell, ServedModel } from '../engine/serving.js';
import { REGISTERED_MODEL } from '../engine/train.js';
import { isDashboardPath, registerDashboard } from './dashboard/routes.js';
import { formPage } from './form.js';
import { errorSchema, healthResponse, invocationsBody, invocationsResponse, scoreBody, scoreResponse } from './schemas.js';
import { ServeStats } from './stats.js';

export interface ServerOptions {
  readonly project: Project;
  readonly served: ServedModel;
  readonly version: string;
  /** Bearer token every route but /ping, /health and the form page requires; none = open. */
  readonly token?: string;
  /** Largest request body in bytes (default 10 MB). */
  readonly bodyLimit?: number;
  readonly log?: PredictionLog | null;
  readonly stats?: ServeStats;
  /** Which store the /dashboard pages read (the same as the service's). */
  readonly store?: StoreSetting;
}

/** An error answered in MLflow's shape: `{"error_code","message"}` with its HTTP status. */
class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const sendError = (reply: FastifyReply, status: number, code: string, message: string): FastifyReply =>
  reply.code(status).type('application/json').send({ error_code: code, message });

interface Table {
  readonly header: string[];
  readonly rows: Cell[][];
  /** Each row's number in messages: its row in the CSV form of the request, the header being row 1 (README, "Row numbers"). */
  readonly rowNumbers: number[];
}

/** JSON records are numbered as the same table written as CSV would be: the header is row 1, record k is row k + 1. */
const csvRowNumbers = (n: number): number[] => Array.from({ length: n }, (_, k) => k + 2);

/** Records as a table: the union of their keys, in order of first appearance; a key a record lacks is missing. */
function recordsTable(records: readonly Readonly<Record<string, unknown>>[]): Table {
  const index = new Map<string, number>();
  for (const r of records) for (const k of Object.keys(r)) if (!index.has(k)) index.set(k, index.size);
  const header = [...index.keys()];
  const rows = records.map((r) => header.map((h) => toCell(r[h])));
  return { header, rows, rowNumbers: csvRowNumbers(rows.length) };
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return String(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A CSV body with a header, split as `score` splits a file (delimiter sniffed, RFC 4180 quotes). */
function csvTable(text: string): Table {
  const body = text.replace(/^\ufeff/, '');
  const { header, delimiter } = sniffHeader(body.slice(0, 64 * 1024), 'request body');
  const rows: Cell[][] = [];
  const rowNumbers: number[] = [];
  const lines = body.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const cells = splitLine(line, delimiter);
    if (!cells || cells.length !== header.length) throw new HttpError(400, 'BAD_REQUEST', `row ${i + 1}: expected ${header.length} fields, found ${cells?.length ?? 0}`);
    rows.push(cells);
    rowNumbers.push(i + 1); // the line, as in an editor: a blank line keeps its number
  }
  return { header, rows, rowNumbers };
}

function invocationTable(req: FastifyRequest): Table {
  if (typeof req.body === 'string') return csvTable(req.body);
  const body = req.body as { dataframe_split?: { columns: string[]; data: unknown[][] }; dataframe_records?: Record<string, unknown>[] };
  const keys = ['dataframe_split', 'dataframe_records'].filter((k) => k in (body ?? {}));
  if (keys.length !== 1) {
    throw new HttpError(400, 'BAD_REQUEST', `the JSON body must hold exactly one of dataframe_split or dataframe_records (found ${keys.length ? keys.join(' and ') : 'neither'})`);
  }
  if (body.dataframe_records) return recordsTable(body.dataframe_records);
  const split = body.dataframe_split!;
  split.data.forEach((row, i) => {
    if (row.length !== split.columns.length) throw new HttpError(400, 'BAD_REQUEST', `row ${i + 2}: expected ${split.columns.length} values for columns ${JSON.stringify(split.columns)}, found ${row.length}`);
  });
  return { header: split.columns, rows: split.data.map((r) => r.map(toCell)), rowNumbers: csvRowNumbers(split.data.length) };
}

// Each reason carries its stable code (the column) beside its text, as score's reason_code_N columns.
const prediction = (r: ScoredRow) => ({ p_bad: r.p_bad, decision: r.decision, score: r.score, reasons: r.reasons.map((x) => ({ code: x.column, ...x })) });

/**
 * The HTTP front door: MLflow's scoring protocol (/ping, /health, /version, /invocations), a native batch
 * endpoint with per-row refusals (/v1/score), the OpenAPI document and a web form. Every route is thin:
 * parse, call the engine's `ServedModel` (the scorer `score` uses), shape the answer.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { served } = opts;
  const stats = opts.stats ?? new ServeStats();
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimit ?? 10 * 1024 * 1024, forceCloseConnections: 'idle', return503OnClosing: true, ajv: { customOptions: { coerceTypes: false, allErrors: false, allowUnionTypes: true } } });
  const { default: swagger } = await import('@fastify/swagger');
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'credit-tui scoring service', version: opts.version, description: 'Scores credit applicants with the registered model (MLflow-compatible protocol plus a native batch endpoint).' },
      components: opts.token ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : {},
      ...(opts.token ? { security: [{ bearer: [] }] } : {}),
    },
  });
  app.addSchema(errorSchema);
  // Only what the routes document: anything else (text/plain included, as in MLflow's server) is a 415.
  app.removeContentTypeParser('text/plain'); // Fastify parses it by default
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const open = new Set(['/ping', '/health', '/', '/openapi.json', '/favicon.ico']);
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    // The dashboard checks the same token itself, also from the cookie a browser keeps (see dashboard/routes.ts).
    if (!opts.token || open.has(path) || isDashboardPath(path)) return;
    if (req.headers.authorization !== `Bearer ${opts.token}`) return sendError(reply, 401, 'UNAUTHENTICATED', 'missing or wrong bearer token (Authorization: Bearer <token>)');
  });
  app.addHook('onResponse', async (req, reply) => {
    stats.record(reply.elapsedTime, reply.statusCode, (req as FastifyRequest & { predictions?: number }).predictions ?? 0);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'ENDPOINT_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
  app.setErrorHandler((error: FastifyError | HttpError, _req, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.status, error.code, error.message);
    // The engine's input errors (an empty CSV body, a header it cannot read) are the client's, not ours.
    if (error instanceof UserError) return sendError(reply, 400, 'BAD_REQUEST', humanMessage(error));
    if (error.validation) return sendError(reply, 400, 'BAD_REQUEST', `invalid request: ${error.message}`);
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, 'REQUEST_TOO_LARGE', `the body is larger than the limit of ${opts.bodyLimit ?? 10 * 1024 * 1024} bytes`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json (dataframe_split or dataframe_records) or text/csv with a header');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, 'BAD_REQUEST', 'the JSON body is empty');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendError(reply, 400, 'BAD_REQUEST', `malformed JSON: ${humanMessage(error)}`);
    }
    if (error instanceof SyntaxError) return sendError(reply, 400, 'BAD_REQUEST', `malformed JSON: ${humanMessage(error)}`);
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return sendError(reply, status, status === 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', status === 500 ? 'internal error while scoring (see the server log)' : humanMessage(error));
  });

  const requireModel = (): NonNullable<ServedModel['current']> => {
    const m = served.current;
    if (!m) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'no model is loaded yet');
    return m;
  };

  /** Scores a table, logs what was scored, and returns per-row results in request order. */
  const score = (req: FastifyRequest, table: Table) => {
    requireModel();
    const missing = served.missingColumns(table.header);
    if (missing.length > 0) {
      const m = served.current!;
      throw new HttpError(400, 'BAD_REQUEST', `column '${missing[0]}': missing from the request (the model needs ${m.bundle.input.columns.map((c) => c.name).join(', ')})`);
    }
    const scored = served.scoreRows(table.header, table.rows, { log: Boolean(opts.log) });
    (req as FastifyRequest & { predictions?: number }).predictions = scored.results.filter(Boolean).length;
    const idAt = table.header.findIndex(isIdColumn);
    const ids = table.rows.map((r) => (idAt >= 0 && r[idAt] !== null ? String(r[idAt]) : null));
    opts.log?.appendLines(scored.logged);
    return { ...scored, ids };
  };

  app.get('/ping', { schema: { description: 'liveness: 200 once a model is loaded, 503 before' } }, async (_req, reply) => {
    if (!served.current) return sendError(reply, 503, 'SERVICE_UNAVAILABLE', 'no model is loaded yet');
    return reply.type('text/plain').send('\n');
  });

  app.get('/health', { schema: { description: 'the served model; 503 before one is loaded', response: { 200: healthResponse, 503: { $ref: 'Error#' } } } }, async (_req, reply) => {
    const m = served.current;
    if (!m) return sendError(reply, 503, 'SERVICE_UNAVAILABLE', 'no model is loaded yet');
    const alias = served.alias && m.version.aliases.includes(served.alias) ? served.alias : null;
    // The model answers either way: a degraded store only means the alias is not being followed right now.
    const store = { ...served.storeHealth, backend: served.storeLocation.kind, location: served.storeLocation.display };
    return { status: 'ok', model: { name: REGISTERED_MODEL, version: m.version.version, alias, family: m.bundle.family, threshold: m.bundle.threshold }, store };
  });

  // Browsers ask for it after showing any page without an icon (a JSON twin, say): an empty answer, not an error.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) => reply.code(204).send());

  app.get('/version', { schema: { description: 'the credit-tui version' } }, async (_req, reply) => reply.type('text/plain').send(opts.version));

  app.post('/invocations', {
    schema: {
      description: 'MLflow scoring protocol: one prediction per row; any invalid row fails the request (400)',
      body: { content: { 'application/json': { schema: invocationsBody }, 'text/csv': { schema: { type: 'string', description: 'CSV with a header row' } } } },
      response: { 200: invocationsResponse, '4xx': { $ref: 'Error#' } } },
  }, async (req) => {
    const table = invocationTable(req);
    const scored = score(req, table);
    const first = scored.rejected[0];
    if (first) throw new HttpError(400, 'BAD_REQUEST', `row ${table.rowNumbers[first.index]}, column '${first.column}': ${first.reason}`);
    return { predictions: scored.results.map((r) => prediction(r!)) };
  });

  app.post('/v1/score', {
    schema: { description: 'a batch of applicants: results for the valid rows and a list of refused rows (one bad applicant does not fail the batch)', body: scoreBody, response: { 200: scoreResponse, '4xx': { $ref: 'Error#' } } },
  }, async (req) => {
    const { applicants } = req.body as { applicants: Record<string, unknown>[] };
    const scored = score(req, recordsTable(applicants));
    const m = scored.model;
    return {
      model: { version: m.version.version, family: m.bundle.family, threshold: m.bundle.threshold },
      results: scored.results.flatMap((r, index) => (r ? [{ index, id: scored.ids[index] ?? null, ...prediction(r) }] : [])),
      rejected: scored.rejected.map((r) => ({ ...r, row: r.index + 2 })),
    };
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    const m = served.current;
    if (!m) return sendError(reply, 503, 'SERVICE_UNAVAILABLE', 'no model is loaded yet');
    return reply.type('text/html; charset=utf-8').send(formPage(m, { tokenRequired: Boolean(opts.token) }));
  });

  await registerDashboard(app, { project: opts.project, ...(opts.token ? { token: opts.token } : {}), ...(opts.store ? { store: opts.store } : {}) });
  return app;
}
