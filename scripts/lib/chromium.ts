/**
 * A real headless browser for the tests: Chromium from Debian (`apt-get install -y chromium`; .ci/run installs
 * it when absent). $CHROMIUM names another executable. No browser is a test failure with this message, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export function findChromium(): string {
  if (process.env.CHROMIUM) {
    if (!existsSync(process.env.CHROMIUM)) throw new Error(`CHROMIUM=${process.env.CHROMIUM} does not exist`);
    return process.env.CHROMIUM;
  }
  for (const name of CANDIDATES) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error(
    `no headless browser found (tried ${CANDIDATES.join(', ')} on PATH, and $CHROMIUM): install Chromium with \`apt-get update && apt-get install -y chromium\` (.ci/run does this), or set CHROMIUM=/path/to/chrome`,
  );
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--hide-scrollbars',
  '--allow-file-access-from-files',
];

/** The DOM after the page's scripts ran. */
export function dumpDom(file: string, width = 1280, height = 1600): string {
  const r = spawnSync(
    findChromium(),
    [...FLAGS, `--window-size=${width},${height}`, '--virtual-time-budget=1000', '--dump-dom', `file://${file}`],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`chromium --dump-dom failed (status ${r.status}): ${r.stderr}`);
  return r.stdout;
}

export function screenshot(file: string, png: string, width = 1280, height = 1000): void {
  const r = spawnSync(
    findChromium(),
    [...FLAGS, `--window-size=${width},${height}`, `--screenshot=${png}`, `file://${file}`],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0 || !existsSync(png))
    throw new Error(`chromium --screenshot failed (status ${r.status}): ${r.stderr}`);
}
