import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDiff } from '../../scripts/diff';
import {
  diffPermissions,
  permissionsOf,
  principalPermissions,
  processedTemplate,
  render,
  securityTable,
  type Template,
} from '../../scripts/lib/iam-diff';

const TAPIR = join(__dirname, '..', '..', 'examples', 'tapir.yaml');
const tapirText = readFileSync(TAPIR, 'utf8');
let dir: string;
let processed: Template;
const cfnMock = mockClient(CloudFormationClient);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'diff-test-'));
  processed = await processedTemplate(tapirText, 'tapir.yaml');
  writeFileSync(join(dir, 'tapir.json'), JSON.stringify(processed, null, 2));
  // the same service with IamStage '*': every ARN and condition that named the dev stage now matches any stage
  writeFileSync(
    join(dir, 'wide.yaml'),
    tapirText.replace('      Stage: !Ref Stage\n', "      Stage: !Ref Stage\n      IamStage: '*'\n"),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => cfnMock.reset());

async function diff(argv: string[], cfn?: CloudFormationClient) {
  const chunks: string[] = [];
  const code = await runDiff(argv, { out: (t) => chunks.push(t), ...(cfn ? { cfn } : {}) });
  return { code, out: chunks.join('\n') };
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The statement of a managed policy of the processed template with this Sid. */
function statement(t: Template, sid: string): { Sid: string; Action: string | string[]; Resource: unknown } {
  for (const r of Object.values(t.Resources ?? {})) {
    if (r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const s = (
      r.Properties?.PolicyDocument as { Statement: { Sid: string; Action: string | string[]; Resource: unknown }[] }
    ).Statement.find((x) => x.Sid === sid);
    if (s) return s;
  }
  throw new Error(`no statement ${sid}`);
}

describe('serverless-access diff', () => {
  test('identical permissions: the YAML with the transform (expanded first) against its processed JSON exits 0', async () => {
    const { code, out } = await diff([TAPIR, join(dir, 'tapir.json')]);
    expect(code).toBe(0);
    expect(out).toContain('No IAM group, role or user gains or loses a permission.');
    expect(out).toContain('No IAM permission changed: exit 0.');
  });

  test('a widened stage: every group and the Lambda role lose the dev ARNs and gain the wildcard ones, exit 1', async () => {
    const { code, out } = await diff([TAPIR, join(dir, 'wide.yaml')]);
    expect(code).toBe(1);
    // the cdk-diff security table shows the Lambda role's statement change
    expect(out).toMatch(/IAM Statement Changes/);
    expect(out).toMatch(/\+ │ arn:\*:logs:us-east-1:123456789012:log-group:\/aws\/lambda\/sls-tapir-\*-\*:\*/);
    expect(out).toMatch(/- │ arn:\*:logs:us-east-1:123456789012:log-group:\/aws\/lambda\/sls-tapir-dev-\*:\*/);
    // the per-principal list covers the groups too (their policies are attached through ManagedPolicyArns)
    for (const group of ['admin', 'developer', 'ci'])
      expect(out).toMatch(
        new RegExp(
          `group cf-tapir-dev-${group} \\(TapirAccess${group[0].toUpperCase()}${group.slice(1)}Group\\): \\d+ gained, \\d+ lost`,
        ),
      );
    expect(out).toMatch(/role cf-tapir-dev-lambda-execution \(TapirAccessLambdaRole\): 2 gained, 2 lost/);
    expect(out).toContain('      on arn:*:cloudformation:us-east-1:123456789012:stack/sls-tapir-*/*');
    expect(out).toContain('      on arn:*:cloudformation:us-east-1:123456789012:stack/sls-tapir-dev/*');
    expect(out).toContain('IAM permissions changed');
    // the same change in the terms of `explain`: the developer's stack updates leave its own stage
    expect(out).toMatch(
      /\+ group cf-tapir-dev-developer: cloudformation update, account-wide \([^)]*CloudformationStackUpdate/,
    );
    expect(out).toMatch(
      /- group cf-tapir-dev-developer: cloudformation update, own stage \([^)]*CloudformationStackUpdate/,
    );

    const wide = await processedTemplate(readFileSync(join(dir, 'wide.yaml'), 'utf8'), 'wide');
    const diffs = diffPermissions(processed, wide);
    const dev = diffs.find((d) => d.id === 'TapirAccessDeveloperGroup')!;
    expect(
      dev.gained.some(
        (p) =>
          p.action === 'cloudformation:UpdateStack' &&
          p.resource === 'arn:*:cloudformation:us-east-1:123456789012:stack/sls-tapir-*/*',
      ),
    ).toBe(true);
    expect(
      dev.lost.some(
        (p) =>
          p.action === 'cloudformation:UpdateStack' &&
          p.resource === 'arn:*:cloudformation:us-east-1:123456789012:stack/sls-tapir-dev/*',
      ),
    ).toBe(true);
    expect(securityTable(processed, wide).changed).toBe(true);
  });

  test('a removed action: only the principals whose policy held it lose it, nothing is gained', async () => {
    const edited = clone(processed);
    // from the Lambda role's policy (attached through ManagedPolicy.Roles)
    const logs = statement(edited, 'LambdaRoleLogs');
    logs.Action = (logs.Action as string[]).filter((a) => a !== 'logs:PutLogEvents');
    // from a policy the three groups share (attached through Group.ManagedPolicyArns)
    const read = statement(edited, 'ApigatewayApiSettings');
    read.Action = (read.Action as string[]).filter((a) => a !== 'apigateway:UpdateRestApiPolicy');
    writeFileSync(join(dir, 'removed.json'), JSON.stringify(edited));

    const { code, out } = await diff([join(dir, 'tapir.json'), join(dir, 'removed.json')]);
    expect(code).toBe(1);
    const diffs = diffPermissions(processed, edited);
    expect(diffs.map((d) => d.id).sort()).toEqual([
      'TapirAccessAdminGroup',
      'TapirAccessCiGroup',
      'TapirAccessDeveloperGroup',
      'TapirAccessLambdaRole',
    ]);
    for (const d of diffs) expect(d.gained).toEqual([]);
    const role = diffs.find((d) => d.id === 'TapirAccessLambdaRole')!;
    expect(role.lost).toEqual([
      {
        effect: 'Allow',
        action: 'logs:PutLogEvents',
        resource: 'arn:*:logs:us-east-1:123456789012:log-group:/aws/lambda/sls-tapir-dev-*:*',
        sid: 'LambdaRoleLogs',
      },
    ]);
    const ci = diffs.find((d) => d.id === 'TapirAccessCiGroup')!;
    expect(ci.lost.map((p) => `${p.action} ${p.resource}`)).toEqual([
      'apigateway:UpdateRestApiPolicy arn:*:apigateway:us-east-1::/apikeys/*',
      'apigateway:UpdateRestApiPolicy arn:*:apigateway:us-east-1::/apis/*',
      'apigateway:UpdateRestApiPolicy arn:*:apigateway:us-east-1::/restapis/*',
      'apigateway:UpdateRestApiPolicy arn:*:apigateway:us-east-1::/usageplans/*',
    ]);
    expect(out).toMatch(/role cf-tapir-dev-lambda-execution \(TapirAccessLambdaRole\): 0 gained, 1 lost/);
    expect(out).toContain(
      '  - logs:PutLogEvents\n      on arn:*:logs:us-east-1:123456789012:log-group:/aws/lambda/sls-tapir-dev-*:*',
    );
    expect(out).toContain(
      '  - apigateway:UpdateRestApiPolicy\n      on arn:*:apigateway:us-east-1::/apikeys/*\n      on arn:*:apigateway:us-east-1::/apis/*\n      on arn:*:apigateway:us-east-1::/restapis/*\n      on arn:*:apigateway:us-east-1::/usageplans/*\n      if {ForAnyValue:StringEquals: {aws:CalledVia: cloudformation.amazonaws.com}, StringLike: {aws:ResourceTag/aws:cloudformation:stack-name: sls-tapir-dev}}',
    );
  });

  test('--deployed STACK compares with the processed template of the deployed stack', async () => {
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(processed) });
    const cfn = new CloudFormationClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const same = await diff(['--deployed', 'tapir-access', TAPIR], cfn);
    expect(same.code).toBe(0);
    expect(cfnMock.commandCalls(GetTemplateCommand)[0].args[0].input).toEqual({
      StackName: 'tapir-access',
      TemplateStage: 'Processed',
    });
    expect(same.out).toContain('IAM changes from deployed stack tapir-access to');
    const wider = await diff(['--deployed', 'tapir-access', join(dir, 'wide.yaml')], cfn);
    expect(wider.code).toBe(1);
  });

  test('wrong arguments or unreadable inputs exit 2', async () => {
    expect((await diff([TAPIR])).code).toBe(2);
    expect((await diff(['--deployed', 'x'])).code).toBe(2);
    expect((await diff([TAPIR, join(dir, 'missing.json')])).code).toBe(2);
    jest.spyOn(console, 'error').mockImplementation(() => undefined); // the handler logs the macro error
    writeFileSync(join(dir, 'bad.yaml'), tapirText.replace('ServiceName: tapir', 'ServiceName: 9tapir'));
    const bad = await diff([TAPIR, join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/the macro failed/);
    jest.restoreAllMocks();
  });
});

describe('permission model', () => {
  const template: Template = {
    Resources: {
      Team: {
        Type: 'AWS::IAM::Group',
        Properties: {
          GroupName: { 'Fn::Sub': 'team-${Stage}' },
          ManagedPolicyArns: [{ Ref: 'Shared' }, 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
          Policies: [
            {
              PolicyName: 'inline',
              PolicyDocument: { Statement: [{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }] },
            },
          ],
        },
      },
      Fn: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      Shared: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          Groups: [{ Ref: 'Team' }],
          Roles: ['custom-role'],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: ['s3:GetObject'],
                Resource: { 'Fn::Sub': ['arn:${AWS::Partition}:s3:::${B}/*', { B: { Ref: 'Bucket' } }] },
              },
            ],
          },
        },
      },
      Extra: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'x',
          Roles: [{ Ref: 'Fn' }],
          PolicyDocument: {
            Statement: {
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': ['Q', 'Arn'] },
              Condition: { Bool: { 'aws:SecureTransport': 'true' } },
            },
          },
        },
      },
    },
  };

  test('follows ManagedPolicyArns Refs, ManagedPolicy Groups/Roles (by Ref or by name), inline Policies and AWS::IAM::Policy', () => {
    const p = principalPermissions(template);
    const team = p.get('Team')!;
    expect(team.name).toBe('team-${Stage}');
    expect([...team.permissions.keys()].sort()).toEqual([
      'Allow s3:GetObject arn:${AWS::Partition}:s3:::${Bucket}/*',
      'Deny NOT iam:* *',
    ]);
    expect([...team.attachedArns]).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect([...p.get('role:custom-role')!.permissions.keys()]).toEqual([
      'Allow s3:GetObject arn:${AWS::Partition}:s3:::${Bucket}/*',
    ]);
    expect([...p.get('Fn')!.permissions.keys()]).toEqual([
      'Allow sqs:SendMessage ${Q.Arn} if {Bool: {aws:SecureTransport: true}}',
    ]);
  });

  test('an attachment change alone is a change', () => {
    const after = clone(template);
    (after.Resources!.Team.Properties!.ManagedPolicyArns as unknown[]).pop();
    const d = diffPermissions(template, after);
    expect(d).toEqual([
      expect.objectContaining({
        id: 'Team',
        attachedLost: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        gained: [],
        lost: [],
      }),
    ]);
  });

  test('render and permissionsOf', () => {
    expect(render({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::b']] })).toBe(
      'arn:${AWS::Partition}:s3:::b',
    );
    expect(permissionsOf({ Statement: [{ Effect: 'Allow', Action: ['a:B', 'a:C'], NotResource: 'x' }] })).toEqual([
      { effect: 'Allow', action: 'a:B', resource: 'NOT x' },
      { effect: 'Allow', action: 'a:C', resource: 'NOT x' },
    ]);
  });
});
