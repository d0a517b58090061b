/**
 * Keeping the VK token out of everything the report runner prints or publishes. The token
 * reaches the kernels (notebook 01 needs it), so a careless cell could print it: the runner
 * redacts it from messages and refuses to publish a page that contains it.
 */
import { envText, type Env } from '../util/env';

/** Secret values from the environment worth searching for (very short values would match by chance). */
export function secretValues(env: Env): string[] {
  const token = envText(env, 'VK_TOKEN');
  return token && token.length >= 8 ? [token] : [];
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[VK_TOKEN redacted]');
  return out;
}

/** True when `content` holds a secret as is, or JSON-escaped / URL-encoded as a page might hold it. */
export function containsSecret(content: string, secrets: readonly string[]): boolean {
  return secrets.some(
    (s) =>
      content.includes(s) ||
      content.includes(encodeURIComponent(s)) ||
      content.includes(JSON.stringify(s).slice(1, -1)),
  );
}
