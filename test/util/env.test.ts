import { expect } from 'chai';
import {
  EnvError,
  envEnum,
  envFlag,
  envInt,
  envNumber,
  envPath,
  envText,
  envUrl,
  formatSettings,
} from '../../src/util/env';
import { numberFromText } from '../../src/util/number-text';

describe('util/env and util/number-text', () => {
  it('reads numbers as written by people', () => {
    expect(numberFromText('2_500_000')).to.equal(2_500_000);
    expect(numberFromText(' 2.5e6 ')).to.equal(2_500_000);
    expect(numberFromText('-3')).to.equal(-3);
    expect(numberFromText('.5')).to.equal(0.5);
    for (const bad of [
      '',
      ' ',
      'lots',
      '0x10',
      '1_',
      '_1',
      '1__0',
      'Infinity',
      'NaN',
      '1e',
      'e5',
      '1 000',
      '--3',
    ])
      expect(numberFromText(bad), bad).to.equal(null);
  });

  it('one message form: the variable, the value, what to set', () => {
    const members = { default: 20000, min: 1, max: 5_000_000 };
    expect(envInt({}, 'STUDY_MEMBERS', members)).to.equal(20000);
    expect(envInt({ STUDY_MEMBERS: '  ' }, 'STUDY_MEMBERS', members)).to.equal(20000);
    expect(envInt({ STUDY_MEMBERS: '3_000' }, 'STUDY_MEMBERS', members)).to.equal(3000);
    expect(() => envInt({ STUDY_MEMBERS: 'lots' }, 'STUDY_MEMBERS', members)).to.throw(
      EnvError,
      'STUDY_MEMBERS="lots" is not a whole number: set STUDY_MEMBERS to a whole number from 1 to 5000000 (default 20000) or unset it.',
    );
    expect(() => envInt({ STUDY_MEMBERS: '0' }, 'STUDY_MEMBERS', members)).to.throw(
      'STUDY_MEMBERS="0" is out of range: set STUDY_MEMBERS to a whole number from 1 to 5000000 (default 20000) or unset it.',
    );
    expect(() => envInt({ X: '1.5' }, 'X', { default: 1, min: 1 })).to.throw(/X="1.5" is not a whole number/);
    expect(envInt({}, 'MODEL_MAX_ROWS', { default: undefined, min: 1 })).to.equal(undefined);
    expect(() =>
      envInt({ MODEL_MAX_ROWS: 'x' }, 'MODEL_MAX_ROWS', {
        default: undefined,
        min: 1,
        defaultText: 'all rows',
      }),
    ).to.throw(/\(default all rows\) or unset it\.$/);
    expect(envNumber({ R: '0.25' }, 'R', { default: 0.1, min: 0, max: 1 })).to.equal(0.25);
    expect(() => envNumber({ R: 'high' }, 'R', { default: 0.1, min: 0, max: 1 })).to.throw(
      'R="high" is not a number: set R to a number from 0 to 1 (default 0.1) or unset it.',
    );
  });

  it('enums, switches, paths, URLs and text', () => {
    expect(envEnum({}, 'P', ['live', 'active'], 'live')).to.equal('live');
    expect(envEnum({ P: 'active' }, 'P', ['live', 'active'], 'live')).to.equal('active');
    expect(() => envEnum({ P: 'all' }, 'P', ['live', 'active'], 'live')).to.throw(
      'P="all" is not one of live, active: set P to live or active (default live) or unset it.',
    );
    expect(() => envEnum({ P: 'x' }, 'P', ['a', 'b', 'c'], 'a')).to.throw(/set P to a, b or c \(default a\)/);
    for (const [v, want] of [
      [undefined, false],
      ['', false],
      ['0', false],
      ['false', false],
      ['OFF', false],
      ['no', false],
      ['1', true],
      ['true', true],
      ['express:*', true],
    ] as const)
      expect(envFlag({ F: v }, 'F'), String(v)).to.equal(want);
    expect(envPath({}, 'S', { base: '/repo', default: '/repo/data' })).to.equal('/repo/data');
    expect(envPath({ S: 'x/y' }, 'S', { base: '/repo', default: '/repo/data' })).to.equal('/repo/x/y');
    expect(envPath({ S: '/abs' }, 'S', { base: '/repo', default: null })).to.equal('/abs');
    expect(envPath({ S: 'off' }, 'S', { base: '/repo', default: '/repo/c', off: 'off' })).to.equal(null);
    expect(envUrl({}, 'B', 'https://api.vk.com/method')).to.equal('https://api.vk.com/method');
    expect(envUrl({ B: 'http://127.0.0.1:9/method//' }, 'B', 'https://x')).to.equal(
      'http://127.0.0.1:9/method',
    );
    expect(() => envUrl({ B: 'notaurl' }, 'B', 'https://api.vk.com/method')).to.throw(
      EnvError,
      'B="notaurl" is not an http(s) URL: set B to an http(s) URL such as https://api.vk.com/method (default https://api.vk.com/method) or unset it.',
    );
    expect(() => envUrl({ B: 'ftp://x' }, 'B', 'https://y')).to.throw(
      /B="ftp:\/\/x" is not an http\(s\) URL/,
    );
    let msg = '';
    try {
      envUrl({ B: 'https://x/method?access_token=SECRET' }, 'B', 'https://y');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg)
      .to.match(/must not carry a query string/)
      .and.not.contain('SECRET');
    expect(envText({ T: '  a b ' }, 'T')).to.equal('a b');
    expect(envText({ T: ' ' }, 'T')).to.equal(null);
  });

  it('prints settings, marking defaults', () => {
    expect(
      formatSettings(
        [
          ['A_LONG', 1],
          ['B', 'x'],
        ],
        { B: 'x' },
      ),
    ).to.equal('A_LONG = 1  (default)\nB      = x');
    expect(formatSettings([['T', 'set']], {}, { width: 4, neverDefault: ['T'] })).to.equal('T   = set');
  });
});
