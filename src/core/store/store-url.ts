import { UserError } from '../errors.js';

/** Which store a project uses: runs.db at a path, or a PostgreSQL database (URL kept for connecting only). */
export type StoreSpec = { readonly kind: 'sqlite'; readonly path: string | null } | { readonly kind: 'postgresql'; readonly url: string };

/**
 * Reads the one store setting (`--store`, `CREDIT_TUI_STORE` or `store.url`): none or `sqlite:PATH` is
 * runs.db (null path = the project's own), `postgresql://` or `postgres://` is the server. Anything else
 * is a one-line error that never echoes a password.
 */
export function parseStoreUrl(url: string | null | undefined): StoreSpec {
  const u = url?.trim();
  if (!u) return { kind: 'sqlite', path: null };
  if (u.startsWith('sqlite:')) {
    const path = u.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return { kind: 'sqlite', path: path || null };
  }
  if (/^postgres(ql)?:\/\//.test(u)) {
    pgTarget(u);
    return { kind: 'postgresql', url: u };
  }
  throw new UserError(`store URL must be postgresql://user:password@host:port/database or sqlite:PATH (got '${redactStoreUrl(u)}')`);
}

/** The shape of a store URL, checked without connecting (params.yaml validation). */
export function isStoreUrl(url: string): boolean {
  try {
    parseStoreUrl(url);
    return true;
  } catch {
    return false;
  }
}

/** A URL with its password replaced by ***, for anything that is printed or stored. */
export function redactStoreUrl(url: string): string {
  // Any scheme: a mistyped one (mysql://, postgresq://) must not leak its password either.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

/** Where a postgresql:// URL points, without its password: what every message and header shows. */
export interface PgTarget {
  readonly host: string;
  readonly port: string;
  readonly database: string;
  readonly user: string;
}

/** Host, port, database and user of a connection string; a malformed one is a one-line UserError. */
export function pgTarget(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`store URL is not a valid postgresql:// URL: ${redactStoreUrl(url)}`, {}, 'use postgresql://user:password@host:port/database');
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') throw new UserError(`store URL must start with postgresql:// or sqlite: (got ${u.protocol}//…)`);
  const user = decodeURIComponent(u.username) || 'postgres';
  return { host: u.hostname || u.searchParams.get('host') || 'localhost', port: u.port || '5432', database: decodeURIComponent(u.pathname.replace(/^\//, '')) || user, user };
}
