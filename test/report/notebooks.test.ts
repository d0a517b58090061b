// The notebooks as stored: on the tslab kernel, without outputs, opening with an intro,
// reading parameters through the shared helper, recording a summary. Also the authoring
// aid in scripts/notebook.js round-trips them.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { findRepoRoot } from '../../src/util/repo-root';
import { listNotebooks } from '../../src/report/runner';

const root = findRepoRoot(__dirname);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aid = require(path.join(root, 'scripts', 'notebook.js')) as {
  parsePercent(text: string, name: string): { cell_type: string; source: string[] }[];
  unpack(file: string): string;
  problems(file: string): string[];
};

interface Nb {
  metadata: { kernelspec: { name: string; language: string } };
  cells: { cell_type: string; source: string[] }[];
}

describe('notebooks/', () => {
  const names = listNotebooks(path.join(root, 'notebooks'));

  it('has the five study notebooks in order', () => {
    for (const n of ['01-pull', '02-status', '03-activity-time', '04-geography', '05-model'])
      expect(names).to.include(n);
  });

  for (const name of ['01-pull', '02-status', '03-activity-time', '04-geography', '05-model']) {
    it(`${name}: tslab kernel, no stored outputs, intro, parameter cell, summary`, () => {
      const file = path.join(root, 'notebooks', `${name}.ipynb`);
      const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as Nb;
      expect(aid.problems(file)).to.deep.equal([]);
      expect(nb.metadata.kernelspec).to.include({ name: 'tslab', language: 'typescript' });
      expect(nb.cells[0].cell_type).to.equal('markdown');
      expect(nb.cells[0].source.join('')).to.match(/^# /);
      const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
      expect(code[0]).to.match(/startNotebook|startAnalysis|startAudit/);
      expect(code.join('\n')).to.contain('finishNotebook');
      expect(code.join('\n')).to.not.match(/from '\.\.\/src\//); // tslab's rootDir: import ../dist (docs/toolchain.md)
    });
  }

  it('authoring aid: unpack then pack gives the same cells', () => {
    for (const name of names) {
      const file = path.join(root, 'notebooks', `${name}.ipynb`);
      const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as Nb;
      const cells = aid.parsePercent(aid.unpack(file), name);
      expect(cells.map((c) => [c.cell_type, c.source.join('')])).to.deep.equal(
        nb.cells.map((c) => [c.cell_type, c.source.join('').replace(/\s+$/, '')]),
      );
    }
  });

  it('authoring aid: refuses text outside cells', () => {
    expect(() => aid.parsePercent('stray\n// %%\nx', 'nb')).to.throw(/before the first/);
    expect(() => aid.parsePercent('// %% [markdown]\nnot a comment', 'nb')).to.throw(/must start with/);
  });
});
