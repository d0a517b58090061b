import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { reportTemplateArgs, TEMPLATE_NAME } from '../../src/report/runner';
import { findRepoRoot } from '../../src/util/repo-root';

const ROOT = findRepoRoot(__dirname);
const TEMPLATE = path.join(ROOT, 'src', 'report', 'template', TEMPLATE_NAME);

describe('report/page template', () => {
  it('is where the runner tells nbconvert to look, extending the lab template', () => {
    const [dirs, name] = reportTemplateArgs(ROOT);
    expect(name).to.equal(`--template=${TEMPLATE_NAME}`);
    expect(dirs).to.equal(`--TemplateExporter.extra_template_basedirs=${path.dirname(TEMPLATE)}`);
    const j2 = fs.readFileSync(path.join(TEMPLATE, 'index.html.j2'), 'utf8');
    expect(j2).to.contain("{%- extends 'lab/index.html.j2' -%}");
    expect(j2).to.contain('<details class="study-code">');
    expect(j2).to.contain('src="assets/plotly.min.js"');
    expect(j2).to.not.match(/https?:\/\//);
  });

  it('writes CSV as RFC 4180 says: fields with commas, quotes or line breaks quoted, CRLF line ends', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { csvField, rowsToCsv } = require(path.join(TEMPLATE, 'report.js')) as {
      csvField(s: string): string;
      rowsToCsv(rows: string[][]): string;
    };
    expect(csvField('plain')).to.equal('plain');
    expect(csvField('1,944')).to.equal('"1,944"');
    expect(csvField('say "hi"')).to.equal('"say ""hi"""');
    expect(csvField('a\nb')).to.equal('"a\nb"');
    expect(
      rowsToCsv([
        ['status', 'members'],
        ['active', '1,944'],
      ]),
    ).to.equal('status,members\r\nactive,"1,944"\r\n');
  });

  it('a cell gives the CSV its data-csv values (unrounded, an interval as two fields), else its text', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { cellFields } = require(path.join(TEMPLATE, 'report.js')) as {
      cellFields(cell: { getAttribute(n: string): string | null; textContent: string }): string[];
    };
    const cell = (text: string, csv: string | null) => ({ getAttribute: () => csv, textContent: text });
    expect(cellFields(cell(' 1,944\n ', null))).to.deep.equal(['1,944']);
    expect(cellFields(cell('12.3%', '[0.12345]'))).to.deep.equal(['0.12345']);
    expect(cellFields(cell('12.0%–14.1%', '[0.1201,null]'))).to.deep.equal(['0.1201', '']);
  });
});
