import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin', 'credit-tui');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function wallMs(cmd: string, args: readonly string[]): number {
  const t0 = performance.now();
  spawnSync(cmd, args, { stdio: 'ignore' });
  return performance.now() - t0;
}

/**
 * Milliseconds from starting the TUI on a fresh 80×24 pseudo-terminal (util-linux `script`, ~40 ms of its own
 * here) until its Home screen's title has been written. tmux was used before; its server start and polling
 * added a few hundred milliseconds that were not the TUI's.
 */
function firstFrameMs(home: string): Promise<number> {
  return new Promise((done) => {
    const env = { ...process.env };
    delete env['CI']; // the TUI refuses to open under CI
    const t0 = performance.now();
    const child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec ${process.execPath} ${BIN} --home ${home}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let seen = '';
    const finish = (ms: number): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      done(ms);
    };
    const timer = setTimeout(() => finish(NaN), 10_000);
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      if (seen.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').includes('credit-tui › Home')) finish(performance.now() - t0);
    });
  });
}

/** `npm run bench -- startup`: `--help` and the TUI's first frame, against Node's own start-up. */
export async function benchStartup(): Promise<void> {
  console.log('\n== cold start (median of 9) ==');
  const node = median(Array.from({ length: 9 }, () => wallMs(process.execPath, ['-e', '0'])));
  const help = median(Array.from({ length: 9 }, () => wallMs(process.execPath, [BIN, '--help'])));
  console.log(`node -e 0: ${node.toFixed(0)} ms (the floor on this machine)`);
  console.log(`credit-tui --help: ${help.toFixed(0)} ms (target < 150 ms${help < 150 ? ', met' : ', missed'}); credit-tui's own share ${(help - node).toFixed(0)} ms`);
  if (spawnSync('script', ['-V']).status !== 0) return console.log('first TUI frame: util-linux `script` not installed; not measured');
  const home = mkdtempSync(join(tmpdir(), 'credit-tui-startup-'));
  const frames: number[] = [];
  for (let i = 0; i < 9; i++) frames.push(await firstFrameMs(home));
  const frame = median(frames);
  console.log(`first TUI frame (80×24 pseudo-terminal, empty project, incl. ~40 ms for \`script\` itself): ${frame.toFixed(0)} ms (target < 500 ms${frame < 500 ? ', met' : ', missed'})`);
}
