import { useInput, type Key } from 'ink';
import { useEffect, useRef, useState } from 'react';

export type { Key } from 'ink';
export type KeyHandler = (input: string, key: Key) => void;

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};

/** The control bytes a terminal sends for single keys that Ink passes on glued to their neighbours. */
const CONTROL_KEYS: Readonly<Record<string, Partial<Key> & { input?: string }>> = {
  '\r': { return: true },
  '\n': { return: true },
  '\t': { tab: true },
  '\x7f': { backspace: true },
  '\b': { backspace: true },
  '\x15': { ctrl: true, input: 'u' },
};

/** The longest run of printable characters taken as keys typed together; a longer run is a paste. */
export const MAX_TYPED_RUN = 4;

/**
 * Splits what Ink reports as one input into the keys that were pressed. Ink passes a chunk with no escape
 * sequence as one string, so `jj`, two Backspaces (`\x7f\x7f`) or `386\r` written at once would otherwise
 * arrive as one input that no single-key binding matches: control bytes are always keys of their own, and a
 * short run of printable characters (up to MAX_TYPED_RUN, what fingers send in one read) is one key per
 * character. A longer run is a paste and stays whole: a text field appends it as it would the characters,
 * and the letters of a pasted path never fire list bindings (the `q` of `~/x.parquet` must not quit).
 */
export function splitKeys(input: string, key: Key): { input: string; key: Key }[] {
  const chars = [...input];
  if (chars.length <= 1) return [{ input, key }];
  const hasControl = /[\r\n\t\x7f\b\x15]/.test(input);
  // A chunk Ink already read as one special key (Ctrl/Meta/Esc combinations, arrows) stays whole.
  const special = key.ctrl || key.meta || key.escape || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow;
  if (special && !hasControl) return [{ input, key }];
  const keys: { input: string; key: Key }[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length > MAX_TYPED_RUN) keys.push({ input: run.join(''), key: NO_KEY });
    else for (const ch of run) keys.push({ input: ch, key: { ...NO_KEY, shift: ch !== ch.toLowerCase() } });
    run = [];
  };
  for (const ch of chars) {
    const control = CONTROL_KEYS[ch];
    if (!control) {
      run.push(ch);
      continue;
    }
    flush();
    const { input: controlInput = '', ...flags } = control;
    keys.push({ input: controlInput, key: { ...NO_KEY, ...flags } });
  }
  flush();
  return keys;
}

/**
 * `useInput` that applies every key, in order, each against the state the previous key left behind.
 *
 * Ink calls a handler synchronously for every chunk it reads, possibly several before React re-renders, so a
 * handler that closes over state would see the same (stale) state for each of them: two Backspaces would
 * delete one character, and Enter right after a digit would score the old value. Keys are queued and handled
 * one per commit instead, always by the newest handler.
 */
export function useKeys(handler: KeyHandler, options: { readonly isActive?: boolean } = {}): void {
  const isActive = options.isActive ?? true;
  const latest = useRef(handler);
  latest.current = handler;
  const queue = useRef<{ input: string; key: Key }[]>([]);
  const [tick, setTick] = useState(0);
  useInput(
    (input, key) => {
      queue.current.push(...splitKeys(input, key));
      setTick((t) => t + 1);
    },
    { isActive },
  );
  useEffect(() => {
    if (!isActive) queue.current = [];
  }, [isActive]);
  useEffect(() => {
    const next = queue.current.shift();
    if (!next) return;
    latest.current(next.input, next.key);
    if (queue.current.length > 0) setTick((t) => t + 1);
  }, [tick]);
}
