import { expect } from 'chai';
import * as util from 'node:util';
import {
  VkClient,
  interpretAnswer,
  classifyTransportError,
  summariseRetries,
  type RetryInfo,
} from '../../src/vk/client';
import {
  VkApiError,
  VkCaptchaError,
  VkExecuteError,
  VkNetworkError,
  VkResponseError,
  VkRetryExhaustedError,
} from '../../src/vk/errors';
import { startScriptServer, vkError, type ScriptServer } from './script-server';

const TOKEN = 'vk1.a.SECRET-token_for/tests+x=';

function client(
  server: ScriptServer,
  extra: Partial<ConstructorParameters<typeof VkClient>[0]> = {},
  retries?: RetryInfo[],
): VkClient {
  return new VkClient({
    base: server.base,
    token: TOKEN,
    rateLimit: 0,
    backoffBaseMs: 1,
    backoffMaxMs: 4,
    windowMs: 5,
    timeoutMs: 300,
    onRetry: (r) => retries?.push(r),
    ...extra,
  });
}

describe('vk/client against a scripted HTTP server', () => {
  let server: ScriptServer;
  beforeEach(async () => {
    server = await startScriptServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('POSTs form-encoded params with v=5.199 and the token in the body, never in the URL', async () => {
    server.script.push({ body: '{"response":{"count":3,"items":[1,2,3]}}' });
    const r = await client(server).call<{ count: number }>('groups.getMembers', {
      group_id: 'apiclub',
      count: 1000,
      fields: 'sex,city',
    });
    expect(r.count).to.equal(3);
    const s = server.seen[0];
    expect(s.method).to.equal('POST');
    expect(s.url).to.equal('/method/groups.getMembers');
    expect(s.headers['content-type']).to.match(/application\/x-www-form-urlencoded/);
    expect(s.form.get('v')).to.equal('5.199');
    expect(s.form.get('access_token')).to.equal(TOKEN);
    expect(s.form.get('fields')).to.equal('sex,city');
    expect(s.url).to.not.contain('token');
  });

  it('can send the token as a Bearer header instead', async () => {
    await client(server, { auth: 'header' }).call('users.get');
    expect(server.seen[0].headers.authorization).to.equal(`Bearer ${TOKEN}`);
    expect(server.seen[0].form.has('access_token')).to.equal(false);
  });

  it('retries 6, 9, 10, HTTP 500/502, non-JSON, resets and timeouts, counts them, then succeeds', async () => {
    server.script.push(
      { body: vkError(6, 'Too many requests per second') },
      { body: vkError(9) },
      { body: vkError(10) },
      { status: 502, body: '<html>Bad Gateway</html>' },
      { status: 500, body: '<html>oops</html>' },
      { body: '<html>not json</html>' },
      { destroy: true },
      { body: '{"response":1}', delayMs: 1000 },
    );
    const retries: RetryInfo[] = [];
    const c = client(server, { maxAttempts: 10 }, retries);
    const r = await c.call('groups.getById');
    expect(r).to.equal(1);
    expect(retries.map((x) => x.reason)).to.deep.equal([
      'error 6',
      'error 9',
      'error 10',
      'HTTP 502',
      'HTTP 500',
      'non_json',
      'reset',
      'timeout',
    ]);
    expect(c.stats.retries).to.equal(8);
    expect(c.stats.requests).to.equal(9);
    expect(summariseRetries(c.stats)).to.match(/^8 retries \(/);
    // error 6 waits at least a whole window
    expect(retries[0].delayMs).to.be.at.least(5);
  });

  for (const [code, pattern] of [
    [5, /token in VK_TOKEN is invalid or expired/],
    [15, /hides its member list/],
    [18, /deleted or banned/],
    [28, /service token/],
    [100, /check --group/],
    [125, /no community with this id or screen name/],
    [203, /closed or private/],
  ] as const) {
    it(`error ${code} fails at once with a typed, actionable error`, async () => {
      server.script.push({ body: vkError(code, `vk says ${code}`) });
      const retries: RetryInfo[] = [];
      const err = await client(server, {}, retries)
        .call('groups.getMembers')
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).to.be.instanceOf(VkApiError);
      const e = err as VkApiError;
      expect(e.code).to.equal(code);
      expect(e.method).to.equal('groups.getMembers');
      expect(e.message).to.match(pattern);
      expect(e.message).to.contain(`vk says ${code}`);
      expect(retries).to.have.length(0);
      expect(server.seen).to.have.length(1);
    });
  }

  it('captcha (14) is a clear error, not retried', async () => {
    server.script.push({
      body: JSON.stringify({
        error: { error_code: 14, error_msg: 'Captcha needed', captcha_sid: '1', captcha_img: 'x' },
      }),
    });
    const err = await client(server)
      .call('execute')
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(VkCaptchaError);
    expect((err as Error).message).to.match(/captcha.*run the same command again/i);
    expect(server.seen).to.have.length(1);
  });

  it('bounded: gives up after maxAttempts with the last error, and says how to continue', async () => {
    server.fallback = { status: 503, body: 'down' };
    const err = await client(server, { maxAttempts: 3 })
      .call('execute')
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(VkRetryExhaustedError);
    expect((err as VkRetryExhaustedError).attempts).to.equal(3);
    expect((err as Error).message).to.match(/gave up after 3 attempts.*HTTP 503.*resumes/);
    expect(server.seen).to.have.length(3);
  });

  it('execute_errors surface as the inner error code (retried when transient)', async () => {
    server.script.push(
      {
        body: JSON.stringify({
          response: [false],
          execute_errors: [{ method: 'groups.getMembers', error_code: 10, error_msg: 'Internal' }],
        }),
      },
      {
        body: JSON.stringify({
          response: [false],
          execute_errors: [
            { method: 'groups.getMembers', error_code: 15, error_msg: 'Access denied: group hide members' },
          ],
        }),
      },
    );
    const err = await client(server)
      .call('execute')
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(VkApiError).and.instanceOf(VkExecuteError);
    expect(err).to.deep.include({ code: 15, method: 'execute', innerMethod: 'groups.getMembers' });
    expect((err as Error).message).to.contain('VK API error 15 in groups.getMembers inside execute:');
    expect(server.seen).to.have.length(2);
  });

  it('the token never appears in any error: message, stack, or util.inspect (axios config is dropped)', async () => {
    server.script.push({ body: vkError(5, `User authorization failed: invalid access_token (${TOKEN}).`) });
    const errors: unknown[] = [];
    errors.push(
      await client(server)
        .call('users.get')
        .catch((e: unknown) => e),
    );
    server.fallback = { destroy: true };
    errors.push(
      await client(server, { maxAttempts: 2 })
        .call('users.get')
        .catch((e: unknown) => e),
    );
    server.fallback = { body: '{}', delayMs: 2000 };
    errors.push(
      await client(server, { maxAttempts: 1 })
        .call('users.get')
        .catch((e: unknown) => e),
    );
    // a refused connection (nothing listens there any more)
    const dead = await startScriptServer();
    const deadBase = dead.base;
    await dead.close();
    errors.push(
      await new VkClient({ base: deadBase, token: TOKEN, rateLimit: 0, maxAttempts: 1 })
        .call('users.get')
        .catch((e: unknown) => e),
    );
    expect(errors.map((e) => (e as Error).name)).to.deep.equal([
      'VkApiError',
      'VkRetryExhaustedError',
      'VkRetryExhaustedError',
      'VkRetryExhaustedError',
    ]);
    for (const e of errors) {
      const dump =
        util.inspect(e, { depth: 10, showHidden: true }) + String((e as Error).stack) + JSON.stringify(e);
      expect(dump).to.not.contain(TOKEN);
      expect(dump).to.not.contain(encodeURIComponent(TOKEN));
      expect(dump).to.not.contain('SECRET');
    }
    expect((errors[0] as Error).message).to.contain('[VK_TOKEN redacted]');
  });

  it('rejects a missing token and a base URL that carries a query or the token', () => {
    expect(() => new VkClient({ token: '' })).to.throw(/VK_TOKEN/);
    expect(() => new VkClient({ token: TOKEN, base: 'http://x/method?access_token=1' })).to.throw(
      /must not carry/,
    );
    expect(() => new VkClient({ token: TOKEN, base: 'not a url' })).to.throw(/not a URL/);
    // A piece of the token pasted into the path, where messages would quote it.
    expect(() => new VkClient({ token: TOKEN, base: `http://x/${TOKEN.slice(0, 12)}` })).to.throw(
      /must not carry a query string or the token/,
    );
  });
});

describe('vk/client answer classification (pure)', () => {
  it('maps answers to values or typed errors', () => {
    expect(interpretAnswer('m', 200, '{"response":{"a":1}}', TOKEN)).to.deep.equal({ a: 1 });
    expect(interpretAnswer('m', 200, '{"nothing":1}', TOKEN)).to.be.instanceOf(VkResponseError);
    const http404 = interpretAnswer('execute', 404, '<html>', TOKEN) as VkNetworkError;
    expect(http404.retryable).to.equal(false);
    expect((interpretAnswer('m', 429, '', TOKEN) as VkNetworkError).retryable).to.equal(true);
    expect((interpretAnswer('m', 200, vkError(29), TOKEN) as VkApiError).retryable).to.equal(false);
    expect((interpretAnswer('m', 200, vkError(6), TOKEN) as VkApiError).retryable).to.equal(true);
  });
  it('classifies transport failures', () => {
    const mk = (code: string, message = 'x') =>
      Object.assign(new Error(message), { code, config: { data: `access_token=${TOKEN}` } });
    expect(
      classifyTransportError(mk('ECONNABORTED', 'timeout of 10ms exceeded'), 'm', TOKEN).failure,
    ).to.equal('timeout');
    expect(classifyTransportError(mk('ECONNRESET'), 'm', TOKEN).failure).to.equal('reset');
    expect(classifyTransportError(mk('ENOTFOUND'), 'm', TOKEN).retryable).to.equal(false);
    const e = classifyTransportError(mk('EWHATEVER', `failed with ${TOKEN}`), 'm', TOKEN);
    expect(util.inspect(e, { showHidden: true, depth: 5 })).to.not.contain(TOKEN);
  });
});
