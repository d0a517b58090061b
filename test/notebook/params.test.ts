import { expect } from 'chai';
import * as path from 'path';
import * as fs from 'fs';
import { DEFAULT_MEMBERS, formatParams, studyParams, vkToken } from '../../src/notebook/params';
import { findRepoRoot } from '../../src/util/repo-root';

const ROOT = '/repo';

describe('notebook/params', () => {
  it('defaults to the synthetic study with the documented snapshot path', () => {
    const p = studyParams({}, ROOT);
    expect(p.mode).to.equal('synthetic');
    expect(p.members).to.equal(DEFAULT_MEMBERS);
    expect(p.seed).to.equal(1);
    expect(p.snapshotDir).to.equal(path.join(ROOT, 'data/snapshots/synthetic-20000-1'));
    expect(p.summaryDir).to.equal(null);
    expect(p.vkApiBase).to.equal('https://api.vk.com/method');
  });

  it('derives the default snapshot from members and seed, and resolves relative paths from the repo root', () => {
    expect(studyParams({ STUDY_MEMBERS: '3000', STUDY_SEED: '7' }, ROOT).snapshotDir).to.equal(
      path.join(ROOT, 'data/snapshots/synthetic-3000-7'),
    );
    expect(studyParams({ STUDY_SNAPSHOT: 'data/x' }, ROOT).snapshotDir).to.equal(path.join(ROOT, 'data/x'));
    expect(studyParams({ STUDY_SNAPSHOT: '/abs/snap' }, ROOT).snapshotDir).to.equal('/abs/snap');
    expect(studyParams({ STUDY_MEMBERS: '2_500_000' }, ROOT).members).to.equal(2_500_000);
  });

  it('rejects bad numbers naming the variable', () => {
    expect(() => studyParams({ STUDY_MEMBERS: 'lots' }, ROOT)).to.throw(
      /STUDY_MEMBERS="lots" is not a whole number/,
    );
    expect(() => studyParams({ STUDY_MEMBERS: '0' }, ROOT)).to.throw(/STUDY_MEMBERS="0" is out of range/);
    expect(() => studyParams({ STUDY_SEED: '-3' }, ROOT)).to.throw(/STUDY_SEED/);
    expect(() => studyParams({ STUDY_MEMBERS: '1.5' }, ROOT)).to.throw(/STUDY_MEMBERS/);
  });

  it('needs VK_TOKEN and VK_GROUP together for a real community', () => {
    expect(() => studyParams({ VK_TOKEN: 'secret' }, ROOT)).to.throw(/VK_GROUP/);
    expect(() => studyParams({ VK_GROUP: 'ria' }, ROOT)).to.throw(/VK_TOKEN/);
    const p = studyParams(
      { VK_TOKEN: 'secret', VK_GROUP: 'ria/../x', VK_API_BASE: 'http://127.0.0.1:9/method/' },
      ROOT,
    );
    expect(p.mode).to.equal('vk');
    expect(p.vkApiBase).to.equal('http://127.0.0.1:9/method');
    expect(p.snapshotDir).to.equal(path.join(ROOT, 'data/snapshots/vk-ria_.._x'));
    expect(JSON.stringify(p)).to.not.contain('secret');
    expect(vkToken({ VK_TOKEN: ' secret ' })).to.equal('secret');
    expect(() => studyParams({ VK_TOKEN: 't', VK_GROUP: 'g', VK_API_BASE: 'ftp://x' }, ROOT)).to.throw(
      /VK_API_BASE/,
    );
  });

  it('prints the token only as set / not set', () => {
    const env = { VK_TOKEN: 'vk1.a.SECRET-TOKEN', VK_GROUP: 'ria' };
    const text = formatParams(studyParams(env, ROOT), undefined, env);
    expect(text).to.contain('VK_TOKEN          = set');
    expect(text).to.not.contain('SECRET');
    expect(text).to.contain('VK_GROUP          = ria');
    const plain = formatParams(studyParams({}, ROOT), ['VK_TOKEN', 'STUDY_MEMBERS'], {});
    expect(plain).to.contain('VK_TOKEN          = not set');
    expect(plain).to.contain('STUDY_MEMBERS     = 20000  (default)');
    expect(plain).to.not.contain('STUDY_SEED');
    const run = formatParams(
      studyParams({ STUDY_SUMMARY_DIR: '/repo/.reports-tmp-x/summaries' }, ROOT),
      ['STUDY_SUMMARY_DIR'],
      { STUDY_SUMMARY_DIR: '/repo/.reports-tmp-x/summaries' },
    );
    expect(run).to.contain('STUDY_SUMMARY_DIR = set (report run').and.not.contain('.reports-tmp');
  });

  it('finds the repository root from a nested build folder', () => {
    const root = findRepoRoot(__dirname);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name).to.equal(
      'vk-audience-study',
    );
    expect(() => findRepoRoot('/')).to.throw(/repository root/);
  });
});
