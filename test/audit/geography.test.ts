import { expect } from 'chai';
import { loadCities, normalizeTitle, parseCities, matchCity } from '../../src/audit/cities';
import { geography, topCities } from '../../src/audit/geography';
import { wilson } from '../../src/audit/intervals';
import { classifyStatus } from '../../src/audit/status';
import { SNAP_SEC, inputs, manifest, member } from './fixtures';
import type { MemberRow } from '../../src/snapshot/schema';

const CSV = [
  'vk_id,title_ru,title_en,country_id,country_ru,latitude,longitude,population_k,id_source',
  '1,Москва,Moscow,1,Россия,55.7558,37.6173,13010,vk',
  '2,Санкт-Петербург,Saint Petersburg,1,Россия,59.9343,30.3351,5600,vk',
  '1000001,Королёв,Korolyov,1,Россия,55.92,37.82,220,assigned',
].join('\n');

function rowsFor(): MemberRow[] {
  const live = { last_seen_time: SNAP_SEC - 3600 };
  const rows: MemberRow[] = [];
  // Moscow: 6 women, 3 men, 1 unknown sex
  for (let i = 0; i < 6; i++) rows.push(member({ ...live, city_id: 1, city_title: 'Москва', sex: 1 }));
  for (let i = 0; i < 3; i++) rows.push(member({ ...live, city_id: 1, city_title: 'Москва', sex: 2 }));
  rows.push(member({ ...live, city_id: 1, city_title: 'Москва', sex: 0 }));
  // Saint Petersburg under a different id (as in a real snapshot): matches by title
  for (let i = 0; i < 4; i++)
    rows.push(member({ ...live, city_id: 77, city_title: 'Санкт-Петербург', sex: 2 }));
  // Korolyov by its project-assigned id
  for (let i = 0; i < 4; i++) rows.push(member({ ...live, city_id: 1000001, city_title: 'Королев', sex: 1 }));
  // a city unknown to the table
  for (let i = 0; i < 4; i++) rows.push(member({ ...live, city_id: 555, city_title: 'Нигдеград', sex: 1 }));
  // two tiny cities → "other"
  rows.push(member({ ...live, city_id: 900, city_title: 'Малый', sex: 1 }));
  rows.push(member({ ...live, city_id: 901, city_title: 'Меньший', sex: 2 }));
  // live without a city (null and 0), hidden last_seen still counts as live
  rows.push(member({ ...live, city_id: null, sex: 1 }));
  rows.push(member({ city_id: 0, sex: 2 }));
  // deactivated with a city: never counted
  rows.push(member({ deactivated: 'banned', city_id: 1, sex: 1 }));
  rows.push(member({ deactivated: 'deleted', city_id: 2, sex: 2 }));
  return rows;
}

