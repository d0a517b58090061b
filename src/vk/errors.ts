/**
 * Typed VK client errors. Each message says what happened and what the user can do.
 *
 * None of them keeps the underlying axios error (as `cause` or otherwise): axios errors
 * carry the request config — the form body with `access_token` and the headers — and
 * would print the token when logged. Every message that includes text from outside
 * (VK's error_msg, a body, a socket error) is redacted, then cut to length
 * (src/util/secret.ts: a piece of the token, encoded or not, counts as the token).
 */

import { secretMatcher } from '../util/secret';
import { VK_ERROR } from './error-codes';

export { VK_ERROR, type VkErrorCode } from './error-codes';

/** Transient server-side conditions: retried with backoff (bounded). */
export const RETRYABLE_VK_CODES: ReadonlySet<number> = new Set([
  VK_ERROR.TOO_MANY_REQUESTS,
  VK_ERROR.FLOOD_CONTROL,
  VK_ERROR.INTERNAL,
]);

const HINTS: Record<number, string> = {
  [VK_ERROR.AUTH_FAILED]:
    'the token in VK_TOKEN is invalid or expired: get a new user access token and set VK_TOKEN again',
  [VK_ERROR.TOO_MANY_REQUESTS]:
    'too many requests per second for this token: the client slows down and retries',
  [VK_ERROR.FLOOD_CONTROL]: 'VK flood control: too many identical requests; the client waits and retries',
  [VK_ERROR.INTERNAL]: 'VK internal server error: the client retries',
  [VK_ERROR.EXECUTE_COMPILE]: 'the execute script did not compile (a bug in this tool: please report it)',
  [VK_ERROR.EXECUTE_RUNTIME]:
    'the execute answer was too big or the script failed: the pull asks for fewer members per request',
  [VK_ERROR.CAPTCHA]:
    'VK wants a captcha for this token: open vk.com in a browser as the token owner, wait a few minutes, then run the same command again (the pull resumes)',
  [VK_ERROR.ACCESS_DENIED]:
    "access denied: the community hides its member list (or this token may not see it); only its administrators can list members — use an administrator's token",
  [VK_ERROR.VALIDATION_REQUIRED]:
    'VK requires validation of the account that owns the token: log in on vk.com in a browser, complete the check, then get a new token',
  [VK_ERROR.USER_DELETED]:
    'the page that owns the token is deleted or banned: use a token of an active account',
  [VK_ERROR.APP_AUTH_FAILED]:
    'application authorization failed: this token (e.g. a service token) may not call this method',
  [VK_ERROR.RATE_LIMIT_REACHED]:
    'the daily quota for this method is used up for this token: try again tomorrow (the pull resumes where it stopped)',
  [VK_ERROR.PRIVATE_PROFILE]: 'the profile is private',
  [VK_ERROR.INVALID_PARAM]:
    'a parameter was rejected: check --group (a numeric id or a screen name such as "apiclub")',
  [VK_ERROR.INVALID_USER_ID]: 'invalid user id',
  [VK_ERROR.INVALID_GROUP_ID]: 'no community with this id or screen name: check --group',
  [VK_ERROR.GROUP_ACCESS_DENIED]:
    'access to the community is denied: it is closed or private; use a token of one of its members or administrators',
};

export function hintFor(code: number): string {
  return HINTS[code] ?? 'see the VK API error codes (https://dev.vk.com/en/reference/errors)';
}

/** `text` without the token, whole, in pieces or encoded (src/util/secret.ts). */
export function redact(text: string, secret: string | undefined): string {
  return secretMatcher(secret).redact(text);
}

export abstract class VkError extends Error {
  /** Whether retrying the same request can succeed. */
  abstract readonly retryable: boolean;
  readonly method: string;
  constructor(message: string, method: string) {
    super(message);
    this.method = method;
    this.name = new.target.name;
  }
}

/** VK answered `{"error": …}`. */
export class VkApiError extends VkError {
  readonly code: number;
  readonly subcode: number | undefined;
  readonly vkMessage: string;
  readonly hint: string;
  readonly retryable: boolean;
  constructor(
    code: number,
    method: string,
    vkMessage: string,
    opts: { subcode?: number; token?: string; where?: string } = {},
  ) {
    const safe = secretMatcher(opts.token).snippet(vkMessage, 300);
    super(`VK API error ${code} in ${opts.where ?? method}: ${safe} — ${hintFor(code)}`, method);
    this.code = code;
    this.subcode = opts.subcode;
    this.vkMessage = safe;
    this.hint = hintFor(code);
    this.retryable = RETRYABLE_VK_CODES.has(code);
  }
}

/**
 * A call inside `execute` failed (VK's `execute_errors`): the answer is unusable for paging.
 * `method` is the request (`execute`), `innerMethod` the failed call, `code` its error, so
 * code-based handling (retry 6/9/10, stop on 15/125…) applies as to a plain call.
 */
export class VkExecuteError extends VkApiError {
  readonly innerMethod: string;
  constructor(code: number, method: string, innerMethod: string, vkMessage: string, token?: string) {
    super(code, method, vkMessage, { token, where: `${innerMethod} inside ${method}` });
    this.innerMethod = innerMethod;
  }
}

/** Captcha (error 14): never retried automatically; the user has to act. */
export class VkCaptchaError extends VkApiError {
  override readonly retryable = false;
  constructor(method: string, vkMessage: string, token?: string) {
    super(VK_ERROR.CAPTCHA, method, vkMessage, { token });
  }
}

export type NetworkFailure = 'timeout' | 'reset' | 'refused' | 'http' | 'non_json' | 'dns' | 'other';

/** No usable answer: timeout, connection reset, HTTP error status, or a body that is not JSON. */
export class VkNetworkError extends VkError {
  readonly failure: NetworkFailure;
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(
    failure: NetworkFailure,
    method: string,
    detail: string,
    opts: { status?: number; token?: string; retryable?: boolean } = {},
  ) {
    const what: Record<NetworkFailure, string> = {
      timeout: 'no answer in time',
      reset: 'the connection was reset',
      refused: 'the connection was refused',
      http: `HTTP ${opts.status ?? '?'}`,
      non_json: 'the answer was not JSON',
      dns: 'the API host name could not be resolved',
      other: 'network error',
    };
    const advice =
      failure === 'refused' || failure === 'dns'
        ? 'check VK_API_BASE and the network'
        : 'the client retries transient failures';
    super(
      `${method}: ${what[failure]} (${secretMatcher(opts.token).snippet(detail, 200)}) — ${advice}`,
      method,
    );
    this.failure = failure;
    this.status = opts.status;
    this.retryable =
      opts.retryable ??
      (failure !== 'dns' && !(failure === 'http' && opts.status !== undefined && opts.status < 500));
  }
}

/** The answer was JSON but not shaped as the API documents. */
export class VkResponseError extends VkError {
  readonly retryable = false;
  constructor(method: string, detail: string) {
    super(
      `${method}: unexpected answer from the VK API (${detail}); if VK_API_BASE points to a proxy or an emulator, check it`,
      method,
    );
  }
}

/** Retries ran out; `last` is the final failure. */
export class VkRetryExhaustedError extends VkError {
  readonly retryable = false;
  readonly attempts: number;
  readonly last: VkError;
  constructor(method: string, attempts: number, last: VkError) {
    super(
      `${method}: gave up after ${attempts} attempts; last error: ${last.message}. Run the same command again later: the pull resumes where it stopped`,
      method,
    );
    this.attempts = attempts;
    this.last = last;
  }
}
