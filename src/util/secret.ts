/**
 * Keeping the VK token out of text: the one redactor behind every message, log line, notebook
 * page and report that may quote a server's answer or the request (docs/vk-api.md, "Requests").
 *
 * A leak is any piece of the token of PIECE characters or more, not only a whole copy: a
 * server that echoes the request cuts it somewhere, and so does a message quoting a snippet
 * of a body. Eight characters of a random token (48 bits of base64url, 32 of hex) do not
 * turn up in ordinary text by chance, and fewer give too little away to matter.
 *
 * A piece is found as is or under up to three layers of the escapes a server reflecting a
 * request uses: percent-encoding (either hex case; `+` and `%20` both stand for a space),
 * JSON string escapes (`\u002e`, `\/`) and HTML character references (`&#46;`, `&#x2e;`,
 * `&amp;`). Text is read as words — runs of the characters the token and those escapes are
 * made of — and a word holding a piece is replaced whole, so nothing of the token is left
 * beside the marker. Redact first, then cut (`snippet`): cutting first can turn a whole copy
 * into a piece the search no longer sees.
 */

/** Characters of the token that make a leak. */
export const PIECE = 8;
/** Shorter secrets are not searched for: they would match ordinary words. */
export const MIN_SECRET_LENGTH = PIECE;
/** What a redacted word becomes. */
export const REDACTED = '[VK_TOKEN redacted]';
const PROBE = PIECE / 2;

const ESCAPE = /%([0-9a-f]{2})|\\u([0-9a-f]{4})|\\([^0-9a-z])|&#x([0-9a-f]{1,6});|&#([0-9]{1,7});|&amp;/gi;

/** `text` with one layer of escapes undone. */
function unescapeOnce(text: string): string {
  return text.replace(ESCAPE, (m, pct?: string, u?: string, char?: string, hex?: string, dec?: string) => {
    const code = pct ?? u ?? hex;
    if (code !== undefined) return String.fromCodePoint(Math.min(parseInt(code, 16), 0x10ffff));
    if (char !== undefined) return char;
    if (dec !== undefined) return String.fromCodePoint(Math.min(parseInt(dec, 10), 0x10ffff));
    return '&';
  });
}

/** `+` and space compare equal: form encoding writes a space as `+`. */
const spaceless = (s: string) => s.replace(/\+/g, ' ');

const regexClass = (chars: string) => chars.replace(/[\\\]^-]/g, '\\$&');

/** A compiled search for some secrets; `secretMatcher` keeps one per token. */
export class SecretMatcher {
  private readonly pieces = new Set<string>();
  /**
   * Every fourth 4-character block of each secret: a piece of PIECE characters holds one
   * whole, so a native `indexOf` for these finds every candidate without visiting each position.
   */
  private readonly probes = new Set<string>();
  private readonly word: RegExp | null = null;
  /** Whether a secret holds `+` or a space, which then compare equal. */
  private readonly spaced: boolean = false;

  constructor(secrets: readonly (string | null | undefined)[]) {
    let chars = '';
    for (const s of secrets) {
      if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
      const t = spaceless(s);
      for (let i = 0; i + PIECE <= t.length; i++) this.pieces.add(t.slice(i, i + PIECE));
      for (let i = 0; i + PROBE <= t.length; i += PROBE) this.probes.add(t.slice(i, i + PROBE));
      chars += s.replace(/\s/g, '');
      this.spaced ||= t.includes(' ');
    }
    if (this.pieces.size === 0) return;
    const cls = `[0-9A-Za-z%\\\\&#;+${regexClass([...new Set(chars)].join(''))}]`;
    this.word = new RegExp(`${cls}{${PIECE},}`, 'g');
  }

  /** Whether `text` holds a piece of a secret as it stands. */
  private holdsRaw(text: string): boolean {
    const s = this.spaced ? spaceless(text) : text;
    for (const probe of this.probes) {
      for (let at = s.indexOf(probe); at >= 0; at = s.indexOf(probe, at + 1)) {
        for (let p = Math.max(0, at - PIECE + PROBE); p <= at; p++)
          if (this.pieces.has(s.slice(p, p + PIECE))) return true;
      }
    }
    return false;
  }

  /** Whether `text`, as is or unescaped up to three times, holds a piece of a secret. */
  contains(text: string): boolean {
    if (this.word === null) return false;
    if (this.holdsRaw(text)) return true;
    // Only the words with an escape in them can change when unescaped.
    let view = Array.from(text.matchAll(this.word), ([w]) => w)
      .filter((w) => /[%\\&]/.test(w))
      .join('\n');
    for (let layer = 0; layer < 3 && view !== ''; layer++) {
      const next = unescapeOnce(view);
      if (next === view) return false;
      if (this.holdsRaw(next)) return true;
      view = next;
    }
    return false;
  }

  /**
   * `contains` for a raw answer body, without decoding megabytes of it: the probes are
   * searched as bytes and only the few bytes around a hit are read as text; the text
   * search runs only when the body has an escape character in it (or the secret a space).
   */
  containsBytes(body: Buffer): boolean {
    if (this.word === null) return false;
    if (this.spaced) return this.contains(body.toString('utf8'));
    // A piece is at most 4 bytes per character: a window this wide around a probe holds it.
    const reach = 4 * PIECE;
    for (const probe of this.probes) {
      const bytes = Buffer.from(probe, 'utf8');
      for (let at = body.indexOf(bytes); at >= 0; at = body.indexOf(bytes, at + 1)) {
        if (this.holdsRaw(body.toString('utf8', Math.max(0, at - reach), at + reach))) return true;
      }
    }
    const escaped = body.includes(0x25) || body.includes(0x5c) || body.includes(0x26); // % \ &
    return escaped && this.contains(body.toString('utf8'));
  }

  /** `text` with every word that holds a piece of a secret replaced by `marker`. */
  redact(text: string, marker = REDACTED): string {
    if (this.word === null || !this.contains(text)) return text;
    return text.replace(this.word, (w) => (this.contains(w) ? marker : w));
  }

  /** At most `max` characters of `text` for a message: redacted, whitespace runs as one space, then cut. */
  snippet(text: string, max: number): string {
    const clean = this.redact(text).replace(/\s+/g, ' ');
    return clean.length > max ? clean.slice(0, max) + '…' : clean;
  }
}

const matchers = new Map<string, SecretMatcher>();

/** The matcher for these secrets, compiled once (callers use one token, a few at most). */
export function secretMatcher(
  secrets: readonly (string | null | undefined)[] | string | null | undefined,
): SecretMatcher {
  const list = typeof secrets === 'string' || secrets == null ? [secrets] : secrets;
  const key = JSON.stringify(list);
  let m = matchers.get(key);
  if (!m) {
    if (matchers.size >= 8) matchers.clear();
    matchers.set(key, (m = new SecretMatcher(list)));
  }
  return m;
}
