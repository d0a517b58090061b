import { expect } from 'chai';
import { prepareFollowerTable } from '../../src/followers/prepare';
import {
  cacheLine,
  followerHeadline,
  followerSummaryItems,
  initLine,
  learnedMarkdown,
  prepCountsMarkdown,
  prepTableHtml,
  progressLine,
  truthMarkdown,
  truthTableHtml,
} from '../../src/followers/present';
import type { TruthComparison } from '../../src/followers/compare';
import { escapeHtml } from '../../src/util/html';
import { htmlTable } from '../../src/viz/tables';
import { followerSettings, formatFollowerSettings, DEFAULT_ITER } from '../../src/followers/settings';
import type { PopulationEffect } from '../../src/followers/effects';
import type { NameEffect } from '../../src/followers/names';
import type { Check, Verdict } from '../../src/followers/verdict';
import { arrowTable, manifest, member } from './fixtures';

describe('followers/present: notebook text from computed values', () => {
  const rows = [
    ...Array.from({ length: 6 }, (_, i) =>
      member({ first_name: 'Анна', followers_count: i, has_photo: i % 2 === 0 }),
    ),
    member({
      first_name: 'Иван',
      sex: 2,
      last_seen_platform: 2,
      relation: 4,
      university_id: 5,
      is_closed: true,
      can_send_friend_request: false,
      can_write_private_message: false,
    }),
    member({ deactivated: 'deleted' }),
    member({ sex: 0 }),
    member({ relation: null }),
  ];
  const t = prepareFollowerTable({ table: arrowTable(rows), manifest }, { minNameCount: 2 });

  it('counts paragraph and codings table say what was modelled and how', () => {
    const md = prepCountsMarkdown(t);
    expect(md).to.contain('**8 profiles are modelled** of 10 members: 1 deleted and 0 banned');
    expect(md).to.contain('among live profiles 1 without sex stated');
    expect(md).to.contain(
      '1 names with fewer than 2 profiles (1 profiles, 12.5%) are pooled into one level "(other)", leaving 2 levels',
    );
    expect(md).to.contain('relation 1');
    const html = prepTableHtml(t);
    expect(html).to.contain('female (reference): 7; male: 1');
    expect(html).to.contain('android (reference): 7; hidden: 0; ipad: 0; iphone: 1');
    expect(html).to.contain('no (reference): 3; yes: 5'); // has_photo
    expect(html).to.contain('2 levels; median 4 profiles per level');
  });

  it('escapes HTML in table cells', () => {
    expect(escapeHtml('<b>&"')).to.equal('&lt;b&gt;&amp;&quot;');
    expect(htmlTable([['<script>']], [{ header: 'a', value: (r) => r[0] }]))
      .to.contain('&lt;script&gt;')
      .and.not.contain('<script>');
  });

  it('progress and cache lines', () => {
    const latest = new Map([
      [1, { chain: 1, iteration: 250, iter: 1000, warmup: true, divergences: 0, elapsedSeconds: 3.2 }],
      [2, { chain: 2, iteration: 1000, iter: 1000, warmup: false, divergences: 2, elapsedSeconds: 9 }],
    ]);
    expect(progressLine(latest, 3)).to.equal(
      'chain 1: 250/1000 warmup (3 s) · chain 2: 1000/1000 done, 2 divergent (9 s) · chain 3: waiting',
    );
    expect(cacheLine({ status: 'hit', key: 'k', file: '/c/f.fit', warning: null, seconds: 0.42 })).to.match(
      /^Loaded the fit from the cache \(\/c\/f\.fit\) in 0\.4 s/,
    );
    expect(cacheLine({ status: 'off', key: 'k', file: null, warning: null, seconds: 12 })).to.contain(
      'cache off',
    );
    expect(
      initLine({
        requested: 'laplace',
        used: 'laplace',
        evaluations: 1234,
        seconds: 2.26,
        logWeightSd: 0.815,
      }),
    ).to.match(/^Warm start: .*\(1,234 gradient evaluations, 2\.3 s; sd of log importance weights 0\.81/);
    expect(
      initLine({
        requested: 'laplace',
        used: 'random',
        evaluations: 50,
        seconds: 1,
        note: 'the posterior is far from normal',
      }),
    ).to.equal('Warm start not used: the posterior is far from normal');
    expect(initLine({ requested: 'random', used: 'random', evaluations: 0, seconds: 0 })).to.match(
      /^Stan's random inits/,
    );
  });

  it('"what we learned" lists clear effects with their numbers, clear names, and the caveat', () => {
    const e = (level: string, q50: number, q025: number, q975: number): PopulationEffect => ({
      term: `x${level}`,
      predictor: 'x',
      predictorLabel: 'Trait',
      level,
      reference: 'ref',
      mean: q50,
      q025,
      q25: q50,
      q50,
      q75: q50,
      q975,
      clear: q025 > 0 || q975 < 0,
    });
    const n = (name: string, est: number, lo: number, hi: number, members: number): NameEffect => ({
      name,
      members,
      estimate: est,
      sd: 0.1,
      lower: lo,
      upper: hi,
      raw: est,
      pooled: false,
    });
    const md = learnedMarkdown(
      {
        clear: [{ effect: e('a', Math.log(1.5), 0.3, 0.5), text: 'A sentence.' }],
        unclear: [e('b', 0, -0.1, 0.1)],
      },
      {
        top: [n('Юлия', Math.log(1.3), 0.1, 0.4, 120), n('Ия', 0.2, -0.1, 0.5, 3)],
        bottom: [n('Пётр', Math.log(0.8), -0.4, -0.05, 90)],
      },
      1234,
    );
    expect(md).to.contain(
      'Among the 1,234 modelled profiles, **1 of 2 trait effects have 95% intervals that exclude no effect**',
    );
    expect(md).to.contain('- A sentence.');
    expect(md).to.contain('Trait b ×1.00 (95% interval 0.90–1.11)');
    expect(md).to.contain(
      'clearly above an average name: Юлия (+30%, 120 profiles); clearly below: Пётр (−20%, 90 profiles)',
    );
    expect(md).to.not.contain('Ия (');
    expect(md).to.match(/associations among one community's followers, not causes/);
  });

  it('headline and summary items of notebook 05 come from the findings and the verdict', () => {
    const e = (level: string, q50: number): PopulationEffect => ({
      term: `sex${level}`,
      predictor: 'sex',
      predictorLabel: 'Sex',
      level,
      reference: 'female',
      mean: q50,
      q025: q50 - 0.1,
      q25: q50,
      q50,
      q75: q50,
      q975: q50 + 0.1,
      clear: true,
    });
    const check = (name: Check['name'], status: Check['status']): Check => ({
      name,
      status,
      ok: status !== 'fail',
      text: '',
    });
    const verdict = (...checks: Check[]): Verdict => ({
      ok: checks.every((c) => c.ok),
      checks,
      headline: '',
    });
    const learned = { clear: [{ effect: e('male', Math.log(0.5)), text: '' }], unclear: [e('other', 0)] };
    const pass = verdict(check('R-hat', 'pass'), check('ESS', 'pass'));
    expect(followerHeadline(learned, pass)).to.equal(
      '1 of 2 trait effects are clearly non-zero; the largest: Sex male (−50% expected followers); all convergence checks pass.',
    );
    expect(followerHeadline(learned, verdict(check('R-hat', 'pass'), check('ESS', 'warn')))).to.match(
      /; convergence checks pass with a caveat on ESS\.$/,
    );
    expect(
      followerHeadline(
        { clear: [], unclear: [e('x', 0)] },
        verdict(check('R-hat', 'fail'), check('ESS', 'warn')),
      ),
    ).to.equal(
      '0 of 1 trait effects are clearly non-zero; convergence checks fail: R-hat (see the notebook).',
    );
    const items = followerSummaryItems({
      table: { nRows: 12345, names: { levels: ['a', 'b'] } } as never,
      settings: { chains: 4, iter: 1000, warmup: 500 },
      cache: { status: 'miss', seconds: 61.6 },
      verdict: verdict(check('R-hat', 'pass'), check('ESS', 'warn')),
      learned,
      truth: {
        population: { n: 20, covered: 19, share: 0.95 },
        names: { n: 10, covered: 9, share: 0.9 },
      } as never,
    });
    expect(items).to.deep.equal([
      { label: 'profiles modelled', value: '12,345 live profiles, 2 name levels' },
      { label: 'fit', value: '4 chains × 1000 iterations (500 warmup); 62 s' },
      { label: 'diagnostics', value: 'R-hat pass, ESS caveat' },
      { label: 'Sex: male', value: '−50% expected followers' },
      { label: 'truth coverage (95% intervals)', value: 'population 19/20, names 9/10' },
    ]);
  });

  it('truth coverage text counts misses and names the pooled level; the table carries the unrounded values', () => {
    const comparison: TruthComparison = {
      rows: [
        {
          name: 'b_a',
          kind: 'b',
          truth: 1,
          estimate: 1.1,
          lower: 0.9,
          upper: 1.2,
          covered: true,
          error: 0.1,
        },
        { name: 'b_b', kind: 'b', truth: 1, estimate: 2, lower: 1.5, upper: 2.5, covered: false, error: 1 },
      ],
      population: { n: 2, covered: 1, share: 0.5 },
      names: { n: 4, covered: 4, share: 1 },
      noTruth: ['r_first_name[(other),Intercept]'],
      notFitted: [],
      trueZi: null,
    };
    const md = truthMarkdown(comparison, 77);
    const html = truthTableHtml(comparison);
    expect(html).to.contain('>0.900 – 1.200<').and.contain('>NO<');
    expect(html).to.contain(`data-csv="${escapeHtml(JSON.stringify([0.9, 1.2]))}"`);
    expect(html).to.contain(
      `data-csv="${escapeHtml(JSON.stringify(['95% interval: low', '95% interval: high']))}"`,
    );
    expect(md).to.contain('1 of 2 (50%); first-name effects: 4 of 4 (100%)');
    expect(md).to.contain('Missed: b_b');
    expect(md).to.contain("mixes the generator's own effects of 77 profiles' rare names");
  });

  it('settings from the environment: defaults, overrides, clear errors', () => {
    const d = followerSettings({}, '/repo');
    expect(d).to.deep.include({
      chains: 4,
      iter: DEFAULT_ITER,
      warmup: DEFAULT_ITER / 2,
      seed: 1234,
      maxRows: undefined,
      minNameCount: 5,
      cacheDir: '/repo/data/cache',
    });
    const s = followerSettings(
      {
        MODEL_CHAINS: '2',
        MODEL_ITER: '2_000',
        MODEL_WARMUP: '500',
        MODEL_MAX_ROWS: '1000',
        MODEL_MIN_NAME_COUNT: '1',
        MODEL_CACHE_DIR: 'off',
        MODEL_CORES: '1',
      },
      '/repo',
    );
    expect(s).to.deep.include({
      chains: 2,
      iter: 2000,
      warmup: 500,
      maxRows: 1000,
      minNameCount: 1,
      cacheDir: null,
      cores: 1,
    });
    expect(followerSettings({ MODEL_CACHE_DIR: 'tmp/c' }, '/repo').cacheDir).to.equal('/repo/tmp/c');
    expect(() => followerSettings({ MODEL_ITER: 'lots' }, '/repo')).to.throw(
      /MODEL_ITER="lots" is not a whole number/,
    );
    expect(() => followerSettings({ MODEL_ITER: '100', MODEL_WARMUP: '100' }, '/repo')).to.throw(
      /MODEL_WARMUP=100 must be smaller than MODEL_ITER=100/,
    );
    expect(() => followerSettings({ MODEL_CHAINS: '0' }, '/repo')).to.throw(
      /MODEL_CHAINS="0" is out of range/,
    );
    expect(formatFollowerSettings(s, '/repo', { MODEL_CHAINS: '2' }))
      .to.match(/MODEL_CHAINS {10}= 2\n/)
      .and.match(/MODEL_SEED {12}= 1234 {2}\(default\)/);
  });
});
