import { expect } from 'chai';
import { auditParams, formatAuditParams } from '../../src/audit/params';
import { htmlTable, int, pct, pctRange } from '../../src/viz/tables';
import { escapeHtml } from '../../src/util/html';

describe('audit/params and table helpers', () => {
  it('reads AUDIT_* variables with defaults and clear errors', () => {
    expect(auditParams({})).to.deep.equal({
      inactiveDays: 183,
      minCityCount: 50,
      recentMinutes: 15,
      population: 'live',
    });
    const p = auditParams({
      AUDIT_INACTIVE_DAYS: '365',
      AUDIT_MIN_CITY_COUNT: '10',
      AUDIT_RECENT_MINUTES: '0',
      AUDIT_TIME_POPULATION: 'active',
    });
    expect(p).to.deep.equal({ inactiveDays: 365, minCityCount: 10, recentMinutes: 0, population: 'active' });
    expect(formatAuditParams(p, { AUDIT_INACTIVE_DAYS: '365' })).to.match(/AUDIT_INACTIVE_DAYS\s+= 365\n/);
    expect(formatAuditParams(p, {})).to.contain('(default)');
    expect(() => auditParams({ AUDIT_INACTIVE_DAYS: 'half a year' })).to.throw(
      /AUDIT_INACTIVE_DAYS="half a year" is not a whole number/,
    );
    expect(() => auditParams({ AUDIT_MIN_CITY_COUNT: '0' })).to.throw(
      /AUDIT_MIN_CITY_COUNT="0" is out of range: set AUDIT_MIN_CITY_COUNT to a whole number from 1/,
    );
    expect(() => auditParams({ AUDIT_TIME_POPULATION: 'everyone' })).to.throw(
      /AUDIT_TIME_POPULATION="everyone" is not one of live, active/,
    );
  });

  it('formats numbers and escapes VK-supplied text in tables', () => {
    expect(pct(0.1234)).to.equal('12.3%');
    expect(pct(NaN)).to.equal('n/a');
    expect(pctRange(0.1, 0.2, 0)).to.equal('10%–20%');
    expect(int(1234567.4)).to.equal('1,234,567');
    expect(escapeHtml('<b>"Город" & co</b>')).to.equal('&lt;b&gt;&quot;Город&quot; &amp; co&lt;/b&gt;');
    const html = htmlTable(
      [{ city: '<script>x</script>', n: 5 }],
      [
        { header: 'city', value: (r) => r.city },
        { header: 'n', value: (r) => String(r.n), numeric: true },
      ],
      'Cities',
    );
    expect(html).not.to.contain('<script>');
    expect(html).to.contain('&lt;script&gt;');
    expect(html).to.contain('text-align:right');
    expect(html).to.contain('<caption');
  });

  it('a column with raw hands the CSV its unrounded value; an interval two, under two headers', () => {
    type Row = { n: number; share: number; lo: number; hi: number | null };
    const html = htmlTable<Row>(
      [
        { n: 1944, share: 0.123456, lo: 0.11, hi: 0.135 },
        { n: 7, share: NaN, lo: 0.01, hi: null },
      ],
      [
        { header: 'members', value: (r) => int(r.n), numeric: true, raw: (r) => r.n },
        { header: 'share', value: (r) => pct(r.share), numeric: true, raw: (r) => r.share },
        { header: '95% interval', value: (r) => pctRange(r.lo, r.hi), raw: (r) => [r.lo, r.hi] },
        { header: 'text', value: () => 'x' },
      ],
    );
    const attrs = Array.from(html.matchAll(/data-csv="([^"]*)"/g), (m) =>
      JSON.parse(
        m[1]
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&'),
      ),
    );
    expect(attrs).to.deep.equal([
      ['95% interval: low', '95% interval: high'],
      [1944],
      [0.123456],
      [0.11, 0.135],
      [7],
      [null],
      [0.01, null],
    ]);
    expect(html).to.contain('>1,944<').and.contain('>12.3%<');
    expect(() =>
      htmlTable([{ a: 1 }, { a: 2 }], [{ header: 'a', value: String, raw: (r) => (r.a === 1 ? 1 : [1, 2]) }]),
    ).to.throw(/column "a" gives an interval for some rows and a number for others/);
  });
});
