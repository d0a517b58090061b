import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as aq from 'arquero';
import { parseCsv, readDataFile } from '../../../src/model/data';
import { repoRoot } from './support';

describe('model data files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fit-data-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('types CSV columns as R read.csv does: numbers (quoted or not), logicals, strings, NA as missing', () => {
    const { columns, rows } = parseCsv(
      'y,x,"g",ok,s\r\n1,0.5,"1",TRUE,a\n2,NA,"2",false,"b, c"\n3,-1e2,"3",,"say ""hi"""\n',
    );
    expect(rows).to.equal(3);
    expect(Array.from(columns.y)).to.deep.equal([1, 2, 3]);
    expect(Array.from(columns.x)).to.deep.equal([0.5, null, -100]);
    expect(Array.from(columns.g)).to.deep.equal([1, 2, 3]);
    expect(Array.from(columns.ok)).to.deep.equal([true, false, null]);
    expect(Array.from(columns.s)).to.deep.equal(['a', 'b, c', 'say "hi"']);
  });
  it('reads the committed epilepsy CSV with its factor and numeric columns', () => {
    const d = readDataFile(path.join(repoRoot(), 'data/public/epilepsy.csv'));
    expect(d.rows).to.equal(236);
    expect(d.format).to.equal('csv');
    expect(new Set(Array.from(d.columns.Trt))).to.deep.equal(new Set(['placebo', 'treated']));
    expect(typeof d.columns.zBase[0]).to.equal('number');
    expect(d.columns.count[0]).to.equal(5);
  });
  it('reads Arrow IPC files written by arquero', () => {
    const file = path.join(dir, 'd.arrow');
    const t = aq.table({ y: [1, 2, 3], sex: ['f', 'm', 'f'] });
    fs.writeFileSync(file, t.toArrowIPC({ format: 'file' }) as Uint8Array);
    const d = readDataFile(file);
    expect(d.rows).to.equal(3);
    expect(Array.from(d.columns.sex)).to.deep.equal(['f', 'm', 'f']);
    expect(Array.from(d.columns.y).map(Number)).to.deep.equal([1, 2, 3]);
  });
  it('gives clear errors for a missing file, an unknown extension, ragged rows, bad quoting and bad Arrow', () => {
    expect(() => readDataFile(path.join(dir, 'nope.csv'))).to.throw(/does not exist/);
    fs.writeFileSync(path.join(dir, 'd.txt'), 'a\n1\n');
    expect(() => readDataFile(path.join(dir, 'd.txt'))).to.throw(
      /unknown extension ".txt"; use a .csv or .arrow/,
    );
    expect(() => parseCsv('a,b\n1,2\n3\n')).to.throw(/data row 2 has 1 fields but the header has 2/);
    expect(() => parseCsv('a,b\n1,"2\n')).to.throw(/unterminated quoted field starting on line 2/);
    expect(() => parseCsv('')).to.throw(/empty/);
    expect(() => parseCsv('a,a\n1,2\n')).to.throw(/appears twice/);
    fs.writeFileSync(path.join(dir, 'bad.arrow'), 'not arrow at all');
    expect(() => readDataFile(path.join(dir, 'bad.arrow'))).to.throw(/not a readable Arrow IPC file/);
  });
});
