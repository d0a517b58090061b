/**
 * Servers that give the token back. Each case is a real HTTP server on loopback, spoken to
 * by the real client, that reads the token the client sent and reflects it — whole, cut,
 * encoded, escaped, in HTML, in a VK error — and the test asserts that no piece of PIECE
 * characters of it, in any of those forms (`leaks`), reaches the error (message, String(),
 * stack, util.inspect, JSON) or the pull's stdout and stderr.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';
import * as util from 'node:util';
import { VkClient } from '../../src/vk/client';
import { runCli, tmpDir, type CliRun } from '../pull/helpers';
import {
  HOSTILE_TOKEN as T,
  PIECE,
  htmlEntities,
  jsonEscapeAll,
  leaks,
  percentAll,
  startHostile,
  type Hostile,
  type HostileServer,
} from './hostile-server';

const ROOT = path.resolve(__dirname, '../../..');

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const html = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'text/html', ...headers });
  res.end(body);
};
/** VK's error envelope, with `request_params` echoing the request as VK does. */
const vkError = (code: number, msg: string, r: { form: URLSearchParams }) => ({
  error: {
    error_code: code,
    error_msg: msg,
    request_params: [...r.form].map(([key, value]) => ({ key, value })),
  },
});

/** Everything an error could show when printed, logged or serialised. */
function dump(e: unknown): string {
  const err = e as Error & { last?: unknown };
  return [
    String(e),
    err.message,
    err.stack,
    util.inspect(e, { depth: 10, showHidden: true }),
    JSON.stringify(e),
    err.last === undefined ? '' : util.inspect(err.last, { depth: 10, showHidden: true }),
  ].join('\n');
}

interface ClientCase {
  name: string;
  handler: Hostile;
  method?: string;
  auth?: 'body' | 'header';
  /** What the error must still say: redaction keeps it useful. */
  says: RegExp;
}

