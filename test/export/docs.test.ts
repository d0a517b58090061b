import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXPORT_COLUMNS } from '../../src/export/columns';
import { USAGE } from '../../src/export/cli';

const DOC = fs.readFileSync(path.resolve(__dirname, '../../../docs/export.md'), 'utf8');

describe('docs/export.md says what the code does', () => {
  it('its column table lists the export columns in order, with their types and nullability', () => {
    const rows = [
      ...DOC.matchAll(/^\| `([a-z_]+)` \| (int8|int16|int32|float64|bool|utf8) \| (yes|no) \|$/gm),
    ];
    expect(rows.map((m) => [m[1], m[2], m[3] === 'yes'])).to.deep.equal(
      EXPORT_COLUMNS.map((c) => [c.name, c.type, c.nullable]),
    );
  });

  it('shows the command line the usage prints', () => {
    const usage = USAGE.split('\n')[0].replace(/^usage: /, '');
    expect(DOC).to.include(usage);
  });
});
