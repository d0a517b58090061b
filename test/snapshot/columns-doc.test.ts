import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BEGIN_MARK, END_MARK, columnsTable, withColumnsTable } from '../../src/snapshot/columns-doc';
import { MEMBER_COLUMNS } from '../../src/snapshot/schema';
import { EVERY_KIND } from '../vk/columns-decoder-fixtures';

const PAGE = path.resolve(__dirname, '../../../docs/snapshot.md');

describe('docs/snapshot.md: the column table is the member schema', () => {
  it('the committed page holds exactly the table the schema gives (regenerate: node dist/src/snapshot/columns-doc.js)', () => {
    const page = fs.readFileSync(PAGE, 'utf8');
    expect(withColumnsTable(page) === page, 'docs/snapshot.md differs from the schema').to.equal(true);
    const table = page.slice(page.indexOf(BEGIN_MARK), page.indexOf(END_MARK));
    for (const c of MEMBER_COLUMNS) expect(table, c.name).to.contain(`| \`${c.name}\` | ${c.type} |`);
  });

  it('one row per column, with its VK path, its rule in words and its null rule', () => {
    const rows = columnsTable(EVERY_KIND).split('\n').slice(2);
    expect(rows).to.have.length(EVERY_KIND.columns.length);
    expect(rows[0]).to.match(
      /^\| `id` \| int32 \| `id` \(always sent\) \| integer 1…2³¹−1 .*malformed answer/,
    );
    expect(rows.find((r) => r.startsWith('| `university_id`'))).to.contain(
      '`university` (field `education`)',
    );
    expect(rows.find((r) => r.startsWith('| `career_count`'))).to.contain('number of items of the array');
    expect(rows.find((r) => r.startsWith('| `occupation_type`'))).to.contain(
      'school \\| university \\| work',
    );
    expect(() => withColumnsTable('no markers')).to.throw(/markers/);
  });
});
