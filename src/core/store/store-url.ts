import { UserError } from '../errors.js';
import { pgTarget } from './pg-run-store.js';

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
  throw new UserError(`store URL must be postgresql://user:password@host:port/database or sqlite:PATH (got '${u.replace(/:[^:@/]*@/, ':***@')}')`);
}

/** A URL with its password replaced by ***, for anything that is printed or stored. */
export function redactStoreUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@]*@/, '$1:***@');
}
