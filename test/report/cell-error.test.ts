import { expect } from 'chai';
import {
  extractErrorMessage,
  firstSourceLine,
  parseCellErrorRecord,
  type CellErrorRecord,
} from '../../src/report/cell-error';

const rec = (stderr: string, extra: Partial<CellErrorRecord> = {}): CellErrorRecord => ({
  cell_index: 3,
  source: 'x',
  ename: null,
  evalue: null,
  traceback: null,
  outputs: [
    { output_type: 'stream', name: 'stdout', text: 'noise Error: not this\n' },
    { output_type: 'stream', name: 'stderr', text: stderr },
  ],
  ...extra,
});

describe('report/cell-error', () => {
  it('extracts a thrown error without its stack (tslab runtime error, as captured from a real kernel)', () => {
    const stderr =
      "evalmachine.<anonymous>:2\nthrow new Error('boom here');\n^\n\nError: boom here\n    at evalmachine.<anonymous>:2:7\n    at Script.runInThisContext (node:vm:135:14)\n";
    expect(extractErrorMessage(rec(stderr))).to.equal('Error: boom here');
  });

  it('keeps a multi-line message and typed error names', () => {
    const stderr =
      'RangeError: STUDY_MEMBERS=0 is out of range\nuse 1 … 5000000\n    at studyParams (/x.js:1:1)\n';
    expect(extractErrorMessage(rec(stderr))).to.equal(
      'RangeError: STUDY_MEMBERS=0 is out of range\nuse 1 … 5000000',
    );
  });

  it("reports TypeScript diagnostics from tslab's compiler", () => {
    const stderr =
      "4:1 - Import assignment cannot be used when targeting ECMAScript modules.\n5:3 - Cannot find name 'foo'.\n";
    expect(extractErrorMessage(rec(stderr))).to.equal(
      "TypeScript: 4:1 - Import assignment cannot be used when targeting ECMAScript modules.\n5:3 - Cannot find name 'foo'.",
    );
  });

  it('prefers a non-empty error name/value, strips ANSI colours, and says when there is nothing', () => {
    expect(extractErrorMessage(rec('', { ename: 'ValueError', evalue: 'bad' }))).to.equal('ValueError: bad');
    expect(extractErrorMessage(rec('\u001b[31mTypeError: x is not a function\u001b[0m\n'))).to.equal(
      'TypeError: x is not a function',
    );
    expect(extractErrorMessage(rec(''))).to.match(/without any error output/);
    expect(extractErrorMessage(rec('something odd happened\n'))).to.equal('something odd happened');
  });

  it('parses the hook record and shortens the first source line', () => {
    const r = parseCellErrorRecord(
      JSON.stringify({ cell_index: 2, source: '\n\n  const a = 1;\nb', outputs: [] }),
      'f',
    );
    expect(r.cell_index).to.equal(2);
    expect(firstSourceLine(r.source)).to.equal('const a = 1;');
    expect(firstSourceLine('x'.repeat(300), 20)).to.have.length(20);
    expect(() => parseCellErrorRecord('{}', 'f.json')).to.throw(/f.json lacks/);
    expect(() => parseCellErrorRecord('nope', 'f.json')).to.throw(/not JSON/);
  });
});
