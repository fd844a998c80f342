import type { CatalogEntry } from '../../../functions/catalog/types';
import { handler } from '../../../functions/handlers/macro';
import { expandAccess } from '../../../functions/core/expand-access';
import { sidOf } from '../../../functions/core/iam/render';
import { canary, canaryArns, codeDeployRoleEntries } from '../../../functions/submodules/canary';
import { alarmTopicName } from '../../../functions/submodules/cloudwatch';
import { arnTokens } from '../../../functions/core/naming';
import type { Submodule } from '../../../functions/submodules/types';
import { configFor, expandProperties, fillTokens, fragmentOf, namesServiceAndStage, optionsOf, parse } from './helpers';
import { entryProblems, escalationProblems } from '../../support/catalog-checker';

describe('Canary: parse', () => {
  test('true means the macro-created CodeDeploy role', () => {
    expect(optionsOf(canary, true)).toEqual({
      serviceRole: 'macro',
      roleName: 'cf-tapir-dev-codedeploy',
      permissionsBoundary: undefined,
    });
  });

  test('ServiceRole plugin with a permissions boundary', () => {
    const o = optionsOf(canary, {
      ServiceRole: 'plugin',
      PermissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    });
    expect(o).toMatchObject({
      serviceRole: 'plugin',
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    });
  });

  test.each([
    [
      'an unknown ServiceRole',
      { ServiceRole: 'own' },
      ["Canary.ServiceRole should be one of macro, plugin, not 'own'."],
    ],
    [
      'a boundary with the macro role',
      { PermissionsBoundary: 'arn:aws:iam::123456789012:policy/b' },
      [
        'Canary.PermissionsBoundary applies to ServiceRole: plugin only (the role the macro creates needs none); remove it or set ServiceRole: plugin.',
      ],
    ],
    [
      'a boundary that is no policy ARN',
      { ServiceRole: 'plugin', PermissionsBoundary: 'boundary' },
      [
        'Canary.PermissionsBoundary should be the ARN of a managed policy, as custom.deploymentSettings.codeDeployRolePermissionsBoundary (arn:aws:iam::123456789012:policy/boundary).',
      ],
    ],
    [
      'a misspelt option',
      { Servicerole: 'macro' },
      ["Canary.Servicerole is not an option of Canary; did you mean 'ServiceRole'?"],
    ],
    [
      'a string',
      'yes',
      ["Canary should be true, or a map with ServiceRole (macro or plugin) and PermissionsBoundary, not 'yes'."],
    ],
  ])('%s fails naming the path', (_name, value, errors) => {
    const r = parse(canary, value);
    expect(r.options).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });

  test('a CodeDeploy role name over 64 characters is shortened, and its grants name the shortened role', () => {
    const config = configFor({
      Stage: 'a-very-long-stage-name-for-testing',
      ResourcePrefix: 'an-equally-long-resource-prefix',
    });
    const o = optionsOf(canary, true, config) as { roleName: string };
    expect(o.roleName).toMatch(/^an-equally-long-resource-prefix-a-very-long-[0-9a-f]{8}-codedeploy$/);
    expect(o.roleName.length).toBeLessThanOrEqual(64);
    const roles = canary
      .entries(o as never, config)
      .flatMap((e) => e.resources ?? [])
      .filter((r) => r.includes(':role/'));
    expect(roles.length).toBeGreaterThan(0);
    for (const r of roles) expect(r).toBe(`arn:{Partition}:iam::{Account}:role/${o.roleName}`);
  });
});

describe('Canary: names the plugin generates', () => {
  test('a stack name of up to 24 characters stays whole', () => {
    const a = canaryArns(configFor());
    expect(fillTokens(a.application, configFor())).toBe(
      'arn:aws:codedeploy:us-east-1:123456789012:application:sls-tapir-dev-*',
    );
    expect(fillTokens(a.deploymentGroup, configFor())).toBe(
      'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:sls-tapir-dev-*/sls-tapir-dev-*',
    );
    expect(fillTokens(a.pluginRole, configFor())).toBe(
      'arn:aws:iam::123456789012:role/sls-tapir-dev-CodeDeployServiceRole-*',
    );
  });

  test('a longer stack name is matched by its first 24 characters', () => {
    const config = configFor({ ServiceName: 'analytics-pipeline-processor', Stage: 'development' });
    const a = canaryArns(config);
    expect(fillTokens(a.application, config)).toBe(
      'arn:aws:codedeploy:us-east-1:123456789012:application:sls-analytics-pipeline-p*',
    );
    expect(fillTokens(a.deploymentGroup, config)).toBe(
      'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:sls-analytics-pipeline-p*/sls-analytics-pipeline-processor-development-*',
    );
    expect(fillTokens(a.pluginRole, config)).toBe(
      'arn:aws:iam::123456789012:role/sls-analytics-pipeline-p*CodeDeployServiceRole-*',
    );
  });
});

