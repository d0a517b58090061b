/**
 * A tiny real HTTP server answering from a script, for client tests that need exact
 * control of each answer (the emulator covers the realistic cases).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  url: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  form: URLSearchParams;
}

export type Step = { status?: number; body: string; delayMs?: number } | { destroy: true };

export interface ScriptServer {
  base: string;
  seen: Seen[];
  /** Steps answered in order; when empty, `handler` (if set) or `fallback` answers. */
  script: Step[];
  handler?: (seen: Seen) => Step;
  fallback: Step;
  close(): Promise<void>;
}

export async function startScriptServer(fallback: Step = { body: '{"response":1}' }): Promise<ScriptServer> {
  const state: ScriptServer = {
    base: '',
    seen: [],
    script: [],
    fallback,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.seen.push({
        url: req.url ?? '',
        method: req.method ?? '',
        headers: req.headers,
        body,
        form: new URLSearchParams(body),
      });
      const step =
        state.script.shift() ?? state.handler?.(state.seen[state.seen.length - 1]) ?? state.fallback;
      if ('destroy' in step) {
        req.socket.destroy();
        return;
      }
      const send = () => {
        res.writeHead(step.status ?? 200, { 'Content-Type': 'application/json' });
        res.end(step.body);
      };
      if (step.delayMs) setTimeout(send, step.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/method`;
  return state;
}

export const vkError = (code: number, msg = 'error message') =>
  JSON.stringify({
    error: { error_code: code, error_msg: msg, request_params: [{ key: 'method', value: 'x' }] },
  });
