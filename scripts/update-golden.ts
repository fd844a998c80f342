/**
 * npm run golden:update
 * Rewrites test/golden/output/<feature>.json from test/golden/input/<feature>.yaml by running the macro's own
 * Lambda handler through scripts/lib/harness.ts (region us-east-1, account 123456789012, the template's parameter defaults). Inputs named
 * `error_*.yaml` must fail: their output holds the errorMessage and, for readable diffs, its errors one per line.
 * test/golden/golden.test.ts calls `renderGolden` the same way and compares byte for byte; review the diff.
 */
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readTemplate, runMacro } from './lib/harness';

export const GOLDEN_DIR = join(__dirname, '..', 'test', 'golden');
export const INPUT_DIR = join(GOLDEN_DIR, 'input');
export const OUTPUT_DIR = join(GOLDEN_DIR, 'output');
export const GOLDEN_REGION = 'us-east-1';
export const GOLDEN_ACCOUNT_ID = '123456789012';

/** The feature names of the golden pairs, from the input folder, sorted. */
export function goldenFeatures(): string[] {
  return readdirSync(INPUT_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

export function isErrorCase(feature: string): boolean {
  return feature.startsWith('error_');
}

/** Splits "Invalid ... Number of errors found: N. Resource with id [A] ... Resource with id [B] ..." per error. */
export function splitErrors(message: string): string[] {
  const parts = message.split(/ (?=Resource with id \[)/);
  return parts.length > 1 ? parts.slice(1) : [];
}

/** What test/golden/output/<feature>.json must hold, exactly (pretty JSON, trailing newline). */
export async function renderGolden(feature: string): Promise<string> {
  const { response, template } = await runMacro(readTemplate(join(INPUT_DIR, `${feature}.yaml`)), {
    region: GOLDEN_REGION,
    accountId: GOLDEN_ACCOUNT_ID,
    requestId: `golden-${feature}`,
  });
  let body: unknown;
  if (isErrorCase(feature)) {
    if (response.status !== 'failure' || response.errorMessage === undefined) {
      throw new Error(`${feature}.yaml is an error case (error_*) but the macro accepted it`);
    }
    body = { errorMessage: response.errorMessage, errors: splitErrors(response.errorMessage) };
  } else {
    if (response.status !== 'success') {
      throw new Error(
        `${feature}.yaml failed: ${response.errorMessage}\n(name it error_*.yaml if it is meant to fail)`,
      );
    }
    body = template;
  }
  return `${JSON.stringify(body, null, 2)}\n`;
}

async function main() {
  const features = goldenFeatures();
  const wanted = new Set(features.map((f) => `${f}.json`));
  let changed = 0;
  for (const feature of features) {
    const out = join(OUTPUT_DIR, `${feature}.json`);
    const text = await renderGolden(feature);
    let old: string | undefined;
    try {
      old = readFileSync(out, 'utf8');
    } catch {
      old = undefined;
    }
    if (old !== text) {
      writeFileSync(out, text);
      changed++;
      process.stdout.write(`${old === undefined ? 'created' : 'updated'} test/golden/output/${feature}.json\n`);
    }
  }
  for (const f of readdirSync(OUTPUT_DIR)) {
    if (f.endsWith('.json') && !wanted.has(f)) {
      unlinkSync(join(OUTPUT_DIR, f));
      changed++;
      process.stdout.write(`deleted test/golden/output/${f} (no input)\n`);
    }
  }
  process.stdout.write(
    `${features.length} golden pairs, ${changed} file(s) changed; review with git diff test/golden/output\n`,
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
