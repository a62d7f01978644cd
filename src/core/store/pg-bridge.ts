import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** One result set, as the `pg` driver returns it (int8 already parsed to number in the worker). */
export interface PgResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number;
}

/** What the worker answers: rows, or the driver's error reduced to the fields we report. */
type Reply = ({ ok: true; result: PgResult } | { ok: false; message: string; code: string | undefined }) & { id: number };

/**
 * The worker: one `pg` Client, one query at a time. It is plain CommonJS passed with `eval`, so the same
 * code runs under vitest (TypeScript sources) and from dist/ without a loader; `pg` is required by the
 * absolute path the main thread resolved. Each reply is posted, then the shared flag flips and wakes the
 * main thread blocked in Atomics.wait.
 */
const WORKER = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
// BIGINT columns hold millisecond timestamps and counts, all far below 2^53: numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v));
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
let client;
let ready;
// A new connection, on start and when the main thread asks for one after the previous was lost; the old
// client is ended without waiting (a hung server must not hold the new one up).
function connect(timeoutMs) {
  if (client) client.end().catch(() => {});
  client = new pg.Client({ connectionString: workerData.url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  ready = client.connect();
  ready.catch(() => {}); // reported on the first query, not as an unhandled rejection
}
connect(workerData.connectTimeoutMs);
port.on('message', async (req) => {
  let reply;
  try {
    if (req.reconnect) connect(req.reconnect);
    await ready;
    if (req.end) {
      await client.end();
      reply = { ok: true, result: { rows: [], rowCount: 0 } };
    } else {
      const r = await client.query(req.sql, req.params);
      reply = { ok: true, result: { rows: r.rows ?? [], rowCount: r.rowCount ?? 0 } };
    }
  } catch (e) {
    reply = { ok: false, message: String((e && e.message) || e), code: e && e.code };
  }
  reply.id = req.id;
  port.postMessage(reply);
  // A counter, not a 0/1 flag: the main thread compares it with what it saw before looking for a reply.
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/** A failed statement, with PostgreSQL's SQLSTATE when the server gave one (e.g. 23505 unique violation). */
export class PgQueryError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'PgQueryError';
    this.code = code;
  }
}

/**
 * A synchronous face on the asynchronous `pg` driver (the synckit pattern, ~40 lines, written here rather
 * than added as a dependency because it needs nothing synckit adds: no TS loader, no transfer lists).
 * `query` posts the statement to a worker thread holding the connection and blocks on a SharedArrayBuffer
 * until the worker has answered, so PgRunStore can keep RunStore's synchronous contract.
 */
export class PgBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly timeoutMs: number;
  private seq = 0;

  constructor(url: string, opts: { connectTimeoutMs?: number; queryTimeoutMs?: number } = {}) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.timeoutMs = opts.queryTimeoutMs ?? 120_000;
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(WORKER, {
      eval: true,
      // The worker is CommonJS: flags of the parent such as --input-type=module must not reach it.
      execArgv: [],
      workerData: { url, pgPath, flag: this.flag.buffer, port: port2, connectTimeoutMs: opts.connectTimeoutMs ?? 10_000 },
      transferList: [port2],
    });
    // The connection must never keep a finished command alive.
    this.worker.unref();
  }

  /**
   * Runs one parameterised statement and returns its rows; throws PgQueryError on failure. `timeoutMs`
   * bounds this wait (default: the bridge's); `reconnectMs` first replaces the connection with a new one
   * given that long to connect (after the previous one was lost).
   */
  query(sql: string, params: readonly unknown[] = [], opts: { timeoutMs?: number; reconnectMs?: number } = {}): PgResult {
    return this.call({ sql, params, ...(opts.reconnectMs === undefined ? {} : { reconnect: opts.reconnectMs }) }, opts.timeoutMs ?? this.timeoutMs);
  }

  /**
   * Posts one request and blocks until its reply is on the port. The wait is on the counter value seen
   * before each look at the port, so a wake-up left over from the previous reply (its notify can land
   * after we have read it) only sends us round the loop again, never past a reply that has not come.
   */
  private call(req: { sql?: string; params?: readonly unknown[]; end?: true; reconnect?: number }, timeoutMs: number): PgResult {
    const id = ++this.seq;
    this.port.postMessage({ ...req, id });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.flag, 0);
      const msg = receiveMessageOnPort(this.port);
      if (msg) {
        const reply = msg.message as Reply;
        if (reply.id !== id) continue;
        if (!reply.ok) throw new PgQueryError(reply.message, reply.code);
        return reply.result;
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.flag, 0, seen, left) === 'timed-out') {
        throw new PgQueryError(`PostgreSQL did not answer within ${timeoutMs / 1000} s`, undefined);
      }
    }
  }

  /** Ends the connection and the worker thread (waiting at most `timeoutMs` for the server to say goodbye). */
  close(timeoutMs = this.timeoutMs): void {
    try {
      this.call({ end: true }, timeoutMs);
    } catch {
      // already broken: terminating is all that is left
    }
    this.port.close();
    void this.worker.terminate();
  }
}
