import { spawnSync } from 'node:child_process';
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

/** Milliseconds from starting the TUI in an 80×24 tmux pane until its Home screen is on screen. */
function firstFrameMs(home: string): number {
  const session = `credit-tui-bench-${process.pid}`;
  const t0 = performance.now();
  spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '80', '-y', '24', `${process.execPath} ${BIN} --home ${home}`]);
  let ms = NaN;
  for (let i = 0; i < 2000; i++) {
    const pane = spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout;
    if (pane.includes('credit-tui › Home')) {
      ms = performance.now() - t0;
      break;
    }
  }
  spawnSync('tmux', ['kill-session', '-t', session]);
  return ms;
}

/** `npm run bench -- startup`: `--help` and the TUI's first frame, against Node's own start-up. */
export function benchStartup(): void {
  console.log('\n== cold start (median of 9) ==');
  const node = median(Array.from({ length: 9 }, () => wallMs(process.execPath, ['-e', '0'])));
  const help = median(Array.from({ length: 9 }, () => wallMs(process.execPath, [BIN, '--help'])));
  console.log(`node -e 0: ${node.toFixed(0)} ms (the floor on this machine)`);
  console.log(`credit-tui --help: ${help.toFixed(0)} ms (target < 150 ms${help < 150 ? ', met' : ', missed'}); credit-tui's own share ${(help - node).toFixed(0)} ms`);
  if (spawnSync('tmux', ['-V']).status !== 0) return console.log('first TUI frame: tmux not installed; not measured');
  const home = mkdtempSync(join(tmpdir(), 'credit-tui-startup-'));
  const frame = median(Array.from({ length: 5 }, () => firstFrameMs(home)));
  console.log(`first TUI frame (tmux 80×24, empty project, incl. polling every few ms): ${frame.toFixed(0)} ms (target < 500 ms${frame < 500 ? ', met' : ', missed'})`);
}
