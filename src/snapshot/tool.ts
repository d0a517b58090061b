/**
 * Name and version of this tool for manifests, read from the project's package.json
 * (found by walking up from this file, so it works from dist/ and from .build/<x>/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: { name: string; version: string } | undefined;

export function toolInfo(): { name: string; version: string } {
  if (cached) return cached;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'vk-audience-study' && typeof pkg.version === 'string') {
          cached = { name: pkg.name, version: pkg.version };
          return cached;
        }
      } catch {
        // not ours; keep walking up
      }
    }
    dir = path.dirname(dir);
  }
  cached = { name: 'vk-audience-study', version: 'unknown' };
  return cached;
}
