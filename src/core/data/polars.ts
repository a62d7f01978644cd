import { createRequire } from 'node:module';
import type plModule from 'nodejs-polars';

const require = createRequire(import.meta.url);
let loaded: typeof plModule | null = null;

/** nodejs-polars, loaded on first use: commands that never touch Parquet (and the TUI's first frame) skip its ~70 ms. */
export function polars(): typeof plModule {
  loaded ??= require('nodejs-polars') as typeof plModule;
  return loaded;
}