const clientCases: ClientCase[] = [
  {
    name: 'HTTP 400 reflecting the request as JSON, the snippet cut inside the token',
    handler: (r, res) =>
      json(res, 400, `Bad request: {"access_token": "${r.token}", "v": "${r.form.get('v')}"}`),
    says: /HTTP 400 \(Bad request: \{"access_token": "\[VK_TOKEN redacted\]/,
  },
  {
    name: 'HTTP 400 HTML page echoing the form body',
    handler: (r, res) => html(res, 400, `<pre>${r.body}</pre><h1>400 Bad Request</h1>`),
    says: /HTTP 400 \(<pre>group_id=apiclub&v=5.199&access_token=\[VK_TOK/,
  },
  {
    name: 'HTTP 400 with every byte percent-encoded, upper-case hex',
    handler: (r, res) => json(res, 400, `access_token=${percentAll(r.token, 'upper')}`),
    says: /HTTP 400 \(access_token=\[VK_TOKEN redacted\]/,
  },
  {
    name: 'HTTP 400 with every byte percent-encoded, mixed-case hex',
    handler: (r, res) => json(res, 400, `access_token=${percentAll(r.token, 'mixed')}`),
    says: /HTTP 400/,
  },
  {
    name: 'HTTP 400 with the token percent-encoded twice (%25XX)',
    handler: (r, res) => json(res, 400, `t=${percentAll(r.token, 'lower').replace(/%/g, '%25')}`),
    says: /HTTP 400/,
  },
  {
    name: 'HTTP 400 with the form body URL-encoded again (access_token%3Dvk1.a…)',
    handler: (r, res) => json(res, 400, `echo=${encodeURIComponent(`access_token=${r.token}`)}`),
    says: /HTTP 400/,
  },
  {
    name: 'HTTP 400 JSON-escaped (\\uXXXX, \\/)',
    handler: (r, res) => json(res, 400, `{"request":"access_token=${jsonEscapeAll(r.token)}"}`),
    says: /HTTP 400/,
  },
  {
    name: 'HTTP 500 HTML page with character references, retried until given up',
    handler: (r, res) =>
      html(res, 500, `<p>Invalid token ${htmlEntities(r.token)}</p><hr><address>nginx</address>`),
    says: /gave up after 2 attempts.*HTTP 500/,
  },
  {
    name: 'HTTP 302 with the token in Location and in the body',
    handler: (r, res) =>
      html(res, 302, `<a href="?access_token=${r.token}">Found</a>`, {
        Location: `http://127.0.0.1:9/method/groups.getById?access_token=${encodeURIComponent(r.token)}`,
      }),
    says: /not JSON/,
  },
  {
    name: 'HTTP 401 with the token in Location, Set-Cookie, a custom header and 29 characters of it in the body',
    handler: (r, res) =>
      html(res, 401, `<p>token ${r.token.slice(0, 29)}… is not valid</p>`, {
        Location: `/login?access_token=${r.token}`,
        'Set-Cookie': `vk_token=${r.token}; Path=/`,
        'X-Echo-Token': r.token,
      }),
    says: /HTTP 401 \(<p>token \[VK_TOKEN redacted\]… is not valid/,
  },
  {
    name: 'VK error 5: error_msg with the first 40 characters, request_params with all of it',
    handler: (r, res) =>
      json(
        res,
        200,
        vkError(5, `User authorization failed: invalid access_token (${r.token.slice(0, 40)}…).`, r),
      ),
    says: /VK API error 5 in groups.getById: User authorization failed: invalid access_token \(\[VK_TOKEN redacted\]/,
  },
  {
    name: 'VK error 5: error_msg with the token percent-encoded byte by byte',
    handler: (r, res) =>
      json(res, 200, vkError(5, `invalid access_token=${percentAll(r.token, 'lower')}`, r)),
    says: /VK API error 5/,
  },
  {
    name: 'execute_errors: an inner error_msg with characters 3–60 of the token',
    method: 'execute',
    handler: (r, res) =>
      json(res, 200, {
        response: [false],
        execute_errors: [
          {
            method: 'groups.getMembers',
            error_code: 15,
            error_msg: `Access denied: ${r.token.slice(3, 60)}`,
          },
        ],
      }),
    says: /VK API error 15 in groups.getMembers inside execute: Access denied: \[VK_TOKEN redacted\]/,
  },
  {
    name: 'HTTP 200 that is not JSON and starts with the form body',
    handler: (r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`access_token=${r.token}&v=5.199`);
    },
    says: /not JSON \(\d+ bytes starting "access_token=\[VK_TOKEN redacted\]/,
  },
  {
    name: 'the Authorization header reflected (token sent as Bearer)',
    auth: 'header',
    handler: (r, res) => json(res, 400, `Authorization: ${String(r.headers.authorization)}`),
    says: /HTTP 400 \(Authorization: Bearer \[VK_TOKEN redacted\]/,
  },
  // A server that cuts its echo: prefixes, suffixes and middles of every length that matters.
  ...[PIECE, PIECE + 1, 15, 29, 40, 60, T.length - 1].flatMap((n): ClientCase[] => [
    {
      name: `HTTP 400 with the first ${n} characters`,
      handler: (r, res) => json(res, 400, `token ${r.token.slice(0, n)}`),
      says: /HTTP 400 \(token \[VK_TOKEN redacted\]\)/,
    },
    {
      name: `HTTP 400 with the last ${n} characters`,
      handler: (r, res) => json(res, 400, `token …${r.token.slice(-n)}`),
      says: /HTTP 400 \(token …\[VK_TOKEN redacted\]\)/,
    },
    {
      name: `VK error 5 with ${n} characters from the middle, percent-encoded`,
      handler: (r, res) => {
        const from = Math.floor((r.token.length - n) / 2);
        json(res, 200, vkError(5, `bad token ${encodeURIComponent(r.token.slice(from, from + n))}`, r));
      },
      says: /VK API error 5 in groups.getById: bad token \[VK_TOKEN redacted\]/,
    },
  ]),
  // Answers of data that quote the token: kept, they would carry it into the snapshot.
  {
    name: 'HTTP 200 groups.getById whose community name is the token',
    handler: (r, res) =>
      json(res, 200, { response: { groups: [{ id: 7, name: r.token, screen_name: 'apiclub' }] } }),
    says: /groups\.getById: unexpected answer .*holds a piece of the access token/,
  },
  {
    name: 'HTTP 200 with 12 characters of the token JSON-escaped in a name',
    handler: (r, res) =>
      json(
        res,
        200,
        `{"response":{"groups":[{"id":7,"name":"${jsonEscapeAll(r.token.slice(30, 42))}","screen_name":"x"}]}}`,
      ),
    says: /holds a piece of the access token/,
  },
  {
    name: 'HTTP 200 with 9 characters of the token percent-encoded in a name',
    handler: (r, res) =>
      json(res, 200, { response: { groups: [{ id: 7, name: percentAll(r.token.slice(50, 59), 'upper') }] } }),
    says: /holds a piece of the access token/,
  },
  // The whole token, with the 60-character snippet cut at different places inside it.
  ...[0, 20, 45, 52].map((pad): ClientCase => ({
    name: `HTTP 400 with the whole token after ${pad} characters (cut after ${60 - pad} of it)`,
    handler: (r, res) => json(res, 400, `${pad > 0 ? 'x'.repeat(pad - 1) + ' ' : ''}${r.token} end`),
    says: /HTTP 400/,
  })),
];

describe('hostile servers: the VK client never lets the token out', function () {
  this.timeout(20_000);
  let server: HostileServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  for (const c of clientCases) {
    it(c.name, async () => {
      server = await startHostile(c.handler);
      const client = new VkClient({
        base: server.base,
        token: T,
        auth: c.auth,
        rateLimit: 0,
        maxAttempts: 2,
        backoffBaseMs: 1,
        backoffMaxMs: 2,
        timeoutMs: 2000,
      });
      const e = await client.call(c.method ?? 'groups.getById', { group_id: 'apiclub' }).then(
        () => new Error('the call succeeded'),
        (err: unknown) => err,
      );
      expect(server.seen[0]?.token, 'the server had the token to reflect').to.equal(T);
      expect(leaks(dump(e)), dump(e)).to.deep.equal([]);
      expect((e as Error).message).to.match(c.says);
    });
  }
});

// ---- the whole pull, as a child process ----------------------------------------------------

const GROUP_OK = {
  response: { groups: [{ id: 7, name: 'Hostile', screen_name: 'apiclub', members_count: 10 }] },
};

/** `npm run pull -- …` from the repository root: the entry point a user runs. */
function npmPull(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn('npm', ['run', 'pull', '--', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface PullCase {
  name: string;
  handler: Hostile;
  exit: number;
  says: RegExp;
  npm?: boolean;
}

const pullCases: PullCase[] = [
  {
    name: 'npm run pull: HTTP 400 reflecting the request as JSON',
    npm: true,
    handler: (r, res) => json(res, 400, `Bad request: {"access_token": "${r.token}", "v": "5.199"}`),
    exit: 4,
    says: /HTTP 400 \(Bad request: \{"access_token": "\[VK_TOKEN redacted\]/,
  },
  {
    name: 'HTTP 400 with every byte percent-encoded, mixed-case hex',
    handler: (r, res) => json(res, 400, `access_token=${percentAll(r.token, 'mixed')}`),
    exit: 4,
    says: /HTTP 400/,
  },
  {
    name: 'HTTP 403 HTML page with character references',
    handler: (r, res) => html(res, 403, `<h1>Forbidden</h1>\n<pre>${htmlEntities(r.token)}</pre>`),
    exit: 4,
    says: /HTTP 403/,
  },
  {
    name: 'VK error 5: the token cut in error_msg, whole in request_params',
    handler: (r, res) =>
      json(
        res,
        200,
        vkError(5, `User authorization failed: invalid access_token (${r.token.slice(0, 40)}…).`, r),
      ),
    exit: 3,
    says: /error 5/,
  },
  {
    name: 'execute_errors (error 15) with part of the token, after a good groups.getById',
    handler: (r, res) =>
      r.url.endsWith('groups.getById')
        ? json(res, 200, GROUP_OK)
        : json(res, 200, {
            response: [false],
            execute_errors: [
              {
                method: 'groups.getMembers',
                error_code: 15,
                error_msg: `Access denied for ${r.token.slice(3, 60)}`,
              },
            ],
          }),
    exit: 3,
    says: /error 15/,
  },
  {
    name: 'HTTP 302 with the token in Location and in the body',
    handler: (r, res) =>
      html(res, 302, `<a href="?access_token=${r.token}">Found</a>`, {
        Location: `/method/x?access_token=${r.token}`,
      }),
    exit: 4,
    says: /not JSON/,
  },
  {
    name: 'a member whose first name holds part of the token (execute refused, plain groups.getMembers)',
    handler: (r, res) =>
      r.url.endsWith('groups.getById')
        ? json(res, 200, GROUP_OK)
        : r.url.endsWith('execute')
          ? json(res, 200, vkError(28, 'Application authorization failed', { form: new URLSearchParams() }))
          : json(res, 200, {
              response: {
                count: 2,
                items: [
                  { id: 1, first_name: 'Анна', sex: 1 },
                  { id: 2, first_name: `Ян${r.token.slice(10, 30)}`, sex: 2 },
                ],
              },
            }),
    exit: 4,
    says: /groups\.getMembers: unexpected answer .*holds a piece of the access token/,
  },
];

/** Every file under `dir`, as text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((e) => {
    const file = path.join(e.parentPath, e.name);
    return e.isFile() ? [{ file, text: fs.readFileSync(file).toString('latin1') }] : [];
  });
}

describe('hostile servers: the pull CLI never lets the token out (child processes, DEBUG=1)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tmpDir('hostile');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const c of pullCases) {
    it(`${c.name}: exit ${c.exit}`, async () => {
      const server = await startHostile(c.handler);
      const out = path.join(dir, 'snap');
      try {
        const env = { VK_TOKEN: T, VK_API_BASE: server.base, DEBUG: '1' };
        const args = ['--group', 'apiclub', '--out', out, '--quiet'];
        const r = await (c.npm ? npmPull(args, env) : runCli(args, env));
        expect(server.seen[0]?.token, 'the server had the token').to.equal(T);
        expect(leaks(r.stdout), `stdout: ${r.stdout}`).to.deep.equal([]);
        expect(leaks(r.stderr), `stderr: ${r.stderr}`).to.deep.equal([]);
        expect(r.code, r.stderr).to.equal(c.exit);
        expect(r.stderr).to.match(c.says);
        for (const f of filesUnder(out)) expect(leaks(f.text), f.file).to.deep.equal([]);
      } finally {
        await server.close();
      }
    });
  }
});
