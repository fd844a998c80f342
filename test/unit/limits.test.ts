/**
 * CloudFormation's limits on the processed template (functions/core/limits.ts): the footprint of a plain
 * Access resource, and the errors that name the Access resources to move to another stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLimits, TEMPLATE_LIMITS } from '../../functions/core/limits';
import { transformTemplate } from '../../functions/core/transform';
import { handler } from '../../functions/handlers/macro';
import { parameterValues, withoutOwnTransform } from '../../scripts/lib/harness';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';

const ACCESS = 'Formidable::Serverless::Access';
const ctx = { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} };
const access = (service: string) => ({ Type: ACCESS, Properties: { ServiceName: service, Stage: 'dev' } });
const many = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`S${String(i).padStart(3, '0')}Access`, access(`svc${i}`)]));

function tapirTwice(): { template: Record<string, unknown>; values: Record<string, unknown> } {
  const t = parseTemplate(readFileSync(join(__dirname, '..', '..', 'examples', 'tapir.yaml'), 'utf8')) as Record<
    string,
    unknown
  > & { Resources: Record<string, { Properties: Record<string, unknown> }> };
  const second = JSON.parse(JSON.stringify(t.Resources.TapirAccess)) as { Properties: Record<string, unknown> };
  second.Properties.ServiceName = 'okapi';
  t.Resources.OkapiAccess = second;
  return { template: withoutOwnTransform(t, ['FormidableServerless']).fragment, values: parameterValues(t, {}) };
}

describe('footprint', () => {
  // Every Access carries its permissions boundary policy (~3.8 KB) and the issue-10 conditions: one plain Access
  // resource is ~33 KB of compact JSON (measured 32,833 bytes), two ~65 KB (65,077): one fits the 51,200 bytes
  // of a TemplateBody, two need the template from S3 (1,000,000 bytes).
  test('one plain Access resource (examples/tapir.yaml) fits the 51,200 bytes of a TemplateBody', () => {
    const { template, values } = tapirTwice();
    delete (template.Resources as Record<string, unknown>).OkapiAccess;
    const out = transformTemplate(template, { ...ctx, templateParameterValues: values });
    expect(
      Object.values(out.Resources as Record<string, { Type: string }>).filter((r) => r.Type === 'AWS::IAM::Group'),
    ).toHaveLength(3);
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(TEMPLATE_LIMITS.bodyBytes);
    expect(JSON.stringify(out)).not.toContain('"Reason"');
  });

  test('two plain Access resources (examples/tapir.yaml twice) fit the 1,000,000 bytes of a template from S3', () => {
    const { template, values } = tapirTwice();
    const out = transformTemplate(template, { ...ctx, templateParameterValues: values });
    expect(
      Object.values(out.Resources as Record<string, { Type: string }>).filter((r) => r.Type === 'AWS::IAM::Group'),
    ).toHaveLength(6);
    const bytes = Buffer.byteLength(JSON.stringify(out));
    expect(bytes).toBeLessThanOrEqual(TEMPLATE_LIMITS.bytes);
    // no per-policy statement list: the Sid is the way back to the catalog
    expect(JSON.stringify(out)).not.toContain('"Reason"');
  });

  test('one plain Access resource adds six outputs (the deployment bucket, three group names, the role ARN and the boundary ARN), 25 of them fit 200 outputs', () => {
    const out = transformTemplate({ Resources: many(25) }, ctx);
    expect(Object.keys(out.Outputs ?? {}).filter((k) => k.startsWith('S000Access'))).toEqual([
      'S000AccessDeploymentBucketArn',
      'S000AccessAdminGroupName',
      'S000AccessDeveloperGroupName',
      'S000AccessCiGroupName',
      'S000AccessBoundaryArn',
      'S000AccessLambdaRoleArn',
    ]);
    expect(Object.keys(out.Outputs ?? {}).length).toBeLessThanOrEqual(TEMPLATE_LIMITS.outputs);
  });

  test('policy ARNs are outputs only when DisableGroups leaves them as the interface', () => {
    const out = transformTemplate(
      { Resources: { AppAccess: { Type: ACCESS, Properties: { ServiceName: 'tapir', DisableGroups: true } } } },
      ctx,
    );
    const keys = Object.keys(out.Outputs ?? {});
    expect(keys.some((k) => /Policy\d+Arn$/.test(k))).toBe(true);
    expect(keys.some((k) => k.endsWith('GroupName'))).toBe(false);
  });
});

describe('limits', () => {
  test('over 500 resources: the macro fails and names the Access resources to move', async () => {
    const fragment = { Resources: many(50) };
    const r = await handler({
      region: 'us-east-1',
      accountId: '123456789012',
      fragment,
      requestId: 'x',
      templateParameterValues: {},
    });
    expect(r.status).toBe('failure');
    expect(r.errorMessage).toMatch(/The processed template has \d+ resources \(CloudFormation allows 500\)/);
    const moved = /Move ([A-Za-z0-9, ]+) to another stack \((\d+) of 50 Access resources/.exec(r.errorMessage ?? '');
    expect(moved).not.toBeNull();
    const ids = moved![1].split(', ');
    expect(ids.length).toBe(Number(moved![2]));
    // after the move the rest fits: check it by transforming what stays
    const rest = Object.fromEntries(Object.entries(fragment.Resources).filter(([id]) => !ids.includes(id)));
    expect(() => transformTemplate({ Resources: rest }, ctx)).not.toThrow();
    const plusOne = Object.fromEntries(Object.entries(fragment.Resources).filter(([id]) => !ids.slice(1).includes(id)));
    expect(() => transformTemplate({ Resources: plusOne }, ctx)).toThrow(
      /The processed template has .*CloudFormation allows/,
    );
  });

  test('over 200 outputs: the template keeps its own, the message names the Access resources', () => {
    const outputs = Object.fromEntries(Array.from({ length: 190 }, (_, i) => [`Own${i}`, { Value: 'x' }]));
    expect(() => transformTemplate({ Resources: many(2), Outputs: outputs }, ctx)).toThrow(
      /202 outputs \(CloudFormation allows 200\)\. Move S000Access to another stack \(1 of 2 Access resources; together \d+ resources, 6 outputs/,
    );
  });

  test('over 1,000,000 bytes', () => {
    const big = {
      Type: 'AWS::SSM::Parameter',
      Properties: { Type: 'String', Value: 'v' },
      Metadata: { Blob: 'x'.repeat(990_000) },
    };
    expect(() => transformTemplate({ Resources: { Big: big, ...many(1) } }, ctx)).toThrow(
      /bytes of JSON \(CloudFormation allows 1000000 from S3\)\. Move S000Access/,
    );
  });

  test('a template over the limit without its Access resources says to split the template itself', () => {
    expect(() =>
      checkLimits({ resources: 600, outputs: 0, bytes: 10 }, [{ logicalId: 'A', resources: 11, outputs: 4, bytes: 5 }]),
    ).toThrow(/split the template itself/);
  });

  test('within every limit: nothing to say', () => {
    expect(() => checkLimits({ resources: 500, outputs: 200, bytes: 1_000_000 }, [])).not.toThrow();
  });
});

describe('the byte count is exact (policy documents are counted from rendering, not serialised again)', () => {
  const withBlob = (n: number, extra: Record<string, unknown>) => ({
    Resources: {
      Big: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Type: 'String', Value: 'v' },
        Metadata: { Blob: 'x'.repeat(n) },
      },
      ...extra,
    },
  });
  test.each([
    ['plain', { S0Access: access('tapir') }],
    [
      'submodules and lists',
      {
        K: {
          Type: ACCESS,
          Properties: {
            ServiceName: 'koala',
            Stage: 'prod',
            Xray: true,
            Kms: true,
            FunctionNames: ['custom-fn'],
            LayerNames: ['shared'],
            Secrets: { Names: ['db'] },
          },
        },
      },
    ],
    [
      'condition and a custom role',
      {
        C: {
          Type: ACCESS,
          Condition: 'On',
          Properties: { ServiceName: 'wombat', LambdaRoleName: 'custom-role', DeploymentBucket: 'my-bucket' },
        },
      },
    ],
  ])('%s: 1,000,000 bytes pass, 1,000,001 fail', (_name, extra) => {
    const probe = transformTemplate(withBlob(10, extra), ctx);
    const base = Buffer.byteLength(JSON.stringify(probe)) - 10;
    const fill = TEMPLATE_LIMITS.bytes - base;
    const exact = transformTemplate(withBlob(fill, extra), ctx);
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(TEMPLATE_LIMITS.bytes);
    expect(() => transformTemplate(withBlob(fill + 1, extra), ctx)).toThrow(/1000001 bytes of JSON/);
  });
});
