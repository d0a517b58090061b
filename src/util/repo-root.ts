import * as fs from 'node:fs';
import * as path from 'node:path';
import { SetupError } from './errors';

/**
 * Finds the repository root by walking up from `start` to the package.json named
 * vk-audience-study, so the same code works from dist/, a private build folder
 * (.build/<name>/) or a notebook kernel whose cwd is notebooks/.
 */
export function findRepoRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'vk-audience-study') return dir;
      } catch {
        // an unreadable package.json is not ours: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new SetupError(
        `cannot find the vk-audience-study repository root above ${start}: run from inside the repository.`,
      );
    }
    dir = parent;
  }
}
