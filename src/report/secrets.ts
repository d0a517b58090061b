/**
 * Keeping the VK token out of everything the report runner prints or publishes. The token
 * reaches the kernels (notebook 01 needs it), so a careless cell could print it: the runner
 * redacts it from messages and refuses to publish a page that contains it — whole, a piece
 * of it, or encoded (src/util/secret.ts, the same redactor as the VK client's errors).
 */
import { envText, type Env } from '../util/env';
import { MIN_SECRET_LENGTH, secretMatcher } from '../util/secret';

/** Secret values from the environment worth searching for (very short values would match by chance). */
export function secretValues(env: Env): string[] {
  const token = envText(env, 'VK_TOKEN');
  return token && token.length >= MIN_SECRET_LENGTH ? [token] : [];
}

export function redact(text: string, secrets: readonly string[]): string {
  return secretMatcher(secrets).redact(text);
}

/** True when `content` holds a secret, or a piece of one, as is or encoded as a page might hold it. */
export function containsSecret(content: string, secrets: readonly string[]): boolean {
  return secretMatcher(secrets).contains(content);
}