describe('audit/geography', () => {
  const cities = parseCities(CSV, 'test.csv');
  for (const [kind, input] of inputs(
    rowsFor(),
    manifest({
      source: { kind: 'synthetic', api_base: 'http://127.0.0.1', synthetic: { seed: 1, members: 10 } },
    }),
  )) {
    it(`counts live members per city by sex, pools small cities, attaches coordinates (${kind})`, () => {
      const g = geography(input, classifyStatus(input), { minCount: 4, cities });
      const s = g.summary;
      expect(s.live).to.equal(26);
      expect(s.stating.count).to.equal(24);
      expect(s.stating.denominator).to.equal(26);
      expect(s.stating.share).to.equal(24 / 26);
      expect(s.citiesTotal).to.equal(6);
      expect(s.citiesShown).to.equal(4);
      expect(s.otherCities).to.equal(2);
      expect(s.otherMembers).to.equal(2);
      expect(s.withoutCoords).to.deep.equal({ cities: 1, members: 4 });
      expect(s.matchedByTitle).to.equal(1);
      expect([s.female, s.male, s.femaleStating, s.maleStating]).to.deep.equal([16, 9, 15, 8]);

      const [msk, ...rest] = g.rows;
      expect(msk).to.include({
        rank: 1,
        city_id: 1,
        city: 'Москва',
        city_en: 'Moscow',
        members: 10,
        female: 6,
        male: 3,
        unknown_sex: 1,
        matched_by: 'id',
        lat: 55.7558,
      });
      const w = wilson(6, 9);
      expect(msk.female_share).to.equal(6 / 9); // sex unknown is outside the share's denominator
      expect(msk.female_lo).to.equal(w.lo);
      expect(msk.share_of_stating).to.equal(10 / 24);
      // ties in members are broken by city id: 77, 555, 1000001
      expect(rest.slice(0, 3).map((r) => r.city_id)).to.deep.equal([77, 555, 1000001]);
      expect(rest[0]).to.include({ matched_by: 'title', city_en: 'Saint Petersburg', female_share: 0 });
      expect(rest[1]).to.include({ matched_by: null, lat: null });
      expect(rest[2]).to.include({ matched_by: 'id', city_en: 'Korolyov' });
      const other = g.rows[g.rows.length - 1];
      expect(other).to.include({
        rank: null,
        city_id: null,
        members: 2,
        female: 1,
        male: 1,
        cities_pooled: 2,
      });
      expect(other.city).to.match(/other \(2 cities with fewer than 4 members/);
      expect(topCities(g, 2).map((r) => r.city_id)).to.deep.equal([1, 77]);
      expect(g.table.numRows()).to.equal(5);
    });
  }

  it('does not trust project-assigned city ids in a real (non-synthetic) snapshot', () => {
    const input = inputs(
      rowsFor(),
      manifest({ source: { kind: 'vk', api_base: 'https://api.vk.com/method', synthetic: null } }),
    )[0][1];
    const g = geography(input, classifyStatus(input), { minCount: 4, cities });
    const kor = g.rows.find((r) => r.city_id === 1000001)!;
    // "Королев" (е) still matches "Королёв" (ё) by title
    expect(kor.matched_by).to.equal('title');
  });

  it('handles city ids too large for direct addressing (Map path) with the same answers', () => {
    const big = rowsFor().map((r) => (r.city_id === 555 ? { ...r, city_id: 2_000_000_000 } : r));
    const input = inputs(
      big,
      manifest({ source: { kind: 'synthetic', api_base: 'x', synthetic: null } }),
    )[1][1];
    const g = geography(input, classifyStatus(input), { minCount: 4, cities });
    expect(g.rows.map((r) => r.city_id)).to.deep.equal([1, 77, 1000001, 2_000_000_000, null]);
    expect(g.rows[3]).to.include({ members: 4, female: 4, matched_by: null });
  });

  it('pools everything when every city is below the minimum, and validates options', () => {
    const input = inputs(rowsFor())[0][1];
    const g = geography(input, classifyStatus(input), { minCount: 1000, cities: null });
    expect(g.rows).to.have.length(1);
    expect(g.rows[0].members).to.equal(24);
    expect(g.summary.citiesShown).to.equal(0);
    expect(() => geography(input, classifyStatus(input), { minCount: 0 })).to.throw(/minCount/);
  });
});

describe('audit/cities', () => {
  it('loads the shipped data/cities.csv with Moscow and Saint Petersburg by VK id', () => {
    const c = loadCities();
    expect(c.size).to.be.greaterThan(100);
    expect(c.byId.get(1)?.titleEn).to.equal('Moscow');
    expect(c.byId.get(2)?.titleRu).to.equal('Санкт-Петербург');
    expect(matchCity(c, null, 'москва', false)?.city.vkId).to.equal(1);
  });

  it('normalizes titles and reports a malformed table clearly', () => {
    expect(normalizeTitle('  Орёл ')).to.equal('орел');
    expect(() => parseCities('vk_id,title_ru\n1,X', 'bad.csv')).to.throw(
      /bad\.csv: header lacks latitude, longitude/,
    );
    expect(() => parseCities('vk_id,title_ru,latitude,longitude\n1,X,95,10', 'bad.csv')).to.throw(/line 2/);
    expect(() => parseCities('vk_id,title_ru,latitude,longitude\n1,X,5,10\n1,Y,5,10', 'dup.csv')).to.throw(
      /appears twice/,
    );
    expect(() => loadCities('/nonexistent/cities.csv')).to.throw(/cannot read the cities table/);
  });
});
