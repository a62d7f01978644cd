// Bundles the two interactive front doors into one file each, after `tsc`: dist/cli/main.bundle.cjs (the
// command line: commander and our commands) and dist/ui/run-tui.bundle.js (Ink, React and our screens).
// Node resolves, reads and compiles every ES module on its own; Ink alone is a few hundred of them, which
// took ~0.5 s of the TUI's first frame. Engine and core modules stay separate files, imported from dist/
// as they are: worker threads and the headless paths load them too, and they are loaded lazily. (The CLI
// bundle takes in the small pure core helpers its commands use; see keepOutside.)
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist');

/**
 * Our modules outside the folders a bundle takes in stay external, re-pointed from the bundle's location.
 * `core/errors.js` always stays shared: its classes are tested with instanceof across the boundary.
 */
const ERRORS = resolve(dist, 'core', 'errors.js');
const keepOutside = (own, ...alsoInside) => ({
  name: 'keep-outside',
  setup(b) {
    const commonJs = b.initialOptions.format === 'cjs';
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      const inside = [own, ...alsoInside].some((dir) => target.startsWith(dir + sep)) && target !== ERRORS;
      if (!target.startsWith(dist + sep) || inside) return undefined;
      // A CommonJS bundle cannot require an ES module (Node 20): it takes the errors' CommonJS twin.
      const path = relative(own, commonJs && target === ERRORS ? ERRORS.replace(/\.js$/, '.cjs') : target).split(sep).join('/');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
});

// Ink loads its React DevTools hook only when DEV=true; the bundle gets a stub instead of the optional package.
const noDevtools = {
  name: 'no-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default { initialize() {}, connectToDevTools() {} };', loader: 'js' }));
  },
};

// commander requires child_process at load for executable subcommands, which credit-tui has none of; that
// pulls in net, dgram and their streams (~8 built-in modules) on every start. It gets a stand-in that loads
// the real module on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.importer.includes(`${sep}commander${sep}`) ? { path: 'child_process', namespace: 'lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native addons stay outside; CommonJS inside needs a real `require`.
  external: ['better-sqlite3', 'nodejs-polars'],
  logLevel: 'warning',
  legalComments: 'none',
};
const requireShim = "import { createRequire as __ctCreateRequire } from 'node:module'; const require = __ctCreateRequire(import.meta.url);";

// The CLI is CommonJS, which bin/credit-tui requires: a start that needs no ES module (--help, a bad flag,
// params) then never initialises Node's ES module loader, its file streams and readline (~10 ms here). The
// commands' engine modules are still ES modules, imported when a command runs. core/errors gets a CommonJS
// twin that errors.js re-exports, so both kinds of module share one UserError class (instanceof checks).
const TWIN_NOTE = '// Re-exports the CommonJS twin the CommonJS CLI bundle requires (see scripts/bundle.mjs): one class per error.';
if (!readFileSync(ERRORS, 'utf8').startsWith(TWIN_NOTE)) {
  await build({ ...common, format: 'cjs', entryPoints: [ERRORS], outfile: ERRORS.replace(/\.js$/, '.cjs') });
  writeFileSync(ERRORS, `${TWIN_NOTE}\nexport * from './errors.cjs';\n`);
}
await build({
  ...common,
  format: 'cjs',
  entryPoints: [resolve(dist, 'cli', 'main.js')],
  outfile: resolve(dist, 'cli', 'main.bundle.cjs'),
  define: { 'import.meta.url': '__ctMetaUrl' },
  banner: { js: 'const __ctMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  // The pure core helpers the commands use (formatting, params, verdicts) come inside too: fewer files at start.
  plugins: [keepOutside(resolve(dist, 'cli'), resolve(dist, 'core')), lazyChildProcess],
});

await build({
  ...common,
  entryPoints: [resolve(dist, 'ui', 'run-tui.js')],
  outfile: resolve(dist, 'ui', 'run-tui.bundle.js'),
  define: { 'process.env.NODE_ENV': '"production"' },
  // Yoga's Emscripten loader reads its inline WebAssembly with `fetch` when there is one, and touching Node's
  // `fetch` loads undici (~40-70 ms here): hidden while the bundle initialises (base64 is decoded instead),
  // then restored as it was.
  banner: {
    js: [
      requireShim,
      "const __ctFetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch');",
      "Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });",
    ].join('\n'),
  },
  footer: { js: "if (__ctFetch) Object.defineProperty(globalThis, 'fetch', __ctFetch); else delete globalThis.fetch;" },
  plugins: [keepOutside(resolve(dist, 'ui')), noDevtools],
});
