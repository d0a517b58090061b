/**
 * VKScript's tokens: numbers, strings (with JS escapes), names, punctuation, comments
 * skipped; each token knows whether a line break precedes it (a newline may end a statement).
 */
import { VKScriptCompileError } from './values';

export type TokKind = 'num' | 'str' | 'id' | 'punc' | 'eof';
export interface Token {
  kind: TokKind;
  value: string;
  num?: number;
  pos: number;
  /** A line break precedes this token (lets a newline end a statement, as in JS). */
  nl: boolean;
}

const PUNCT = [
  '===',
  '!==',
  '@.',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '+=',
  '-=',
  '++',
  '--',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '.',
  ':',
  '?',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '=',
];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  let nl = false;
  const push = (t: Omit<Token, 'nl'>): void => {
    out.push({ ...t, nl });
    nl = false;
  };
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      nl = true;
      i++;
      continue;
    }
    if (
      c === ' ' ||
      c === '\t' ||
      c === '\r' ||
      c === '\f' ||
      c === '\v' ||
      c === '\u00a0' ||
      c === '\ufeff'
    ) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new VKScriptCompileError(`unterminated comment at ${i}`);
      if (src.slice(i, end).includes('\n')) nl = true;
      i = end + 2;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && src[i + 1] >= '0' && src[i + 1] <= '9')) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
      if (!m) throw new VKScriptCompileError(`bad number at ${i}`);
      push({ kind: 'num', value: m[0], num: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw new VKScriptCompileError(`unterminated string at ${start}`);
        const d = src[i];
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\') {
          const e = src[i + 1];
          i += 2;
          switch (e) {
            case 'n':
              s += '\n';
              break;
            case 't':
              s += '\t';
              break;
            case 'r':
              s += '\r';
              break;
            case 'b':
              s += '\b';
              break;
            case 'f':
              s += '\f';
              break;
            case 'u': {
              const hex = src.slice(i, i + 4);
              if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new VKScriptCompileError(`bad \\u escape at ${i}`);
              s += String.fromCharCode(parseInt(hex, 16));
              i += 4;
              break;
            }
            case undefined:
              throw new VKScriptCompileError(`unterminated string at ${start}`);
            default:
              s += e;
          }
          continue;
        }
        s += d;
        i++;
      }
      push({ kind: 'str', value: s, pos: start });
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(src[j])) j++;
      push({ kind: 'id', value: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    const p = PUNCT.find((q) => src.startsWith(q, i));
    if (!p) throw new VKScriptCompileError(`unexpected character '${c}' at ${i}`);
    push({ kind: 'punc', value: p, pos: i });
    i += p.length;
  }
  push({ kind: 'eof', value: '', pos: n });
  return out;
}
