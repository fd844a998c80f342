/** The bench's measuring functions, run once with tiny inputs: well-formed rows, no wall-clock assertion. */
import {
  accessTemplate,
  checks,
  measureBundles,
  measureProcessing,
  measureQuotas,
  mostPlainAccess,
  policyChars,
  report,
  worstCase,
} from '../../scripts/bench';
import { join } from 'node:path';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

test('processing rows: one per size, positive times, ratios >= 1', async () => {
  const rows = await measureProcessing([1, 2], { minMs: 0, minRuns: 1, warmup: 0 });
  expect(rows.map((r) => r.resources)).toEqual([1, 2]);
  for (const r of rows) {
    for (const v of [r.floorMs, r.transformMs, r.handlerMs, r.perResourceMs]) expect(v).toBeGreaterThan(0);
    expect(r.handlerRatio).toBeGreaterThanOrEqual(1);
    expect(r.outputBytes).toBeGreaterThan(r.inputBytes);
  }
  expect(Object.keys(accessTemplate(3).Resources as object)).toHaveLength(3);
});

test('the largest default size is the most plain Access one template may hold: it expands, one more is refused', async () => {
  const most = await mostPlainAccess();
  expect(most).toBeGreaterThan(10);
  const rows = await measureProcessing([most], { minMs: 0, minRuns: 1, warmup: 0, trials: 1 });
  expect(rows.map((r) => r.resources)).toEqual([most]);
  await expect(measureProcessing([most + 1], { minMs: 0, minRuns: 1, warmup: 0, trials: 1 })).rejects.toThrow(
    /the macro failed on/,
  );
});

test('bundles: each function built, sized and started once', async () => {
  const rows = await measureBundles(1);
  expect(rows.map((r) => r.fn).sort()).toEqual(['bucket-resolver', 'macro']);
  for (const r of rows) {
    expect(r.bytes).toBeGreaterThan(1000);
    expect(r.coldMs).toBeGreaterThan(0);
    expect(r.baselineMs).toBeGreaterThan(0);
  }
  expect(rows.find((r) => r.fn === 'macro')?.mode).toBe('answers one event');
});

test('IAM quota rows for the examples, and the verdict table', async () => {
  const quotas = await measureQuotas(EXAMPLES);
  expect(quotas.length).toBeGreaterThan(0);
  for (const q of quotas) {
    expect(q.example).toMatch(/\.ya?ml$|\.json$/);
    expect(['group', 'role']).toContain(q.kind);
    expect(q.policyCount).toBeGreaterThanOrEqual(0);
    if (q.policy === '(none)') expect(q.policyCount).toBe(0);
    else expect(q.chars).toBeGreaterThan(0);
  }
  expect(quotas.some((q) => q.kind === 'group') && quotas.some((q) => q.kind === 'role')).toBe(true);
  const all = checks(
    [
      {
        resources: 100,
        inputBytes: 1,
        outputBytes: 2,
        floorMs: 1,
        transformMs: 1,
        handlerMs: 1,
        transformRatio: 2,
        handlerRatio: 2,
        perResourceMs: 0.01,
      },
    ],
    [],
    quotas,
  );
  expect(all[0]).toMatchObject({ pass: true, value: '2.00x' });
  const text = report([], [], quotas, all);
  expect(text).toMatch(/## IAM quotas per group and role/);
  expect(text).toMatch(/\| PASS/);
});

test('policy characters count unresolved values at their longest, without whitespace', () => {
  expect(policyChars({ A: 'b c' })).toBe('{"A":"bc"}'.length);
  expect(
    worstCase({ 'Fn::Sub': ['arn:${AWS::Partition}:s3:::${B}', { B: { 'Fn::GetAtt': ['Bucket', 'Arn'] } }] }, {}),
  ).toBe(`arn:aws-iso-b:s3:::arn:aws-iso-b:s3:::${'b'.repeat(63)}`);
  expect(worstCase({ Ref: 'Stage' }, { Stage: 'dev' })).toBe('dev');
});

test('footprint rows: every example and tapir.yaml twice, with the TemplateBody verdict', async () => {
  const { measureFootprint, TWO_PLAIN } = await import('../../scripts/bench');
  const rows = await measureFootprint(EXAMPLES);
  const two = rows.find((r) => r.example === TWO_PLAIN)!;
  const one = rows.find((r) => r.example === 'tapir.yaml')!;
  expect(two.access).toBe(2);
  expect(two.resources).toBe(2 * one.resources);
  expect(two.bytes).toBeGreaterThan(one.bytes);
  const verdict = checks([], [], [], rows).find((c) => c.target.startsWith('two plain Access'))!;
  expect(verdict.pass).toBe(two.bytes <= 1_000_000);
  const single = checks([], [], [], rows).find((c) => c.target.startsWith('one plain Access'))!;
  expect(single.pass).toBe(one.bytes <= 51_200);
});

test('processing trials: each size measured interleaved in every trial; the verdicts use the medians and the spread', async () => {
  const { linearity, spread } = await import('../../scripts/bench');
  const rows = await measureProcessing([1, 3], { minMs: 0, minRuns: 2, warmup: 0, trials: 3 });
  for (const r of rows) {
    expect(r.handlerRatioTrials?.trials).toBe(3);
    expect(r.perResourceTrials).toHaveLength(3);
    expect(r.handlerRatio).toBe(r.handlerRatioTrials?.median);
  }
  expect(spread([1, 2, 3, 4, 100])).toEqual({ median: 3, iqr: 2, min: 1, max: 100, trials: 5 });
  const row = (n: number, perResource: number[]) => ({
    resources: n,
    inputBytes: 1,
    outputBytes: 1,
    floorMs: 1,
    transformMs: 1,
    handlerMs: 1,
    transformRatio: 2,
    handlerRatio: 2,
    perResourceMs: 1,
    perResourceTrials: perResource,
  });
  // a median 0.1 over the target, inside half the IQR: noise; 0.5 over with a tight spread: a FAIL
  expect(linearity(row(10, [1, 1, 1, 1]), row(100, [1.2, 1.4, 1.8, 2.0])).median).toBeCloseTo(1.6);
  const verdict = (ten: number[], big: number[]) =>
    checks([row(10, ten), row(100, big)], [], []).find((c) => c.target.startsWith('linear'))!.pass;
  expect(verdict([1, 1, 1, 1], [1.2, 1.4, 1.8, 2.0])).toBe(true);
  expect(verdict([1, 1, 1, 1], [1.95, 2.0, 2.0, 2.05])).toBe(false);
});
