import { expect } from 'chai';
import { NEW_SNAPSHOT_COLUMNS, statusLength, type BotColumns } from '../../src/bots/columns';
import { featuresFromColumns, NotScoredError, SCORE_TERMS } from '../../src/bots/features';
import { liveDistinct, parseLabelledProfiles, REQUIRED_COLUMNS } from '../../src/bots/fit/labelled-profiles';
import {
  isFlagged,
  parseScorerModel,
  readScorerModel,
  scoreColumns,
  ScorerFileError,
  termVector,
  type ScorerModel,
} from '../../src/bots/scorer';

const live: BotColumns = {
  deactivated: null,
  is_closed: false,
  sex: 1,
  bdate_visibility: 'no_year',
  city_id: 1,
  has_photo: true,
  followers_count: 300,
  can_send_friend_request: true,
  can_write_private_message: false,
  can_see_all_posts: true,
  relation: 0,
  occupation_type: 'work',
  verified: false,
  has_mobile: true,
  status_length: 12,
};

describe('bots: features from snapshot columns', () => {
  it('maps each column to its feature; absent and empty status differ', () => {
    const f = featuresFromColumns(live);
    expect(f).to.deep.include({
      closed: false,
      bdate_shown: true,
      sex: 'female',
      relation: 'not_set',
      occupation: 'work',
      has_city: true,
      status: 'set',
    });
    expect(f.log_followers).to.be.closeTo(Math.log(301), 1e-12);
    expect(featuresFromColumns({ ...live, status_length: 0 }).status).to.equal('empty');
    expect(featuresFromColumns({ ...live, status_length: null }).status).to.equal('absent');
    expect(featuresFromColumns({ ...live, relation: null }).relation).to.equal('hidden');
    // Closed profiles: followers are not observed (the labelled data never show them)
    expect(featuresFromColumns({ ...live, is_closed: true }).log_followers).to.equal(null);
    expect(statusLength('')).to.equal(0);
    expect(statusLength('привет 👋')).to.equal(8);
    expect(statusLength(undefined)).to.equal(null);
    expect(NEW_SNAPSHOT_COLUMNS.map((c) => [c.name, c.type])).to.deep.equal([
      ['has_mobile', 'bool'],
      ['status_length', 'int16'],
    ]);
  });

  it('never scores a deleted or banned member', () => {
    expect(() => featuresFromColumns({ ...live, deactivated: 'banned' })).to.throw(
      NotScoredError,
      /never scored/,
    );
  });
});

describe('bots: the shipped scorer (data/bots/scorer.json)', () => {
  let model: ScorerModel;
  before(() => {
    model = readScorerModel();
  });

  it('is a valid file for the current terms, with provenance and cross-validated figures', () => {
    expect(model.terms).to.deep.equal(SCORE_TERMS.map((t) => t.name));
    const p = model.provenance as any;
    expect(p.data_sha1).to.match(/^[0-9a-f]{40}$/);
    expect(p.cross_validation.auc).to.be.greaterThan(0.97);
    expect(p.cross_validation.balanced_accuracy).to.be.greaterThan(0.9);
    expect(model.validation.bots + model.validation.humans).to.equal(
      p.rows.live_distinct.bots + p.rows.live_distinct.humans,
    );
  });

  it('scores a sparse, few-follower profile above a filled-in, followed one; missing values use the training means', () => {
    const sparse = scoreColumns(model, {
      ...live,
      has_photo: false,
      followers_count: 8,
      city_id: null,
      bdate_visibility: null,
      occupation_type: null,
      status_length: null,
    });
    const filled = scoreColumns(model, live);
    expect(sparse).to.be.greaterThan(0.5);
    expect(filled).to.be.lessThan(0.5);
    expect(isFlagged(model, sparse)).to.equal(true);
    const f = featuresFromColumns({ ...live, has_mobile: null });
    expect(termVector(model, f)[SCORE_TERMS.findIndex((t) => t.name === 'has_mobile')]).to.equal(
      model.impute[SCORE_TERMS.findIndex((t) => t.name === 'has_mobile')],
    );
  });

  it('refuses a file whose terms or numbers do not fit', () => {
    const json = JSON.parse(JSON.stringify(model));
    expect(() => parseScorerModel({ ...json, terms: json.terms.slice(1) }, 'x.json')).to.throw(
      ScorerFileError,
      /x\.json: terms/,
    );
    expect(() => parseScorerModel({ ...json, threshold: 1.5 }, 'x.json')).to.throw(/threshold/);
    expect(() =>
      parseScorerModel({ ...json, validation: { ...json.validation, bots_flagged: 1e9 } }, 'x.json'),
    ).to.throw(/validation/);
  });
});

describe('bots: reading the labelled table', () => {
  // A synthetic table in the labelled data's coding (no row of the real data).
  const header = [...REQUIRED_COLUMNS, 'posts_count'];
  const row = (over: Record<string, string>): string =>
    header
      .map(
        (c) =>
          over[c] ??
          (c === 'target'
            ? '0'
            : c === 'subscribers_count'
              ? '120.0'
              : c === 'gender'
                ? '1.0'
                : c === 'city'
                  ? 'Moscow'
                  : c === 'marital_status'
                    ? '0.0'
                    : c === 'posts_count'
                      ? ''
                      : '0.0'),
      )
      .join(',');
  const text = [
    header.join(','),
    row({ target: '1', has_mobile: 'Unknown' }),
    row({ target: '1', has_status: 'Unknown', has_mobile: '1.0' }),
    row({ target: '1', has_status: 'Unknown', has_mobile: '1.0' }),
    row({
      has_mobile: '1.0',
      has_interests: 'Unknown',
      marital_status: 'Unknown',
      has_occupation: '1.0',
      occupation_type_work: '1.0',
    }),
  ].join('\n');

  it('maps the coding to snapshot meanings, keeps live rows, drops exact duplicates', () => {
    const all = parseLabelledProfiles(text, 'table.csv');
    expect(all.map((p) => p.live)).to.deep.equal([false, true, true, true]);
    expect(all[1].columns.status_length).to.equal(null);
    expect(all[3].columns).to.deep.include({
      relation: null,
      occupation_type: 'work',
      followers_count: 120,
      sex: 1,
    });
    const prep = liveDistinct(all);
    expect(prep.counts).to.deep.equal({
      all: { bots: 3, humans: 1 },
      live: { bots: 2, humans: 1 },
      live_distinct: { bots: 1, humans: 1 },
      exact_duplicates: 1,
    });
  });

  it('refuses another table', () => {
    expect(() => parseLabelledProfiles('a,b\n1,2\n', 'other.csv')).to.throw(/other\.csv: missing column/);
  });
});
