/**
 * serverless-access explain: the matrix (service x what x scope) of each group and role, as Markdown and as one
 * self-contained HTML page rendered in a real headless Chromium (scripts/lib/chromium.ts).
 */
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_CATALOG } from '../../functions/catalog';
import { BOUNDARY_CATALOG, BOUNDARY_MERGED } from '../../functions/core/boundary';
import { sidOf } from '../../functions/core/iam/render';
import { htmlPage, markdown, runExplain } from '../../scripts/explain';
import { dumpDom } from '../../scripts/lib/chromium';
import { processedTemplate } from '../../scripts/lib/iam-diff';
import {
  catalogBySid,
  permissionMatrix,
  scopeOf,
  whatOf,
  type PrincipalMatrix,
} from '../../scripts/lib/permission-matrix';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
let dir: string;
let matrix: PrincipalMatrix[];
let processed: Awaited<ReturnType<typeof processedTemplate>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'explain-test-'));
  processed = await processedTemplate(readFileSync(join(EXAMPLES, 'tapir.yaml'), 'utf8'), 'tapir.yaml');
  matrix = permissionMatrix(processed);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = () => {
  let out = '';
  let err = '';
  return {
    io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t) },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
};

describe('classification', () => {
  test.each([
    ['iam:PassRole', 'pass role'],
    ['iam:CreateRole', 'IAM'],
    ['iam:GetRole', 'read'],
    ['lambda:AddPermission', 'IAM'],
    ['lambda:GetFunction', 'read'],
    ['lambda:UpdateFunctionCode', 'update'],
    ['lambda:CreateFunction', 'create/delete'],
    ['cloudformation:DeleteStack', 'create/delete'],
    ['apigateway:GET', 'read'],
    ['apigateway:PATCH', 'update'],
    ['apigateway:POST', 'create/delete'],
    ['s3:PutBucketPolicy', 'IAM'],
    ['logs:FilterLogEvents', 'read'],
  ])('%s is %s', (action, what) => expect(whatOf(action)).toBe(what));

  test('scope: own names, a resource of the template, the stack only, account-wide', () => {
    const names = [/(^|[/:])sls-tapir-dev([-/:]|$)/];
    const ids = new Set(['TapirAccessDeploymentBucket']);
    expect(scopeOf({ resource: 'arn:*:lambda:*:1:function:sls-tapir-dev-*' }, names, ids)).toBe('own stage');
    expect(scopeOf({ resource: 'arn:*:lambda:*:1:function:sls-tapir-development-*' }, names, ids)).toBe('account-wide');
    expect(scopeOf({ resource: '${TapirAccessDeploymentBucket.BucketArn}/x' }, names, ids)).toBe('own stage');
    expect(
      scopeOf(
        { resource: '*', condition: '{StringLike: {lambda:FunctionArn: arn:*:lambda:*:1:function:sls-tapir-dev-*}}' },
        names,
        ids,
      ),
    ).toBe('own stage');
    expect(
      scopeOf(
        {
          resource: 'arn:*:sqs:*:1:*',
          condition: '{ForAnyValue:StringEquals: {aws:CalledVia: cloudformation.amazonaws.com}}',
        },
        names,
        ids,
      ),
    ).toBe('via the stack only');
    expect(scopeOf({ resource: '*' }, names, ids)).toBe('account-wide');
  });
});

