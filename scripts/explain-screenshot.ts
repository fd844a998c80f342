/** npm run docs:explain: docs/explain.png, the README's picture of `serverless-access explain examples/tapir.yaml --format html`, taken with headless Chromium. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { screenshot } from './lib/chromium';
import { runExplain } from './explain';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  try {
    const page = join(dir, 'explain.html');
    const code = await runExplain(['examples/tapir.yaml', '--format', 'html', '--out', page]);
    if (code !== 0) throw new Error(`explain exited ${code}`);
    screenshot(page, resolve('docs/explain.png'), 1280, 900);
    writeFileSync(join(dir, '.done'), '');
    console.log('wrote docs/explain.png');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
