/**
 * Turning a failed cell into a message a person can act on. nbconvert reports a failing
 * tslab cell with an empty error name and value (docs/toolchain.md); the real message
 * is in the cell's stderr stream, which our nbconvert hook (nbconvert-hook.ts) saves.
 */

/** What the nbconvert hook writes when a cell fails. */
export interface CellErrorRecord {
  cell_index: number;
  source: string;
  ename: string | null;
  evalue: string | null;
  traceback: string[] | null;
  outputs: {
    output_type: string;
    name?: string;
    text?: string | string[];
    ename?: string;
    evalue?: string;
  }[];
}

export function parseCellErrorRecord(json: string, source: string): CellErrorRecord {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (err) {
    throw new Error(`cell error record ${source} is not JSON (${(err as Error).message}).`, { cause: err });
  }
  const r = v as Partial<CellErrorRecord>;
  if (typeof r.cell_index !== 'number' || typeof r.source !== 'string' || !Array.isArray(r.outputs)) {
    throw new Error(`cell error record ${source} lacks cell_index/source/outputs.`);
  }
  return { ename: null, evalue: null, traceback: null, ...r } as CellErrorRecord;
}

const STACK_LINE = /^\s+at\s/;
const THROWN = /^(Uncaught\s+)?([A-Za-z_$][\w$.]*)?(Error|Exception|Rejection)\b[^:\n]*:\s?\S/;
const TS_DIAGNOSTIC = /^\d+:\d+ - \S/;
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * The real error message from a failed cell's stderr: the thrown error's "Name: message"
 * lines (without the stack), or TypeScript's "line:col - message" diagnostics, or failing
 * those the first few non-empty lines.
 */
export function extractErrorMessage(rec: CellErrorRecord): string {
  if (rec.ename && rec.evalue) return `${rec.ename}: ${rec.evalue}`;
  const stderr = rec.outputs
    .filter((o) => (o.output_type === 'stream' && o.name === 'stderr') || o.output_type === 'error')
    .map((o) =>
      o.output_type === 'error'
        ? `${o.ename ?? 'Error'}: ${o.evalue ?? ''}`
        : Array.isArray(o.text)
          ? o.text.join('')
          : (o.text ?? ''),
    )
    .join('')
    .replace(ANSI, '');
  const lines = stderr.split('\n');
  const thrownAt = lines.findIndex((l) => THROWN.test(l));
  if (thrownAt >= 0) {
    const out: string[] = [];
    for (let i = thrownAt; i < lines.length && !STACK_LINE.test(lines[i]) && lines[i].trim() !== ''; i++)
      out.push(lines[i]);
    return out.join('\n').trim();
  }
  const diagnostics = lines.filter((l) => TS_DIAGNOSTIC.test(l));
  if (diagnostics.length > 0) return `TypeScript: ${diagnostics.join('\n')}`;
  const plain = lines
    .map((l) => l.trim())
    .filter((l) => l !== '' && !STACK_LINE.test(l) && !/^evalmachine\./.test(l) && l !== '^');
  if (plain.length > 0) return plain.slice(0, 5).join('\n');
  return '(the cell failed without any error output)';
}

/** First non-blank line of the cell's source, shortened for one line of output. */
export function firstSourceLine(source: string, max = 100): string {
  const line =
    source
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '(empty cell)';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