describe.each([
  ['ServiceRole macro', true],
  ['ServiceRole plugin', { ServiceRole: 'plugin', PermissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary' }],
])('Canary: entries (%s)', (_name, value) => {
  const config = configFor({ Canary: value });
  const entries = canary.entries(optionsOf(canary, value), config);
  const devOrCi = (e: CatalogEntry) => e.roles.includes('developer') || e.roles.includes('ci');

  test.each(entries.map((e) => [e.id, e] as const))('%s holds to the catalog rules', async (_id, e) => {
    expect(await entryProblems(e, config)).toEqual([]);
  });

  test('developer and ci gain no escalation path, with or without ManyLambdas', () => {
    expect(escalationProblems(entries)).toEqual([]);
    const many = configFor({ Canary: value, ManyLambdas: true });
    expect(escalationProblems(canary.entries(optionsOf(canary, value, many), many))).toEqual([]);
  });

  test('iam:PassRole only to codedeploy.amazonaws.com, on the one CodeDeploy role', () => {
    const pass = entries.filter((e) => e.actions.includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(pass[0].condition).toEqual({ StringEquals: { 'iam:PassedToService': 'codedeploy.amazonaws.com' } });
    expect(pass[0].resources).toHaveLength(1);
    expect(fillTokens(pass[0].resources[0], config)).toMatch(
      /role\/(cf-tapir-dev-codedeploy|sls-tapir-dev-CodeDeployServiceRole-\*)$/,
    );
  });

  test("no IAM write reaches developer or ci; IAM writes are admin's and only via CloudFormation", () => {
    const iamWrites = entries.filter((e) =>
      e.actions.some((a) => a.startsWith('iam:') && a !== 'iam:GetRole' && a !== 'iam:PassRole'),
    );
    for (const e of iamWrites) {
      expect(devOrCi(e)).toBe(false);
      expect(e.alsoFor).toBeUndefined();
      expect(e.condition?.['ForAnyValue:StringEquals']).toEqual({ 'aws:CalledVia': 'cloudformation.amazonaws.com' });
    }
  });

  test("every resource names the service and stage (deployment configs are AWS's; '*' only through the stack)", () => {
    for (const e of entries) {
      for (const r of e.resources) {
        const arn = fillTokens(r, config);
        if (arn.includes(':deploymentconfig:CodeDeployDefault.Lambda')) continue;
        if (arn === '*') {
          expect({ id: e.id, condition: e.condition }).toEqual({
            id: e.id,
            condition: { 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } },
          });
          continue;
        }
        expect({ id: e.id, arn, scoped: namesServiceAndStage(arn, config) }).toEqual({ id: e.id, arn, scoped: true });
      }
    }
  });

  test('the hooks report through the execution role', () => {
    const hook = entries.find((e) => e.id === 'canary.lambda-hook-status');
    expect(hook?.roles).toEqual(['lambda']);
    expect(hook?.actions).toEqual(['codedeploy:PutLifecycleEventHookExecutionStatus']);
  });

  test("alarms the service declares may only notify the service's own topics (never another service's, nor EC2 or SSM)", () => {
    const put = entries.find((e) => e.actions.includes('cloudwatch:PutMetricAlarm'));
    expect(put?.condition?.['ForAllValues:ArnLike']).toEqual({
      'cloudwatch:AlarmActions': [
        'arn:{Partition}:sns:{Region}:{Account}:{OwnNamePrefixes}-*',
        'arn:{Partition}:sns:{Region}:{Account}:{TopicNames}',
      ],
    });
  });

  test('writes on existing alarms, applications and groups are refused where their stack tag names another stack (creates cannot overwrite)', () => {
    const tag = 'aws:ResourceTag/aws:cloudformation:stack-name';
    const byAction = (a: string) => entries.find((e) => e.actions.includes(a));
    // IfExists: PutMetricAlarm also creates (no tag yet), and a deploy must not fail where AWS leaves the tag out.
    for (const a of [
      'cloudwatch:DeleteAlarms',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:TagResource',
      'codedeploy:DeleteApplication',
      'codedeploy:UpdateApplication',
      'codedeploy:DeleteDeploymentGroup',
      'codedeploy:CreateDeployment',
      'codedeploy:RegisterApplicationRevision',
    ])
      expect([a, byAction(a)?.condition?.StringLikeIfExists]).toEqual([a, { [tag]: '{StackName}' }]);
    // CreateApplication and CreateDeploymentGroup fail on an existing name: the name pattern is enough.
    for (const a of ['codedeploy:CreateApplication', 'codedeploy:CreateDeploymentGroup'])
      expect([a, byAction(a)?.actions, byAction(a)?.condition?.StringLikeIfExists]).toEqual([a, [a], undefined]);
  });
});

describe('Canary: plugin role statements', () => {
  const value = { ServiceRole: 'plugin', PermissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary' };
  const entries = canary.entries(optionsOf(canary, value), configFor({ Canary: value }));

  test("role creation requires the boundary and the stack; attachments only the plugin's three policies", () => {
    const create = entries.find((e) => e.id === 'canary.plugin-role-create');
    expect(create?.condition).toEqual({
      'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' },
      StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/boundary' },
    });
    const attach = entries.find((e) => e.id === 'canary.plugin-role-policies');
    expect(attach?.condition?.ArnLike).toEqual({
      'iam:PolicyARN': [
        'arn:{Partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited',
        'arn:{Partition}:iam::aws:policy/AWSLambda_FullAccess',
        'arn:{Partition}:iam::aws:policy/AmazonSNSFullAccess',
      ],
    });
  });

  test('no CodeDeploy role is created by the macro then', () => {
    expect(canary.resources?.(optionsOf(canary, value), {} as never)).toEqual({});
  });
});

describe('Canary: the CodeDeploy role the macro creates', () => {
  test("trusted by CodeDeploy only, reaching the service's functions only, tagged, exported", async () => {
    const t = fragmentOf(await expandProperties({ Canary: true, Tags: { team: 'platform' } }));
    const role = t.Resources.TapirAccessCodeDeployRole;
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe('cf-tapir-dev-codedeploy');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'codedeploy.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const statements = (
      role.Properties.Policies as Array<{
        PolicyDocument: { Statement: Array<{ Sid: string; Action: string | string[]; Resource: string | string[] }> };
      }>
    )[0].PolicyDocument.Statement;
    expect(statements.map((s) => s.Sid)).toEqual([
      'CodedeployRoleShiftAlias',
      'CodedeployRoleAlarms',
      'CodedeployRoleTriggers',
    ]);
    expect(statements[0].Resource).toBe('arn:*:lambda:us-east-1:123456789012:function:sls-tapir-dev-*');
    expect(statements[2].Resource).toBe('arn:*:sns:us-east-1:123456789012:sls-tapir-dev-*');
    expect(JSON.stringify(statements)).not.toMatch(/"iam:|"lambda:\*"|"Resource":"\*"/);
    expect(role.Properties.Tags).toEqual([
      { Key: 'team', Value: 'platform' },
      { Key: 'service', Value: 'tapir' },
      { Key: 'stage', Value: 'dev' },
    ]);
    expect(t.Outputs?.TapirAccessCodeDeployRoleArn?.Value).toEqual({
      'Fn::GetAtt': ['TapirAccessCodeDeployRole', 'Arn'],
    });
  });

  test("the Access resource's Condition is carried over to the role and its output", async () => {
    const r = await handler({
      region: 'us-east-1',
      accountId: '123456789012',
      requestId: 't',
      templateParameterValues: {},
      fragment: {
        Conditions: { IsProd: { 'Fn::Equals': ['a', 'a'] } },
        Resources: {
          TapirAccess: {
            Type: 'Formidable::Serverless::Access',
            Condition: 'IsProd',
            Properties: { ServiceName: 'tapir', Canary: true },
          },
        },
      },
    });
    const t = fragmentOf(r) as unknown as {
      Resources: Record<string, { Condition?: string }>;
      Outputs: Record<string, { Condition?: string }>;
    };
    expect(t.Resources.TapirAccessCodeDeployRole.Condition).toBe('IsProd');
    expect(t.Outputs.TapirAccessCodeDeployRoleArn.Condition).toBe('IsProd');
  });
});

describe('Canary: each statement is labelled with the principal that gets it', () => {
  const config = configFor({ Canary: true });

  test("the CodeDeploy role's statements are labelled codedeploy, and are exactly that role's policy", async () => {
    const own = codeDeployRoleEntries(canaryArns(config));
    expect(own.map((e) => [e.id, e.roles])).toEqual([
      ['codedeploy-role.shift-alias', ['codedeploy']],
      ['codedeploy-role.alarms', ['codedeploy']],
      ['codedeploy-role.triggers', ['codedeploy']],
    ]);
    const t = fragmentOf(await expandProperties({ Canary: true }));
    const policies = t.Resources.TapirAccessCodeDeployRole.Properties.Policies as Array<{
      PolicyDocument: { Statement: Array<{ Sid: string }> };
    }>;
    expect(policies[0].PolicyDocument.Statement.map((s) => s.Sid)).toEqual(own.map((e) => sidOf(e.id)));
  });

  test.each(codeDeployRoleEntries(canaryArns(config)).map((e) => [e.id, e] as const))(
    '%s (on the CodeDeploy role) holds to the catalog rules',
    async (_id, e) => {
      expect(await entryProblems(e, config)).toEqual([]);
    },
  );

  test.each([true, { ServiceRole: 'plugin' }])(
    'the entries the expansion places (Canary: %j) are for the groups or the execution role only',
    (value) => {
      const entries = canary.entries(optionsOf(canary, value), configFor({ Canary: value }));
      const principals = new Set(entries.flatMap((e) => [...e.roles, ...(e.alsoFor?.roles ?? [])]));
      expect([...principals].sort()).toEqual(['admin', 'ci', 'developer', 'lambda']);
    },
  );

  test('an entry the expansion cannot place (a submodule-created role) is refused, not dropped', () => {
    const misplaced: Submodule<unknown> = {
      ...(canary as Submodule<unknown>),
      entries: () => [{ ...codeDeployRoleEntries(canaryArns(config))[0] }],
    };
    expect(() =>
      expandAccess(
        config,
        [{ module: misplaced, options: optionsOf(canary, true) }],
        { Type: 'Formidable::Serverless::Access', Properties: { ServiceName: 'tapir', Canary: true } },
        'FormidableServerless',
      ),
    ).toThrow(
      'catalog entry codedeploy-role.shift-alias is for codedeploy, which gets no statement from the expansion',
    );
  });
});

describe('Canary: alarm actions and the Alarms topic', () => {
  const topicsOf = (properties: Record<string, unknown>) =>
    canary
      .entries(optionsOf(canary, true), configFor({ Canary: true, ...properties }))
      .find((e) => e.id === 'canary.stack-alarms-put')?.condition?.['ForAllValues:ArnLike']?.[
      'cloudwatch:AlarmActions'
    ];

  test("the topic the Alarms submodule creates is one of the service's (<service>-<stage>-alarms)", () => {
    const config = configFor({ Canary: true, Alarms: { Functions: [], Topic: { Emails: [] } } });
    expect(arnTokens(config).OwnNamePrefixes).toEqual(['sls-tapir-dev']);
    expect(alarmTopicName(config)).toBe('sls-tapir-dev-alarms');
    expect(topicsOf({ Alarms: { Functions: [], Topic: { Emails: [] } } })).toHaveLength(2);
  });

  test('an existing topic the Alarms submodule notifies (TopicArn) may be an alarm action too', () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:platform-alerts';
    expect(topicsOf({ Alarms: { Functions: [], TopicArn: arn } })).toEqual([
      'arn:{Partition}:sns:{Region}:{Account}:{OwnNamePrefixes}-*',
      'arn:{Partition}:sns:{Region}:{Account}:{TopicNames}',
      arn,
    ]);
  });
});
