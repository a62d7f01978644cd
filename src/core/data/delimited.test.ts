import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { parseDelimited, parseDelimitedColumns, splitLine } from './delimited.js';

describe('delimited text', () => {
  it('handles a BOM, CRLF line ends and quoted fields', () => {
    const t = parseDelimited('\ufeffa,b,c\r\n1,"x, y",3\r\n4,"say ""hi""",6\r\n', 'f.csv');
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([['1', 'x, y', '3'], ['4', 'say "hi"', '6']]);
    expect(t.lineNumbers).toEqual([2, 3]);
  });

  it('detects semicolons, tabs and whitespace', () => {
    expect(parseDelimited('a;b\n1;2\n', 'f').delimiter).toBe(';');
    expect(parseDelimited('a\tb\n1\t2\n', 'f').delimiter).toBe('\t');
    expect(parseDelimited('a  b\n1 2\n', 'f').delimiter).toBe('whitespace');
  });

  it('names file, row and column of a ragged row', () => {
    expect(() => parseDelimited('a,b,c\n1,2,3\n4,5\n', 'f.csv')).toThrow('f.csv, row 3, column \'c\': expected 3 fields, found 2');
  });

  it('calls a file with one field per line a delimiter problem', () => {
    expect(() => parseDelimited('abc\ndef\n', 'f.csv')).toThrow(UserError);
    expect(() => parseDelimited('abc\ndef\n', 'f.csv')).toThrow(/f\.csv, row 1: could not find a delimiter/);
  });

  it('points at the row whose delimiter differs from the header', () => {
    expect(() => parseDelimited('a,b,c\n1,2,3\n4;5;6\n', 'f.csv')).toThrow(/row 3.*found 1.*';'-separated/);
  });

  it('rejects an empty file and an unterminated quote', () => {
    expect(() => parseDelimited('', 'e.csv')).toThrow('e.csv: empty file');
    expect(() => parseDelimited('\n\n', 'e.csv')).toThrow('e.csv: empty file');
    expect(splitLine('1,"abc', ',')).toBeNull();
  });

  it('keeps the same parse column-wise: fields, line numbers, delimiter and errors', () => {
    const texts = [
      '\ufeffa,b,c\r\n1,"x, y",3\r\n\r\n4,"say ""hi""",6\r\n',
      '\n\na;b\n1;2\n\n3;4',
      'a  b\n1 2\n 3\t4 \n',
      'a,b\n1,2\r\r\n',
      'a,b,c\n1,2,3\n4,5\n',
      'abc\ndef\n',
      'a,b\n1,"2\n',
      '',
      '\n \n',
    ];
    for (const text of texts) {
      let rows: ReturnType<typeof parseDelimited> | Error;
      try {
        rows = parseDelimited(text, 'f.csv');
      } catch (e) {
        rows = e as Error;
      }
      if (rows instanceof Error) {
        expect(() => parseDelimitedColumns(text, 'f.csv')).toThrow(rows.message);
        continue;
      }
      const cols = parseDelimitedColumns(text, 'f.csv');
      expect(cols.header).toEqual(rows.header);
      expect(cols.delimiter).toBe(rows.delimiter);
      expect(cols.lineNumbers).toEqual(rows.lineNumbers);
      expect(cols.rows).toBe(rows.rows.length);
      expect(cols.columns).toEqual(rows.header.map((_, j) => rows.rows.map((r) => r[j])));
    }
    const statlog = parseDelimitedColumns('A11 6\nA12 7\n', 'g.data', { delimiter: 'whitespace', header: ['x', 'y'] });
    expect(statlog.columns).toEqual([['A11', 'A12'], ['6', '7']]);
    expect(statlog.lineNumbers).toEqual([1, 2]);
  });
});
