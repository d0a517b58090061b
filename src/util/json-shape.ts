/** Shape checks for JSON from outside (VK answers, manifests, checkpoints, CSV-typed cells). */

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
