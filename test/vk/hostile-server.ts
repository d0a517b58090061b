/**
 * Hostile HTTP servers on loopback for the token-leak tests: each one reads the token the
 * client sent (form body or Bearer header) and gives it back in some form — and a leak
 * detector that knows those forms without sharing code with the redactor it checks.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Shaped like a VK user token: the public `vk1.a.` and 78 base64url characters (84 in all).
 * Derived, not random, so that a failure names the same fragments every run.
 */
export const HOSTILE_TOKEN =
  'vk1.a.' + createHash('sha512').update('hostile').digest('base64url').slice(0, 78);
/** A piece of the token this long is a leak (the brief of the redactor, stated independently). */
export const PIECE = 8;

export interface HostileRequest {
  url: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  /** The request body as received (form-encoded). */
  body: string;
  form: URLSearchParams;
  /** The token as the client sent it. */
  token: string;
}

export type Hostile = (req: HostileRequest, res: http.ServerResponse) => void;

export interface HostileServer {
  base: string;
  seen: HostileRequest[];
  close(): Promise<void>;
}

export async function startHostile(handler: Hostile): Promise<HostileServer> {
  const seen: HostileRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const form = new URLSearchParams(body);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      const r: HostileRequest = {
        url: req.url ?? '',
        method: req.method ?? '',
        headers: req.headers,
        body,
        form,
        token: form.get('access_token') ?? bearer?.[1] ?? '',
      };
      seen.push(r);
      handler(r, res);
    });
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/method`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// ---- the forms a server may give the token back in -------------------------------------

/** Every byte as %XX, in the given hex case ('mixed' alternates). */
export function percentAll(s: string, hexCase: 'upper' | 'lower' | 'mixed'): string {
  return Array.from(Buffer.from(s, 'utf8'), (b, i) => {
    const hex = b.toString(16).padStart(2, '0');
    const up = hexCase === 'upper' || (hexCase === 'mixed' && i % 2 === 0);
    return '%' + (up ? hex.toUpperCase() : hex.toLowerCase());
  }).join('');
}

/** A JSON string body with every non-alphanumeric character as \uXXXX and `/` as `\/`. */
export function jsonEscapeAll(s: string): string {
  return Array.from(s, (c) =>
    /[A-Za-z0-9]/.test(c)
      ? c
      : c === '/'
        ? '\\/'
        : '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase(),
  ).join('');
}

/** HTML with every non-alphanumeric character as a numeric character reference. */
export function htmlEntities(s: string): string {
  return Array.from(s, (c, i) =>
    /[A-Za-z0-9]/.test(c) ? c : i % 2 ? `&#${c.charCodeAt(0)};` : `&#x${c.charCodeAt(0).toString(16)};`,
  ).join('');
}

// ---- the leak detector --------------------------------------------------------------------

/**
 * One layer of percent-, JSON- and HTML-escapes undone, over the whole text with one regular
 * expression per kind (the redactor reads words and one combined pattern: the two do not
 * share a bug).
 */
function decodeOnce(t: string): string {
  const ch = (code: string, radix = 16) => String.fromCodePoint(Math.min(parseInt(code, radix), 0x10ffff));
  return t
    .replace(/%([0-9a-f]{2})/gi, (_m, h: string) => ch(h))
    .replace(/\\u([0-9a-f]{4})/gi, (_m, h: string) => ch(h))
    .replace(/\\([^A-Za-z0-9\s])/g, '$1')
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => ch(h))
    .replace(/&#(\d+);/g, (_m, d: string) => ch(d, 10))
    .replace(/&amp;/g, '&');
}

/**
 * Every piece of PIECE characters of `token` found in `text` as is or after one to three
 * layers of decoding (with `+` read as a space, as form encoding writes it): empty when clean.
 */
export function leaks(text: string, token = HOSTILE_TOKEN): string[] {
  const views = [text];
  for (let i = 0; i < 3; i++) views.push(decodeOnce(views[i]));
  const spaced = (s: string) => s.replace(/\+/g, ' ');
  const all = views.flatMap((v) => [v, spaced(v)]);
  const found: string[] = [];
  for (let j = 0; j + PIECE <= token.length; j++) {
    const piece = token.slice(j, j + PIECE);
    const at = all.findIndex((v) => v.includes(piece) || v.includes(spaced(piece)));
    if (at >= 0) found.push(`token[${j}..${j + PIECE}) ${JSON.stringify(piece)} in view ${at}`);
  }
  return found;
}
