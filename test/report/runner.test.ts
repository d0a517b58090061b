import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../src/cli/report';
import {
  checkKernel,
  listNotebooks,
  NotebookFailedError,
  strayKernelPids,
  templateAssetArgs,
} from '../../src/report/runner';

describe('report/runner (pure parts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists NN-name notebooks in order and ignores everything else', () => {
    for (const f of [
      '03-c.ipynb',
      '01-a.ipynb',
      '02-b.ipynb',
      'scratch.ipynb',
      '04-d.ipynb.bak',
      '.05-e.ipynb',
    ])
      fs.writeFileSync(path.join(dir, f), '{}');
    expect(listNotebooks(dir)).to.deep.equal(['01-a', '02-b', '03-c']);
    expect(() => listNotebooks(path.join(dir, 'missing'))).to.throw(/does not exist/);
  });

  it('pins template assets so no page loads a CDN, using Debian MathJax only when installed', () => {
    const none = templateAssetArgs(path.join(dir, 'no-mathjax.js'));
    expect(none).to.deep.equal([
      '--HTMLExporter.require_js_url=data:text/javascript,',
      '--HTMLExporter.mathjax_url=data:text/javascript,',
    ]);
    const local = path.join(dir, 'MathJax.js');
    fs.writeFileSync(local, '');
    expect(templateAssetArgs(local)[1]).to.equal(
      `--HTMLExporter.mathjax_url=file://${local}?config=TeX-AMS_CHTML-full,Safe`,
    );
    expect(templateAssetArgs(local).join(' ')).to.not.match(/https?:/);
  });

  it('explains a missing Jupyter or kernel registration with the command to run', () => {
    expect(() => checkKernel(dir, path.join(dir, 'jupyter'))).to.throw(
      /Jupyter is not installed. Run `npm run setup`/,
    );
    const jupyter = path.join(dir, 'jupyter');
    fs.writeFileSync(jupyter, '');
    expect(() => checkKernel(dir, jupyter)).to.throw(/tslab kernel is not registered .* run `npm run setup`/);
    const specDir = path.join(dir, '.jupyter', 'share', 'jupyter', 'kernels', 'tslab');
    fs.mkdirSync(specDir, { recursive: true });
    fs.writeFileSync(
      path.join(specDir, 'kernel.json'),
      JSON.stringify({ argv: ['/moved/node_modules/.bin/tslab', 'kernel'] }),
    );
    expect(() => checkKernel(dir, jupyter)).to.throw(
      /points at "\/moved\/node_modules\/.bin\/tslab", which does not exist/,
    );
    fs.writeFileSync(path.join(specDir, 'kernel.json'), JSON.stringify({ argv: [jupyter, 'kernel'] }));
    expect(() => checkKernel(dir, jupyter)).to.not.throw();
  });

  it("finds only the processes whose environment carries this run's marker", () => {
    const proc = path.join(dir, 'proc');
    const env = (vars: string[]) => Buffer.from(vars.map((v) => `${v}\0`).join(''));
    const add = (pid: string, vars: string[] | null) => {
      fs.mkdirSync(path.join(proc, pid), { recursive: true });
      if (vars) fs.writeFileSync(path.join(proc, pid, 'environ'), env(vars));
    };
    add('101', ['HOME=/root', 'STUDY_CELL_ERROR_FILE=/r/.work/01-a.cell-error.json']);
    add('102', ['STUDY_CELL_ERROR_FILE=/r/.work/01-a.cell-error.json.other']); // a different run
    add('103', ['STUDY_CELL_ERROR_FILE=/r/.work/02-b.cell-error.json']);
    add('104', null); // unreadable
    add('self', ['STUDY_CELL_ERROR_FILE=/r/.work/01-a.cell-error.json']); // not a pid
    expect(strayKernelPids('/r/.work/01-a.cell-error.json', proc)).to.deep.equal([101]);
    expect(strayKernelPids('/x', path.join(dir, 'no-proc'))).to.deep.equal([]);
  });

  it('formats a failure with notebook, cell and message', () => {
    const e = new NotebookFailedError('02-status.ipynb', 4, 'const t = load();', 'Error: no snapshot');
    expect(e.message).to.equal(
      'notebook 02-status.ipynb failed in cell 4 ("const t = load();"):\nError: no snapshot',
    );
    expect(new NotebookFailedError('x.ipynb', null, null, 'DeadKernelError: Kernel died').message).to.equal(
      'notebook x.ipynb failed: DeadKernelError: Kernel died',
    );
  });
});

describe('cli/report arguments', () => {
  it('parses --only lists, --out, --notebooks and --timeout', () => {
    const a = parseArgs(
      ['--only', '02-status,03-activity-time.ipynb', '--only', '05-model', '--out', 'x', '--timeout', '60'],
      {},
    );
    expect(a).to.deep.equal({ only: ['02-status', '03-activity-time', '05-model'], out: 'x', timeout: 60 });
    expect(parseArgs([], { STUDY_CELL_TIMEOUT: '90' }).timeout).to.equal(90);
  });

  it('rejects unknown flags, missing values and bad timeouts', () => {
    expect(() => parseArgs(['--bogus'], {})).to.throw(/unknown option "--bogus"/);
    expect(() => parseArgs(['--out'], {})).to.throw(/--out needs a value/);
    expect(() => parseArgs(['--timeout', '0'], {})).to.throw(/--timeout needs a whole number >= 1, got "0"/);
    expect(() => parseArgs([], { STUDY_CELL_TIMEOUT: 'soon' })).to.throw(/STUDY_CELL_TIMEOUT="soon"/);
  });
});
