/** Outcome cells read as bad or good without --bad (case-insensitive). */
export const BAD_WORDS: readonly string[] = ['bad', '1', 'yes', 'true', 'default', 'defaulted'];
export const GOOD_WORDS: readonly string[] = ['good', '0', 'no', 'false', 'paid', 'repaid'];

/**
 * One outcome cell as 1 (bad) or 0 (good); undefined when it cannot be read. With `badValue`, exactly that
 * value is bad and anything else good. Without it, a column named `class` holding 1 or 2 is Statlog's
 * coding (1 = good, 2 = bad: here "1" is good), and otherwise the word lists above decide.
 */
export function readOutcome(raw: string, column: string, badValue: string | null): 0 | 1 | undefined {
  if (badValue !== null) return raw === badValue ? 1 : 0;
  if (column === 'class' && (raw === '1' || raw === '2')) return raw === '2' ? 1 : 0;
  const w = raw.toLowerCase();
  if (BAD_WORDS.includes(w)) return 1;
  if (GOOD_WORDS.includes(w)) return 0;
  return undefined;
}

/** What `outcomes --bad` does when it is not given, in words for --help. */
export const OUTCOME_DEFAULT_HELP = `default: a column named class holding 1/2 is Statlog's coding (1 = good, 2 = bad); otherwise ${BAD_WORDS.join('/')} = bad and ${GOOD_WORDS.join('/')} = good (any case), and anything else is an error`;
