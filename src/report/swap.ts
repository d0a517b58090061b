/**
 * Replacing a finished report folder. The new report is built in a sibling temp folder
 * and renamed into place only once complete, so readers see the previous report, or
 * (for the instant between two renames) none — never a half-written one.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A fresh temp folder next to `target` (same filesystem, so rename is atomic). */
export function makeStagingDir(target: string): string {
  const parent = path.dirname(path.resolve(target));
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-tmp-`));
  fs.chmodSync(dir, 0o755); // mkdtemp makes it private; a report folder is meant to be read
  return dir;
}

/** Moves `staging` to `target`, replacing what was there. */
export function swapIntoPlace(staging: string, target: string): void {
  const abs = path.resolve(target);
  let old: string | null = null;
  if (fs.existsSync(abs)) {
    // Hidden sibling name, covered by the .gitignore pattern for staging folders.
    old = path.join(path.dirname(abs), `.${path.basename(abs)}-tmp-old-${process.pid}-${Date.now()}`);
    fs.renameSync(abs, old);
  }
  try {
    fs.renameSync(staging, abs);
  } catch (err) {
    if (old !== null) fs.renameSync(old, abs); // put the previous report back
    throw err;
  }
  if (old !== null) fs.rmSync(old, { recursive: true, force: true });
}
