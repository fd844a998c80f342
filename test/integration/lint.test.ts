/**
 * serverless-access lint: the registry schema, the macro and the real cfn-lint (Python, on PATH), each finding
 * mapped back to the Access resource, property and statement that caused it; exit codes like cfn-lint's.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attribute, collapse, exitCodeOf, mapFinding, runLint } from '../../scripts/lint';
import { expandText } from '../../scripts/expand';
import { MACRO_NAMES } from '../../scripts/lib/harness';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lint-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lint(text: string, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  let out = '';
  let err = '';
  const code = await runLint([file, ...extra], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: FormidableServerless\n";

test('the examples lint clean (parameters the Access resource reads are not "unused")', async () => {
  for (const f of ['tapir.yaml', 'kitchen-sink.yaml']) {
    const r = await lint(readFileSync(join(EXAMPLES, f), 'utf8'));
    expect({ f, code: r.code, out: r.out }).toEqual({ f, code: 0, out: expect.stringMatching(/no findings/) });
  }
});

test('schema errors name the resource and property; the macro agrees; exit 2', async () => {
  const r = await lint(
    `${HEAD}Resources:\n  AppAccess:\n    Type: Formidable::Serverless::Access\n    Properties:\n      ServiceNam: tapir\n      Canary: {ServiceRole: mine}\n`,
  );
  expect(r.code).toBe(2);
  expect(r.out).toContain('SA-SCHEMA Error: AppAccess.ServiceName: ServiceName is required');
  expect(r.out).toContain('SA-SCHEMA Error: AppAccess.ServiceNam: ServiceNam is not a property of the schema');
  expect(r.out).toMatch(/SA-SCHEMA Error: AppAccess\.Canary/);
  expect(r.out).toMatch(/SA-MACRO Error: AppAccess: Invalid Formidable::Serverless::Access document/);
});

test('a cfn-lint finding on the expansion names the Access resource (and the attribute copied onto it), once', async () => {
  const r = await lint(
    `${HEAD}Resources:\n  AppAccess:\n    Type: Formidable::Serverless::Access\n    Condition: IsProd\n    Properties: {ServiceName: tapir, Stage: dev}\n`,
  );
  expect(r.code).toBe(2);
  expect(r.out).toMatch(
    /^E3015 Error: AppAccess\.Condition: 'IsProd' is not one of \[\]\n {2}at Resources\.AppAccess\w+\.Condition \(and \d+ more places of the expansion\)$/m,
  );
  // one line per distinct finding, not one per expanded resource
  expect(r.out.match(/^E3015/gm)).toHaveLength(1);
});

test("a finding outside the expansion is the template's own; warnings alone exit 4", async () => {
  const r = await lint(
    `${HEAD}Parameters:\n  Unused: {Type: String}\nResources:\n  AppAccess:\n    Type: Formidable::Serverless::Access\n    Properties: {ServiceName: tapir}\n`,
  );
  expect(r.code).toBe(4);
  expect(r.out).toContain('W2001 Warning: (the template itself): Parameter Unused not used.');
});

test('a finding inside a policy statement names its Sid and catalog id, and the submodule property that added it', async () => {
  const text = readFileSync(join(EXAMPLES, 'xray.yaml'), 'utf8') as string;
  const original = parseTemplate(text) as Parameters<typeof attribute>[0];
  const opts = { region: 'us-east-1', accountId: '123456789012', parameters: {}, macroNames: [...MACRO_NAMES] };
  const processed = (await expandText(text, opts)).template as Parameters<typeof attribute>[1];
  const attribution = await attribute(
    original,
    processed,
    async (t) => (await expandText(JSON.stringify(t), opts)).template as Parameters<typeof attribute>[1],
  );
  const [id, policy] = Object.entries(processed.Resources!).find(([, r]) =>
    JSON.stringify(r).includes('XrayReadTraces'),
  )!;
  const statements = (policy.Properties as { PolicyDocument: { Statement: { Sid: string }[] } }).PolicyDocument
    .Statement;
  const xray = statements.findIndex((s) => s.Sid === 'XrayReadTraces');
  const core = statements.findIndex((s) => s.Sid !== 'XrayReadTraces' && !s.Sid.startsWith('Xray'));
  const access = Object.keys(original.Resources!)[0];
  const f = (i: number) =>
    mapFinding(
      {
        Level: 'Warning',
        Rule: 'W3037',
        Message: 'x',
        Path: ['Resources', id, 'Properties', 'PolicyDocument', 'Statement', i, 'Action'],
      },
      processed,
      attribution,
    );
  expect(f(xray)).toMatchObject({ access, property: 'Xray', statement: { sid: 'XrayReadTraces' } });
  expect(f(core)).toMatchObject({ access, statement: { sid: statements[core].Sid, id: expect.stringMatching(/\./) } });
  expect(f(core).property).toBeUndefined();
  expect(exitCodeOf([f(core)])).toBe(4);
  expect(collapse([f(core), f(core)])).toEqual([{ ...f(core), count: 2 }]);
});

test('cfn-lint missing: exit 32 with what to install', async () => {
  const r = await lint(
    `${HEAD}Resources:\n  AppAccess:\n    Type: Formidable::Serverless::Access\n    Properties: {ServiceName: tapir}\n`,
    ['--cfn-lint', '/nonexistent/cfn-lint'],
  );
  expect(r.code).toBe(32);
  expect(r.err).toMatch(/cannot run \/nonexistent\/cfn-lint .*pip install cfn-lint/);
});
