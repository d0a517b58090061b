import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fitModel, type FitOptions, type FitResult } from '../../src/model/fit';
import {
  CacheFileError,
  cacheKey,
  dataHash,
  decodeCache,
  encodeCache,
  fitWithCache,
  type CachedFitOptions,
} from '../../src/followers/cache';
import { modelData, prepareFollowerTable, type FollowerTable } from '../../src/followers/prepare';
import { arrowTable, manifest, syntheticRows } from './fixtures';

// A small model keeps every fit here well under a second; the cache does not care which model it stores.
const FORMULA = 'followers_count ~ sex + has_photo';

describe('followers/cache: fits cached by data + formula + settings', function () {
  this.timeout(120000);
  let dir: string;
  let table: FollowerTable;
  let calls = 0;
  const counting = (o: FitOptions): Promise<FitResult> => {
    calls++;
    return fitModel(o);
  };
  const opts = (over: Partial<CachedFitOptions> = {}): CachedFitOptions => {
    const t = over.table ?? table;
    return {
      table: t,
      data: modelData(t),
      formula: FORMULA,
      family: 'negbinomial',
      priors: [],
      chains: 2,
      iter: 120,
      warmup: 60,
      seed: 11,
      cores: 1,
      cacheDir: dir,
      fit: counting,
      warn: () => undefined,
      ...over,
    };
  };

  before(() => {
    table = prepareFollowerTable({ table: arrowTable(syntheticRows(400)), manifest });
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'followers-cache-'));
    calls = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fits once, then serves the identical fit from the cache (cores not in the key)', async () => {
    const a = await fitWithCache(opts());
    expect(a.cache.status).to.equal('miss');
    expect(calls).to.equal(1);
    expect(fs.existsSync(a.cache.file!)).to.equal(true);
    const b = await fitWithCache(opts({ cores: 2 }));
    expect(b.cache.status).to.equal('hit');
    expect(b.cache.key).to.equal(a.cache.key);
    expect(calls).to.equal(1);
    expect(b.fit.parameters).to.deep.equal(a.fit.parameters);
    expect(b.fit.groupLevels).to.deep.equal(a.fit.groupLevels);
    expect(b.fit.sampler).to.deep.equal(a.fit.sampler);
    expect(b.fit.warnings).to.deep.equal(a.fit.warnings);
    expect(Array.from(b.fit.chains[1].draws)).to.deep.equal(Array.from(a.fit.chains[1].draws));
    expect(Array.from(b.fit.chains[0].stats.treedepth)).to.deep.equal(
      Array.from(a.fit.chains[0].stats.treedepth),
    );
    expect(b.fit.prepared.nRows).to.equal(table.nRows);
  });

  it('refits on any change of data, formula, priors or sampler settings', async () => {
    await fitWithCache(opts());
    const y = Float64Array.from(table.y);
    y[0] += 1;
    const changedData: FollowerTable = { ...table, y };
    expect(dataHash(changedData)).to.not.equal(dataHash(table));
    const variants: Partial<CachedFitOptions>[] = [
      { table: changedData },
      { formula: 'followers_count ~ sex + is_closed' },
      { priors: ['prior(normal(0, 1), class = b)'] },
      { seed: 12 },
      { iter: 122 },
      { warmup: 50 },
      { chains: 1 },
    ];
    const keys = new Set<string>();
    for (const v of variants) {
      const r = await fitWithCache(opts(v));
      expect(r.cache.status, JSON.stringify(Object.keys(v))).to.equal('miss');
      keys.add(r.cache.key);
    }
    expect(calls).to.equal(1 + variants.length);
    expect(keys.size).to.equal(variants.length);
  });

  it('writes atomically: only the finished file is in the folder, and it decodes', async () => {
    const r = await fitWithCache(opts());
    expect(fs.readdirSync(dir)).to.deep.equal([path.basename(r.cache.file!)]);
    const { header, chains } = decodeCache(fs.readFileSync(r.cache.file!), r.cache.file!, r.cache.key);
    expect(header.outputNames).to.deep.equal([...r.fit.outputNames]);
    expect(chains.map((c) => c.nDraws)).to.deep.equal([60, 60]);
  });

  for (const [what, damage, why] of [
    ['truncated cache file', (b: Buffer) => b.subarray(0, b.length - 100), /truncated/],
    [
      'bit-flipped cache file',
      (b: Buffer) => {
        const c = Buffer.from(b);
        c[c.length - 9] ^= 0xff;
        return c;
      },
      /checksum/,
    ],
    ['file that is not a cache file', () => Buffer.from('hello'), /bad magic/],
  ] as const) {
    it(`a ${what} → warning, refit, file replaced`, async () => {
      const a = await fitWithCache(opts());
      fs.writeFileSync(a.cache.file!, damage(fs.readFileSync(a.cache.file!)));
      const warnings: string[] = [];
      const b = await fitWithCache(opts({ warn: (m) => warnings.push(m) }));
      expect(b.cache.status).to.equal('refit');
      expect(calls).to.equal(2);
      expect(warnings).to.have.length(1);
      expect(warnings[0])
        .to.match(why)
        .and.match(/refitting/);
      expect(b.fit.parameters).to.deep.equal(a.fit.parameters); // same seed, same draws
      const c = await fitWithCache(opts());
      expect(c.cache.status).to.equal('hit');
      expect(calls).to.equal(2);
    });
  }

  it('decodeCache refuses a file holding another key; no cache dir → always fits', async () => {
    const a = await fitWithCache(opts());
    expect(() => decodeCache(fs.readFileSync(a.cache.file!), a.cache.file!, 'f'.repeat(64))).to.throw(
      CacheFileError,
      /another model/,
    );
    const off1 = await fitWithCache(opts({ cacheDir: null }));
    const off2 = await fitWithCache(opts({ cacheDir: null }));
    expect([off1.cache.status, off2.cache.status]).to.deep.equal(['off', 'off']);
    expect(calls).to.equal(3);
  });

  it('encodes and decodes chains losslessly, whatever the buffer alignment', () => {
    const chain = {
      chain: 1,
      nDraws: 3,
      draws: Float64Array.of(0.1, -2, 3e300, NaN, 5, 6),
      invMetric: Float64Array.of(1, 2),
      stats: {
        lp: Float64Array.of(1, 2, 3),
        acceptStat: Float64Array.of(0.9, 0.8, 0.7),
        stepsize: Float64Array.of(0.1, 0.1, 0.1),
        treedepth: Int32Array.of(3, 4, 5),
        nLeapfrog: Int32Array.of(7, 15, 31),
        divergent: Uint8Array.of(0, 1, 0),
        energy: Float64Array.of(4, 5, 6),
      },
      stepSize: 0.1,
      warmupDivergences: 2,
      gradientEvaluations: 99,
      timings: { warmupSeconds: 1, samplingSeconds: 2 },
    };
    const key = cacheKey({
      data: 'd',
      formula: 'y ~ x',
      family: 'poisson',
      priors: [],
      engine: 'e',
      settings: {
        chains: 1,
        iter: 6,
        warmup: 3,
        thin: 1,
        seed: 1,
        adaptDelta: 0.8,
        maxTreedepth: 10,
        initRadius: 2,
      },
    });
    const bytes = encodeCache({ key, formula: 'y ~ x', family: 'poisson', outputNames: ['a', 'b'] }, [chain]);
    const shifted = Buffer.concat([Buffer.alloc(3), bytes]).subarray(3); // unaligned view
    const { chains } = decodeCache(shifted, 'mem', key);
    expect(Array.from(chains[0].draws)).to.deep.equal(Array.from(chain.draws));
    expect(Array.from(chains[0].stats.divergent)).to.deep.equal([0, 1, 0]);
    expect(Array.from(chains[0].stats.nLeapfrog)).to.deep.equal([7, 15, 31]);
    expect(chains[0]).to.deep.include({ stepSize: 0.1, warmupDivergences: 2, gradientEvaluations: 99 });
  });

  it('keys the cache on the group parameterisation (same posterior, different draws)', () => {
    const base = {
      data: 'd',
      formula: 'y ~ x + (1 | g)',
      family: 'poisson',
      priors: [],
      engine: 'e',
      settings: {
        chains: 1,
        iter: 6,
        warmup: 3,
        thin: 1,
        seed: 1,
        adaptDelta: 0.8,
        maxTreedepth: 10,
        initRadius: 2,
      },
    };
    expect(cacheKey({ ...base, groupParameterization: 'auto' })).to.not.equal(
      cacheKey({ ...base, groupParameterization: 'centered' }),
    );
    expect(cacheKey(base)).to.equal(cacheKey({ ...base, groupParameterization: 'noncentered' }));
  });
});
