import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { containsSecret, redact } from '../../src/report/secrets';
import { PIECE, REDACTED, SecretMatcher, secretMatcher } from '../../src/util/secret';
import { HOSTILE_TOKEN as T, htmlEntities, jsonEscapeAll, leaks, percentAll } from '../vk/hostile-server';

/** Deterministic bytes (a hash chain), so that a failure repeats. */
function bytes(seed: string, n: number): Buffer {
  const out: Buffer[] = [];
  let h = Buffer.from(seed);
  for (let len = 0; len < n; len += 64) out.push((h = createHash('sha512').update(h).digest()));
  return Buffer.concat(out).subarray(0, n);
}

describe('util/secret: the token, whole, in pieces or encoded, never survives redaction', () => {
  const m = new SecretMatcher([T]);

  it('replaces the whole token and leaves the text around it', () => {
    expect(m.redact(`a ${T} b "${T}"`)).to.equal(`a ${REDACTED} b "${REDACTED}"`);
    expect(m.redact('nothing here')).to.equal('nothing here');
    expect(m.redact(`x=${T}`, '***')).to.equal('x=***');
  });

  const encodings: [string, (s: string) => string][] = [
    ['as is', (s) => s],
    ['encodeURIComponent', encodeURIComponent],
    ['form-encoded', (s) => new URLSearchParams({ t: s }).toString().slice(2)],
    ['every byte %XX upper case', (s) => percentAll(s, 'upper')],
    ['every byte %xx lower case', (s) => percentAll(s, 'lower')],
    ['every byte, mixed case', (s) => percentAll(s, 'mixed')],
    ['percent-encoded twice', (s) => percentAll(s, 'upper').replace(/%/g, '%25')],
    ['percent-encoded three times', (s) => percentAll(s, 'lower').replace(/%/g, '%2525')],
    ['JSON.stringify', (s) => JSON.stringify(s)],
    ['JSON \\uXXXX and \\/', jsonEscapeAll],
    ['JSON inside JSON', (s) => JSON.stringify(JSON.stringify({ t: jsonEscapeAll(s) }))],
    ['HTML character references', htmlEntities],
    ['HTML of percent-encoding', (s) => percentAll(s, 'lower').replace(/%/g, '&#37;')],
    ['HTML &amp; of an HTML reference', (s) => htmlEntities(s).replace(/&/g, '&amp;')],
  ];
  for (const [name, enc] of encodings) {
    it(`${name}: found, and no piece of it is left`, () => {
      for (const piece of [T, T.slice(0, 29), T.slice(-PIECE), T.slice(30, 30 + PIECE)]) {
        const text = `before ${enc(piece)} after`;
        expect(m.contains(text), `${name} of ${piece.length} characters`).to.equal(true);
        const out = m.redact(text);
        expect(leaks(out), out).to.deep.equal([]);
        expect(out).to.match(/^before \S*\[VK_TOKEN redacted\]\S* after$/);
      }
    });
  }

  it('containsBytes (raw answer bodies) agrees with contains on every encoding, cut and body', () => {
    const bodies: string[] = [];
    for (const [, enc] of encodings)
      for (const piece of [
        T,
        T.slice(0, 29),
        T.slice(-PIECE),
        T.slice(30, 30 + PIECE),
        T.slice(30, 30 + PIECE - 1),
      ])
        bodies.push(`{"response":{"items":[{"first_name":"Анна ${enc(piece)} Ёж"}]}}`);
    // Clean bodies: Cyrillic, escapes, and the token's own characters without a piece of it.
    bodies.push('{"response":{"items":[{"first_name":"Анна","city":"Москва \\u0410 &amp; 100%"}]}}');
    bodies.push(bytes('clean', 4096).toString('base64url'));
    for (const body of bodies) {
      const expected = m.contains(body);
      expect(m.containsBytes(Buffer.from(body, 'utf8')), body.slice(0, 80)).to.equal(expected);
    }
    expect(bodies.filter((b) => m.contains(b))).to.have.length(encodings.length * 4);
  });

  it(`every piece of ${PIECE} characters or more counts, wherever it is cut; shorter ones do not`, () => {
    for (let a = 0; a < T.length; a++) {
      for (let b = a + 1; b <= T.length; b++) {
        const text = `<<${T.slice(a, b)}>>`;
        expect(m.contains(text), `${a}..${b}`).to.equal(b - a >= PIECE);
        expect(m.redact(text), `${a}..${b}`).to.equal(b - a >= PIECE ? `<<${REDACTED}>>` : text);
      }
    }
  });

  it('`+` and %20 stand for a space, and a token with `+`, `/` or a space is found in each encoding', () => {
    for (const token of ['vk1.a.abcDEF123_-+/xyz+0987', 'token with a space in it']) {
      const t = new SecretMatcher([token]);
      const forms = [
        ...(token.includes(' ') ? [] : [token]), // words end at whitespace: a raw space splits a secret
        encodeURIComponent(token),
        new URLSearchParams({ t: token }).toString().slice(2),
        encodeURIComponent(new URLSearchParams({ t: token }).toString()),
        token.replace(/ /g, '%20'),
        token.replace(/ /g, '+'),
      ];
      for (const f of forms) {
        const out = t.redact(`at ${f}.`);
        expect(leaks(out, token), `${token} as ${f}: ${out}`).to.deep.equal([]);
      }
    }
  });

  it('redacts before it cuts: a snippet never ends in a piece of the token', () => {
    // The reported case: 60 characters of a reflected request held 29 of the token.
    const body = `Bad request: {"access_token": "${T}", "v": "5.199"}`;
    expect(body.slice(0, 60)).to.contain(T.slice(0, 29));
    for (let max = 1; max <= body.length; max++) {
      const s = m.snippet(body, max);
      expect(leaks(s), `max ${max}: ${s}`).to.deep.equal([]);
      expect(s.length).to.be.at.most(max + 1);
    }
    expect(m.snippet(body, 100)).to.equal(`Bad request: {"access_token": "${REDACTED}", "v": "5.199"}`);
    expect(m.snippet('short\n\n  text', 60)).to.equal('short text');
  });

  it('is idempotent and leaves the marker alone', () => {
    const once = m.redact(`${T} ${encodeURIComponent(T.slice(5, 30))}`);
    expect(m.redact(once)).to.equal(once);
    expect(m.contains(once)).to.equal(false);
  });

  it('leaves ordinary text alone: the README, the docs, megabytes of random hex and base64', () => {
    const root = path.resolve(__dirname, '../../..');
    const docs = fs
      .readdirSync(path.join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => fs.readFileSync(path.join(root, 'docs', f), 'utf8'));
    const corpus = [
      fs.readFileSync(path.join(root, 'README.md'), 'utf8'),
      ...docs,
      bytes('hex', 1 << 20).toString('hex'),
      bytes('b64', 3 << 20).toString('base64'),
      `seven characters are not a leak: ${T.slice(0, PIECE - 1)}… ${T.slice(40, 40 + PIECE - 1)}`,
    ];
    for (const text of corpus) {
      expect(m.contains(text)).to.equal(false);
      expect(m.redact(text) === text).to.equal(true);
    }
  });

  it('ignores secrets too short to search for, and no secret at all', () => {
    expect(secretMatcher('abc1234').redact('abc1234 abc1234')).to.equal('abc1234 abc1234');
    expect(secretMatcher(undefined).redact('x')).to.equal('x');
    expect(secretMatcher([]).contains('anything')).to.equal(false);
    expect(new SecretMatcher([null, undefined, '']).contains('null undefined')).to.equal(false);
  });

  it('handles several secrets, and one whose characters need escaping in a pattern', () => {
    const other = 'another/secret=with"signs\\and]^-';
    const text = `${T.slice(10, 40)} and ${JSON.stringify(other)} and ${encodeURIComponent(other)}`;
    const out = secretMatcher([T, other]).redact(text);
    expect(leaks(out, T), out).to.deep.equal([]);
    expect(leaks(out, other), out).to.deep.equal([]);
    expect(out.split(REDACTED)).to.have.length(4);
  });

  it('the report runner checks pages and redacts messages with the same redactor', () => {
    const page = `<pre>error: bad token ${T.slice(0, 29)}</pre><a href="?t=${encodeURIComponent(T.slice(40))}">`;
    expect(containsSecret(page, [T])).to.equal(true);
    expect(leaks(redact(page, [T]))).to.deep.equal([]);
    expect(containsSecret(`<pre>VK_TOKEN = set</pre>`, [T])).to.equal(false);
  });
});
