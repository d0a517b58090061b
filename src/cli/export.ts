/**
 * `npm run export -- --snapshot DIR [--snapshot DIR ...] --format parquet|csv [--out PATH]`:
 * the entry point; the command itself is the export stage's (src/export/cli.ts).
 */
import { main } from '../export/cli';

if (require.main === module)
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
