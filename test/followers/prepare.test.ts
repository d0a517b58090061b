import { expect } from 'chai';
import { prepareModel } from '../../src/model/density';
import { TRUE_B } from '../../src/emulator/truth';
import { FOLLOWER_FORMULA, modelCovariates } from '../../src/followers/spec';
import { OTHER_NAME, PREDICTORS } from '../../src/followers/coding';
import { levelCounts, modelData, prepareFollowerTable } from '../../src/followers/prepare';
import { arrowTable, manifest, member, syntheticRows } from './fixtures';

describe('followers/prepare: the model table', () => {
  it('codes every synthetic member exactly as the spec (modelCovariates) does, live profiles only', () => {
    const rows = syntheticRows(3000);
    const t = prepareFollowerTable({ table: arrowTable(rows, 700), manifest }, { minNameCount: 1 });
    const expected = rows.filter((r) => modelCovariates(r) !== undefined && r.followers_count !== null);
    // The generator makes deleted, banned, sex-0 and hidden-last_seen members: all paths are hit.
    expect(rows.some((r) => r.deactivated === 'deleted')).to.equal(true);
    expect(rows.some((r) => r.deactivated === 'banned')).to.equal(true);
    expect(rows.some((r) => r.deactivated === null && r.last_seen_platform === null)).to.equal(true);
    expect(t.nRows).to.equal(expected.length);
    expect(Array.from(t.ids)).to.deep.equal(expected.map((r) => r.id));
    expected.forEach((r, j) => {
      const c = modelCovariates(r)!;
      for (const p of PREDICTORS)
        expect(t.factors[p.name].levels[t.factors[p.name].codes[j]], `${p.name} of member ${r.id}`).to.equal(
          c[p.name],
        );
      expect(t.names.levels[t.names.codes[j]]).to.equal(c.first_name);
      expect(t.y[j]).to.equal(r.followers_count);
    });
    const c = t.counts;
    expect(c.deleted).to.equal(rows.filter((r) => r.deactivated === 'deleted').length);
    expect(c.banned).to.equal(rows.filter((r) => r.deactivated === 'banned').length);
    expect(c.live).to.equal(rows.length - c.deleted - c.banned);
    expect(
      c.live -
        c.excluded.sexNotStated -
        c.excluded.noFirstName -
        c.excluded.noFollowersCount -
        c.excluded.subsample,
    ).to.equal(c.modelled);
    expect(t.formula).to.equal(FOLLOWER_FORMULA);
  });

  it("reference levels are R's first sorted level, and the engine names the terms as the truth does", () => {
    const t = prepareFollowerTable({ table: arrowTable(syntheticRows(2500)), manifest });
    expect(PREDICTORS.map((p) => t.factors[p.name].levels[0])).to.deep.equal([
      'female',
      'no',
      'android',
      'no',
      'closed',
      'closed',
      'none',
      'none',
    ]);
    for (const p of PREDICTORS) expect([...p.levels]).to.deep.equal([...p.levels].sort());
    const pm = prepareModel({ data: modelData(t), formula: t.formula, family: 'negbinomial' });
    const fitted = pm.outputNames.filter((n) => n.startsWith('b_')).sort();
    expect(fitted).to.deep.equal(Object.keys(TRUE_B).sort());
    const counts = levelCounts(t);
    expect(counts.sex.reduce((a, b) => a + b, 0)).to.equal(t.nRows);
  });

  it('pools names with fewer than K members into "(other)", and K = 1 pools nothing', () => {
    const rows = [
      ...Array.from({ length: 5 }, () => member({ first_name: 'Анна' })),
      ...Array.from({ length: 4 }, () => member({ first_name: 'Юлия', sex: 1 })),
      member({ first_name: 'Ия' }),
      member({ first_name: 'Иван', sex: 2 }),
    ];
    const t = prepareFollowerTable({ table: arrowTable(rows), manifest }, { minNameCount: 5 });
    expect(t.names.levels).to.deep.equal([OTHER_NAME, 'Анна']);
    expect(Array.from(t.names.rows)).to.deep.equal([6, 5]);
    expect(t.pooling).to.deep.include({
      minNameCount: 5,
      distinct: 4,
      kept: 1,
      pooledNames: 3,
      pooledRows: 6,
    });
    expect(t.names.levels[t.names.codes[rows.length - 1]]).to.equal(OTHER_NAME);
    const all = prepareFollowerTable({ table: arrowTable(rows), manifest }, { minNameCount: 1 });
    expect(all.names.levels).to.deep.equal(['Анна', 'Иван', 'Ия', 'Юлия']);
    expect(all.pooling.pooledNames).to.equal(0);
    expect(() => prepareFollowerTable({ table: arrowTable(rows), manifest }, { minNameCount: 0 })).to.throw(
      /minNameCount/,
    );
  });

  it('missing fields: excluded rows are counted by reason, missing flags read as the documented default', () => {
    const rows = [
      member({ id: 1, deactivated: 'deleted', sex: 1 }),
      member({ id: 2, deactivated: 'banned' }),
      member({ id: 3, sex: 0 }),
      member({ id: 4, sex: null }),
      member({ id: 5, first_name: null }),
      member({ id: 6, first_name: '' }),
      member({ id: 7, followers_count: null }),
      member({
        id: 8,
        has_photo: null,
        is_closed: null,
        can_send_friend_request: null,
        can_write_private_message: null,
        university_id: null,
        relation: null,
      }),
      member({ id: 9, last_seen_platform: null, last_seen_time: null, online_info_status: 'not_show' }),
      member({
        id: 10,
        last_seen_platform: 9,
        relation: 4,
        university_id: 512,
        sex: 2,
        has_photo: false,
        is_closed: true,
      }),
      member({ id: 11, relation: 6, can_send_friend_request: false, can_write_private_message: false }),
    ];
    const t = prepareFollowerTable({ table: arrowTable(rows, 4), manifest }, { minNameCount: 1 });
    expect(t.counts).to.deep.include({ members: 11, deleted: 1, banned: 1, live: 9, modelled: 4 });
    expect(t.counts.excluded).to.deep.equal({
      sexNotStated: 2,
      noFirstName: 2,
      noFollowersCount: 1,
      subsample: 0,
    });
    expect(t.counts.missingAsDefault).to.deep.equal({
      has_photo: 1,
      is_closed: 1,
      can_send_friend_request: 1,
      can_write_private_message: 1,
      university_id: 1,
      relation: 1,
    });
    const level = (f: (typeof PREDICTORS)[number]['name'], j: number): string =>
      t.factors[f].levels[t.factors[f].codes[j]];
    expect(Array.from(t.ids)).to.deep.equal([8, 9, 10, 11]);
    // id 8: every missing flag → the first level
    expect(
      ['has_photo', 'is_closed', 'friend_requests', 'messages', 'education', 'relation'].map((f) =>
        level(f as never, 0),
      ),
    ).to.deep.equal(['no', 'no', 'closed', 'closed', 'none', 'none']);
    expect(level('platform', 1)).to.equal('hidden'); // last_seen hidden
    expect(level('platform', 2)).to.equal('hidden'); // unknown platform code
    expect([
      level('sex', 2),
      level('relation', 2),
      level('education', 2),
      level('has_photo', 2),
      level('is_closed', 2),
    ]).to.deep.equal(['male', 'partnered', 'university', 'no', 'yes']);
    expect([
      level('relation', 3),
      level('friend_requests', 3),
      level('messages', 3),
      level('platform', 3),
    ]).to.deep.equal(['single', 'closed', 'closed', 'android']);
  });

  it('drops a predictor with a single level from the formula and says so', () => {
    const rows = [
      member({ sex: 2 }),
      member({ has_photo: false }),
      member({ last_seen_platform: 2, is_closed: true }),
      member({ relation: 1, can_send_friend_request: false, can_write_private_message: false }),
    ];
    const t = prepareFollowerTable({ table: arrowTable(rows), manifest }, { minNameCount: 1 });
    expect(t.droppedPredictors).to.deep.equal(['education']);
    expect(t.formula).to.equal(
      'followers_count ~ sex + has_photo + platform + is_closed + friend_requests + messages + relation + (1 | first_name)',
    );
  });

  it('subsamples deterministically by member id', () => {
    const table = arrowTable(syntheticRows(1500));
    const a = prepareFollowerTable({ table, manifest }, { maxRows: 300 });
    const b = prepareFollowerTable({ table, manifest }, { maxRows: 300 });
    const c = prepareFollowerTable({ table, manifest }, { maxRows: 300, seed: 2 });
    const full = prepareFollowerTable({ table, manifest });
    expect(a.nRows).to.equal(300);
    expect(a.counts.excluded.subsample).to.equal(full.nRows - 300);
    expect(Array.from(a.ids)).to.deep.equal(Array.from(b.ids));
    expect(Array.from(a.ids)).to.not.deep.equal(Array.from(c.ids));
    // row order is kept: ids ascend as in the snapshot
    expect(Array.from(a.ids)).to.deep.equal(Array.from(a.ids).sort((x, y) => x - y));
    expect(() => prepareFollowerTable({ table, manifest }, { maxRows: 0 })).to.throw(/maxRows/);
  });

  it('bad input: clear errors', () => {
    expect(() =>
      prepareFollowerTable({ table: arrowTable([member({ deactivated: 'deleted' })]), manifest }),
    ).to.throw(/no live profile with sex, first name and followers_count/);
    expect(() =>
      prepareFollowerTable({ table: arrowTable([member({ followers_count: -3 })]), manifest }),
    ).to.throw(/followers_count of member \d+ is -3/);
    const noCol = arrowTable([member()]).select('id', 'deactivated', 'last_seen_time');
    expect(() => prepareFollowerTable({ table: noCol, manifest })).to.throw(/no column\(s\) "sex"/);
  });
});
