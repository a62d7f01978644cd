import { Box, Text } from 'ink';
import { useKeys } from './keys.js';
import React, { useEffect, useRef, useState } from 'react';

/** A text bar: `████░░░░ 42%`. */
export function ProgressBar({ done, total, width = 30 }: { readonly done: number; readonly total: number; readonly width?: number }): React.JSX.Element {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(share * width);
  return (
    <Text>
      <Text color="green">{'█'.repeat(full)}</Text>
      <Text dimColor>{'░'.repeat(width - full)}</Text>
      <Text> {String(Math.round(share * 100)).padStart(3)}%</Text>
    </Text>
  );
}

/** The frame of every screen: title, body, key hints, and an error line that never breaks the layout. */
export function Screen({ title, hints, error, children }: { readonly title: string; readonly hints: string; readonly error?: string | null; readonly children?: React.ReactNode }): React.JSX.Element {
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold color="cyan">credit-tui</Text>
        <Text> › {title}</Text>
      </Box>
      <Box flexDirection="column" marginY={1}>
        {children}
      </Box>
      {error ? (
        <Text color="red">✗ {error}</Text>
      ) : null}
      <Text dimColor>{hints}</Text>
    </Box>
  );
}

export interface ListItem {
  readonly key: string;
  readonly label: string;
  readonly detail?: string;
}

/** A vertical list with one selected row; shows a window of `height` rows around the selection. */
export function SelectList({ items, selected, height = 12, marked }: { readonly items: readonly ListItem[]; readonly selected: number; readonly height?: number; readonly marked?: ReadonlySet<string> }): React.JSX.Element {
  const start = Math.max(0, Math.min(selected - Math.floor(height / 2), items.length - height));
  const visible = items.slice(start, start + height);
  return (
    <Box flexDirection="column">
      {visible.map((it, i) => {
        const active = start + i === selected;
        return (
          <Text key={it.key} {...(active ? { color: 'cyan' as const } : {})} wrap="truncate-end">
            {active ? '❯ ' : '  '}
            {marked?.has(it.key) ? '◉ ' : marked ? '○ ' : ''}
            {it.label}
            {it.detail ? <Text dimColor>  {it.detail}</Text> : null}
          </Text>
        );
      })}
      {items.length > height ? <Text dimColor>  {selected + 1}/{items.length}</Text> : null}
    </Box>
  );
}

/** Moves a selection with ↑↓ / j k / PgUp PgDn; returns nothing, calls `onMove` with the new index. */
export function useListKeys(count: number, selected: number, onMove: (i: number) => void, isActive = true): void {
  useKeys(
    (input, key) => {
      if (count === 0) return;
      if (key.upArrow || input === 'k') onMove((selected - 1 + count) % count);
      else if (key.downArrow || input === 'j') onMove((selected + 1) % count);
      else if (key.pageUp) onMove(Math.max(0, selected - 10));
      else if (key.pageDown) onMove(Math.min(count - 1, selected + 10));
    },
    { isActive },
  );
}

/**
 * A one-line text field; Tab asks `complete` for a longer value (file paths). A value already there when the
 * field gets focus is selected, as in a dialog box: typing replaces it, Backspace clears it, → or Tab keeps
 * it for editing.
 */
export function TextField({ label, value, onChange, onSubmit, complete, isActive = true }: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (v: string) => void;
  readonly onSubmit: (v: string) => void;
  readonly complete?: (v: string) => string;
  readonly isActive?: boolean;
}): React.JSX.Element {
  const [selected, setSelected] = useState(isActive && value !== '');
  const focused = useRef(isActive);
  useEffect(() => {
    if (isActive && !focused.current) setSelected(value !== '');
    if (!isActive) setSelected(false);
    focused.current = isActive;
  }, [isActive, value]);
  useKeys(
    (input, key) => {
      if (key.return) onSubmit(value);
      else if (key.backspace || key.delete) onChange(selected ? '' : value.slice(0, -1));
      else if (key.tab && complete) onChange(complete(value));
      else if (!key.ctrl && !key.meta && !key.escape && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && !key.tab && input) onChange(selected ? input : value + input);
      if (!key.return) setSelected(false);
    },
    { isActive },
  );
  return (
    <Text>
      {label} {selected ? <Text inverse color="cyan">{value}</Text> : <Text color={isActive ? 'cyan' : undefined}>{value}</Text>}
      {isActive ? <Text inverse> </Text> : null}
    </Text>
  );
}
