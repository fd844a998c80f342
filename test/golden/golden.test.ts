/**
 * Golden pairs, in the style of aws-sam-translator's tests/translator: test/golden/input/<feature>.yaml runs
 * through the macro's Lambda handler and must give test/golden/output/<feature>.json byte for byte.
 * `error_*.yaml` inputs must fail; their output holds the errorMessage. Adding a pair adds a test.
 * After an intended change: `npm run golden:update`, then review `git diff test/golden/output`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenFeatures, INPUT_DIR, isErrorCase, OUTPUT_DIR, renderGolden } from '../../scripts/update-golden';

const HINT = 'Run `npm run golden:update` and review the diff (git diff test/golden/output) before committing it.';

/** The first line where two texts differ, shown with its neighbours, so a failure says where to look. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (lines: string[]) =>
    lines
      .slice(Math.max(0, i - 2), i + 3)
      .map((l, k) => `  ${Math.max(0, i - 2) + k + 1}: ${l}`)
      .join('\n');
  return `first difference at line ${i + 1}\n--- committed output\n${show(a)}\n+++ macro now gives\n${show(b)}`;
}

const features = goldenFeatures();

beforeAll(() => {
  // The handler logs each failure for CloudWatch; the error cases would fill the test output with it.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());

describe('golden pairs', () => {
  test('the folder holds pairs: every input has an output and every output an input', () => {
    const outputs = readdirSync(OUTPUT_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    const missing = features.filter((f) => !outputs.includes(f));
    const orphans = outputs.filter((f) => !features.includes(f));
    if (missing.length || orphans.length) {
      throw new Error(
        `missing outputs: [${missing.join(', ')}]; outputs without input: [${orphans.join(', ')}]. ${HINT}`,
      );
    }
    expect(features.length).toBeGreaterThan(0);
  });

  test.each(features)('%s', async (feature) => {
    const outputFile = join(OUTPUT_DIR, `${feature}.json`);
    if (!existsSync(outputFile)) throw new Error(`test/golden/output/${feature}.json does not exist. ${HINT}`);
    const committed = readFileSync(outputFile, 'utf8');
    const actual = await renderGolden(feature);
    if (actual !== committed) {
      throw new Error(
        `test/golden/output/${feature}.json is out of date: ${firstDifference(committed, actual)}\n${HINT}`,
      );
    }
    const parsed = JSON.parse(committed) as Record<string, unknown>;
    if (isErrorCase(feature)) {
      expect(typeof parsed.errorMessage).toBe('string');
      expect(parsed).not.toHaveProperty('Resources');
    } else {
      expect(parsed).not.toHaveProperty('errorMessage');
      const types = Object.values(parsed.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types).not.toContain('Formidable::Serverless::Access');
    }
  });

  test('inputs are YAML files named <feature>.yaml or error_<case>.yaml', () => {
    for (const f of readdirSync(INPUT_DIR)) expect(f).toMatch(/^(error_)?[a-z0-9]+(-[a-z0-9]+)*\.yaml$/);
  });
});
