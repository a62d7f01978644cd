import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's PostgreSQL 15 binaries; CI installs the `postgresql` package when they are missing. */
export const PG_BIN = process.env['CREDIT_TUI_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/**
 * PostgreSQL 15 is installed. Under CREDIT_TUI_REQUIRE_DATA (CI) its absence fails the test file instead of
 * skipping the store's guarantees on the real server.
 */
export const HAS_POSTGRES = existsSync(join(PG_BIN, 'initdb'));
if (!HAS_POSTGRES) {
  if (process.env['CREDIT_TUI_REQUIRE_DATA']) throw new Error(`PostgreSQL 15 missing: no ${join(PG_BIN, 'initdb')} (CREDIT_TUI_REQUIRE_DATA is set); install Debian's postgresql package`);
  process.stderr.write(`note: no PostgreSQL at ${PG_BIN}: the PostgreSQL store tests are skipped\n`);
}

/** A private server for one test file. */
export interface PgServer {
  readonly port: number;
  /** postgresql://postgres@127.0.0.1:PORT/DB, creating DB first (each test gets a clean database). */
  url(db?: string): string;
  /** pg_ctl stop -m fast, keeping the data: clients see their connections closed and new ones refused. */
  halt(): void;
  /** Starts the halted server again on the same port and data. */
  restart(): void;
  /** SIGSTOP to the server's processes: connections and new connects hang, as behind a dropped network. */
  freeze(): void;
  /** SIGCONT: the frozen server answers again. */
  thaw(): void;
  stop(): void;
}

/** The postmaster (first line of postmaster.pid) and its children, from /proc. */
function serverPids(dir: string): number[] {
  const main = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      // Field 4 of /proc/PID/stat is the parent pid; the command name (field 2) is in parentheses.
      return Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === main;
    } catch {
      return false;
    }
  });
  return [main, ...children.map(Number)];
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Runs a PostgreSQL binary, as the `postgres` user when we are root (initdb refuses to run as root). */
function pgRun(bin: string, args: readonly string[]): void {
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? 'runuser' : join(PG_BIN, bin);
  const full = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, bin), ...args] : [...args];
  const r = spawnSync(cmd, full, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout || r.error?.message}`);
}

let dbCounter = 0;

/** initdb in a temp directory, then a server on 127.0.0.1 and a free port, trusting local connections. */
export async function startPostgres(): Promise<PgServer> {
  const root = mkdtempSync(join(tmpdir(), 'credit-tui-pg-'));
  chmodSync(root, 0o755);
  const dir = join(root, 'data');
  mkdirSync(dir);
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres', dir]);
  pgRun('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const start = (): void => pgRun('pg_ctl', ['-D', dir, '-w', '-o', `-k ${dir} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), 'start']);
  start();
  const signal = (sig: NodeJS.Signals): void => {
    for (const pid of serverPids(dir)) {
      try {
        process.kill(pid, sig);
      } catch {
        // exited meanwhile
      }
    }
  };
  const createdb = (db: string): void => pgRun('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', db]);
  return {
    port,
    url(db?: string): string {
      const name = db ?? `t${process.pid}_${++dbCounter}`;
      createdb(name);
      return `postgresql://postgres@127.0.0.1:${port}/${name}`;
    },
    halt: () => pgRun('pg_ctl', ['-D', dir, '-w', '-m', 'fast', 'stop']),
    restart: start,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    stop(): void {
      try {
        pgRun('pg_ctl', ['-D', dir, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