describe('the matrix of examples/tapir.yaml', () => {
  test('three groups, the execution role and its boundary; developer and ci create, delete and change no IAM', () => {
    expect(matrix.map((p) => `${p.kind} ${p.name}`)).toEqual([
      'group cf-tapir-dev-admin',
      'group cf-tapir-dev-ci',
      'group cf-tapir-dev-developer',
      'role cf-tapir-dev-lambda-execution',
      'boundary cf-tapir-dev-boundary',
    ]);
    expect(matrix.find((m) => m.kind === 'boundary')?.boundaryOf).toEqual(['role cf-tapir-dev-lambda-execution']);
    for (const name of ['cf-tapir-dev-developer', 'cf-tapir-dev-ci']) {
      const p = matrix.find((m) => m.name === name)!;
      expect(p.rows.get('iam')?.get('IAM')).toBeUndefined();
      expect(
        p.rows
          .get('cloudformation')
          ?.get('create/delete')
          ?.statements.map((s) => s.sid),
      ).not.toContain('CloudformationStackLifecycle');
      expect(
        p.rows
          .get('lambda')
          ?.get('create/delete')
          ?.statements.map((s) => s.sid) ?? [],
      ).not.toContain('LambdaFunctionLifecycle');
    }
    const admin = matrix.find((m) => m.name === 'cf-tapir-dev-admin')!;
    expect(admin.rows.get('cloudformation')?.get('create/delete')).toMatchObject({ scope: 'own stage' });
  });

  test('every statement in the template appears in a cell with its catalog reason; every account-wide statement has one', () => {
    const reasons = new Map(
      [...CORE_CATALOG, ...BOUNDARY_CATALOG, ...BOUNDARY_MERGED].map((e) => [sidOf(e.id), e.reason]),
    );
    const sids = new Set<string>();
    for (const r of Object.values(processed.Resources ?? {}))
      for (const s of (r.Properties?.PolicyDocument as { Statement?: { Sid: string }[] })?.Statement ?? [])
        sids.add(s.Sid);
    const shown = new Map<string, { reason?: string; scope: string }>();
    for (const p of matrix)
      for (const row of p.rows.values())
        for (const cell of row.values()) for (const s of cell.statements) shown.set(s.sid, s);
    expect([...sids].sort()).toEqual([...shown.keys()].sort());
    for (const [sid, s] of shown) expect({ sid, reason: s.reason }).toEqual({ sid, reason: reasons.get(sid) });
  });

  test('Deny statements mark the cells of the principals that carry them, without widening their scope', () => {
    const denies = CORE_CATALOG.filter((e) => e.effect === 'Deny');
    expect(denies.length).toBeGreaterThan(0);
    for (const p of matrix.filter((m) => m.kind === 'group')) {
      const cell = p.rows.get('lambda')?.get('IAM');
      expect(cell?.denied).toContain('lambda:AddPermission');
      expect(cell?.statements.find((s) => s.sid === 'LambdaCustomResourceFunctionsTriggers')).toMatchObject({
        effect: 'Deny',
        id: 'lambda.custom-resource-functions-triggers',
      });
    }
    // the execution role carries no Deny; the boundary only its one on invoking the custom-resource functions
    for (const p of matrix.filter((m) => m.kind !== 'group'))
      for (const [service, row] of p.rows)
        for (const cell of row.values())
          expect(cell.denied).toEqual(
            service === 'lambda' && cell.statements.some((s) => s.id === 'boundary.custom-resource-functions-invoke')
              ? expect.arrayContaining(['lambda:InvokeFunction'])
              : [],
          );
    const text = markdown(matrix, 'tapir.yaml');
    expect(text).toMatch(/^\| lambda \| .*⊘ denied<br>.*`LambdaCustomResourceFunctionsDirect`/m);
    expect(text).toContain(
      '| `LambdaCustomResourceFunctionsTriggers` | `lambda.custom-resource-functions-triggers` | ⊘ denied (own stage) |',
    );
  });

  test('Markdown: a table per principal with the five columns, and the statements with reasons', () => {
    const text = markdown(matrix, 'tapir.yaml');
    expect(text.match(/^\| service \| read \| update \| create\/delete \| IAM \| pass role \|$/gm)).toHaveLength(5);
    expect(text).toMatch(/^\| lambda \| .*account-wide.*\| .*own stage/m);
    expect(text).toContain(
      '## boundary cf-tapir-dev-boundary\n\nPermissions boundary: the ceiling of every role of the service (carried by role cf-tapir-dev-lambda-execution).',
    );
    // the merged statement lists every service's ARNs: each action counts against its own service's only (dynamodb
    // is the stage's tables), while its ec2 network-interface ARNs span the account
    const boundary = text.slice(text.indexOf('## boundary'));
    expect(boundary).toMatch(/^\| dynamodb \| ● own stage<br>`BoundaryOwnResources` \|/m);
    expect(boundary).toMatch(/^\| ec2 \| .*\| ○ account-wide<br>`BoundaryOwnResources` \|/m);
    expect(boundary).toMatch(
      /\| `BoundaryOwnResources` \| `boundary.own-resources` \| ○ account-wide \| The union of the boundary\.\* entries/,
    );
    expect(text).toContain('| `CloudformationStackLifecycle` | `cloudformation.stack-lifecycle` | ● own stage |');
  });
});

