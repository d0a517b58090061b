/** Helpers shared by the fit engineer's tests (diagnostics, summary, fit). */
import * as fs from 'fs';
import * as path from 'path';

/** The repository root, found from the compiled test's location (dist/ or .build/<name>/). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test', 'fixtures')))
      return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`repoRoot: no package.json above ${__dirname}`);
    dir = up;
  }
}
