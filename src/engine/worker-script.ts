import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A worker thread's script beside this module (`name` without extension). */
export function workerScript(name: string): URL {
  const sibling = new URL(`./${name}.js`, import.meta.url);
  // Under vitest this module runs from src/; the compiled worker lives in dist/.
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL(`../../dist/engine/${name}.js`, import.meta.url);
}