describe('the HTML page in headless Chromium', () => {
  test('self-contained, one table per principal, cells coloured by scope, no horizontal overflow, reasons reachable', () => {
    const page = htmlPage(matrix, 'tapir.yaml');
    expect(page).not.toMatch(/<(script|link|img|iframe)\b|\bsrc=|url\(/i);
    const probe = `<script>
      const cells = [...document.querySelectorAll('td[data-scope]')];
      const colour = (scope) => [...new Set(cells.filter((c) => c.dataset.scope === scope).map((c) => getComputedStyle(c).backgroundColor))];
      const links = [...document.querySelectorAll('td a')];
      const out = {
        tables: document.querySelectorAll('table.matrix').length,
        headings: [...document.querySelectorAll('section h2')].map((h) => h.textContent),
        columns: [...document.querySelectorAll('table.matrix')[0].querySelectorAll('thead th')].map((t) => t.textContent),
        own: colour('own stage'), stack: colour('via the stack only'), account: colour('account-wide'),
        overflow: document.documentElement.scrollWidth > window.innerWidth,
        brokenLinks: links.filter((a) => !document.getElementById(decodeURIComponent(a.hash.slice(1)))).length,
        links: links.length,
        titled: cells.filter((c) => c.title.includes(': ')).length, cellCount: cells.length,
        resources: performance.getEntriesByType('resource').length,
        denied: document.querySelectorAll('td[data-denied]').length,
        deniedTitled: [...document.querySelectorAll('td[data-denied]')].filter((c) => c.title.includes('(Deny): ')).length,
      };
      const pre = document.createElement('pre');
      pre.id = 'probe-' + 'result';
      pre.textContent = JSON.stringify(out);
      document.body.appendChild(pre);
    </script>`;
    const file = join(dir, 'explain.html');
    writeFileSync(file, page.replace('</body>', `${probe}</body>`));
    const dom = dumpDom(file, 1280, 1000);
    const json = /<pre id="probe-result">(.*?)<\/pre>/s.exec(dom)?.[1];
    expect(json).toBeDefined();
    const r = JSON.parse(json!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Record<
      string,
      unknown
    >;
    expect(r.tables).toBe(5);
    expect(r.headings).toEqual([
      'group cf-tapir-dev-admin',
      'group cf-tapir-dev-ci',
      'group cf-tapir-dev-developer',
      'role cf-tapir-dev-lambda-execution',
      'boundary cf-tapir-dev-boundary',
    ]);
    expect(r.denied).toBeGreaterThan(0);
    expect(r.deniedTitled).toBe(r.denied);
    expect(r.columns).toEqual(['service', 'read', 'update', 'create/delete', 'IAM', 'pass role']);
    // one colour per scope, three different colours
    // (a scope may be absent: since queues, streams and HTTP APIs are scoped by name or stack tag, the example may hold
    // no write that is only "via the stack" or account-wide; each scope present has its own colour)
    expect(r.own).toHaveLength(1);
    for (const k of ['stack', 'account']) expect((r[k] as string[]).length).toBeLessThanOrEqual(1);
    const colours = [r.own, r.stack, r.account].flat();
    expect(new Set(colours).size).toBe(colours.length);
    expect(r.overflow).toBe(false);
    expect(r.links).toBeGreaterThan(50);
    expect(r.brokenLinks).toBe(0);
    expect(r.titled).toBe(r.cellCount);
    expect(r.resources).toBe(0);
  });
});

describe('the command', () => {
  test('TEMPLATE to Markdown on stdout; --out FILE.html writes the page', async () => {
    const a = io();
    expect(await runExplain([join(EXAMPLES, 'xray.yaml')], { io: a.io })).toBe(0);
    // a submodule's statements get their reasons too
    expect(a.out).toMatch(/\| `XrayReadTraces` \| `xray.read-traces` \| ○ account-wide \| .+ \|/);
    const out = join(dir, 'x.html');
    expect(await runExplain([join(EXAMPLES, 'tapir.yaml'), '--out', out], { io: io().io })).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
  });

  test('--deployed STACK reads the processed template', async () => {
    const cfnMock = mockClient(CloudFormationClient);
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(processed) });
    const a = io();
    expect(
      await runExplain(['--deployed', 'tapir-access', '--region', 'us-east-1'], {
        cfn: new CloudFormationClient({ region: 'us-east-1' }),
        io: a.io,
      }),
    ).toBe(0);
    expect(cfnMock.commandCalls(GetTemplateCommand)[0].args[0].input).toEqual({
      StackName: 'tapir-access',
      TemplateStage: 'Processed',
    });
    expect(a.out).toContain('# Permissions of deployed stack tapir-access');
    expect(a.out).toContain('## group cf-tapir-dev-developer');
    cfnMock.restore();
  });

  test('bad arguments: exit 2 with the usage', async () => {
    const a = io();
    expect(await runExplain([], { io: a.io })).toBe(2);
    expect(a.err).toMatch(/give one TEMPLATE, or --deployed STACK\nusage: serverless-access explain/);
  });

  test('unknown Sids say so instead of inventing a reason', () => {
    const m = permissionMatrix(
      {
        Resources: {
          R: {
            Type: 'AWS::IAM::Role',
            Properties: {
              RoleName: 'r',
              Policies: [
                {
                  PolicyDocument: {
                    Statement: [{ Sid: 'Mine', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
                  },
                },
              ],
            },
          },
        },
      },
      catalogBySid(),
    );
    expect(markdown(m, 'x')).toContain('| `Mine` | - | ○ account-wide | (not in the catalog) |');
  });
});
