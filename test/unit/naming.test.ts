/**
 * Every name the macro derives (functions/core/naming.ts): IAM group, policy and role names, logical ids,
 * export names, and the `{Token}` values catalog patterns are filled with.
 */
import { parseAccess, type AccessConfig } from '../../functions/core/config';
import { generatedBucketNamePattern, v4SharedBucketNamePattern } from '../../functions/core/deployment-bucket';
import { fill, sidOf } from '../../functions/core/iam/render';
import {
  arnTokens,
  deploymentBucketName,
  exportName,
  groupName,
  lambdaPolicyName,
  lambdaRoleName,
  logicalIds,
  pascal,
  policyName,
} from '../../functions/core/naming';

function config(properties: Record<string, unknown>, logicalId = 'TapirAccess'): AccessConfig {
  return parseAccess(
    logicalId,
    { Type: 'Formidable::Serverless::Access', Properties: properties },
    { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} },
    [],
  );
}

/** IAM's wildcard match of a whole string (`*` any run, `?` one character). */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(value);
}

describe('defaults the names derive from', () => {
  test("IamRegion defaults to the service's Region; * only when chosen", () => {
    expect(config({ ServiceName: 'tapir', Region: 'eu-west-1' }).iamRegion).toBe('eu-west-1');
    expect(config({ ServiceName: 'tapir', Region: 'eu-west-1', IamRegion: '*' }).iamRegion).toBe('*');
  });

  test('ServiceName alone: stage development, prefix cf-<service>, framework service sls-<service>', () => {
    const c = config({ ServiceName: 'tapir' });
    expect(c).toMatchObject({
      stage: 'development',
      iamStage: 'development',
      resourcePrefix: 'cf-tapir',
      slsServiceName: 'sls-tapir',
      stackName: 'sls-tapir-development',
      deploymentPrefix: 'serverless',
      iamPartition: '*',
      iamRegion: 'us-east-1',
      iamAccountId: '123456789012',
      region: 'us-east-1',
      roleNames: { admin: 'admin', developer: 'developer', ci: 'ci' },
    });
  });

  test('the stack name follows SlsServiceName and IamStage, not Stage', () => {
    expect(config({ ServiceName: 'tapir', Stage: 'preview', IamStage: 'pr-*' }).stackName).toBe('sls-tapir-pr-*');
    expect(config({ ServiceName: 'tapir', Stage: 'dev', SlsServiceName: 'tapir-api' }).stackName).toBe('tapir-api-dev');
    expect(config({ ServiceName: 'tapir', Stage: 'dev', StackName: 'custom' }).stackName).toBe('custom');
  });

  test('a numeric IamAccountId (an unquoted YAML number, leading zeros lost) is refused with the fix', () => {
    expect(() => config({ ServiceName: 'tapir', IamAccountId: 12345678901 })).toThrow(
      /IamAccountId' should be a quoted string/,
    );
  });
});

describe('IAM names', () => {
  const c = config({ ServiceName: 'tapir', Stage: 'dev' });

  test.each([
    ['admin', 'cf-tapir-dev-admin'],
    ['developer', 'cf-tapir-dev-developer'],
    ['ci', 'cf-tapir-dev-ci'],
  ] as const)('group of %s is %s', (role, name) => {
    expect(groupName(c, role)).toBe(name);
  });

  test('groups follow ResourcePrefix, Stage and the role names', () => {
    const custom = config({
      ServiceName: 'tapir',
      Stage: 'prod',
      ResourcePrefix: 'acme',
      RoleAdminName: 'owners',
      RoleDeveloperName: 'engineers',
      RoleCiName: 'pipeline',
    });
    expect([groupName(custom, 'admin'), groupName(custom, 'developer'), groupName(custom, 'ci')]).toEqual([
      'acme-prod-owners',
      'acme-prod-engineers',
      'acme-prod-pipeline',
    ]);
  });

  test('group names use Stage, never the IamStage wildcard', () => {
    expect(groupName(config({ ServiceName: 'tapir', Stage: 'preview', IamStage: 'pr-*' }), 'ci')).toBe(
      'cf-tapir-preview-ci',
    );
  });

  test('a policy alone in its audience has no number; several are numbered from 1', () => {
    expect(policyName(c, 'shared', 0, 1)).toBe('cf-tapir-dev-shared');
    expect(policyName(c, 'shared', 0, 3)).toBe('cf-tapir-dev-shared-1');
    expect(policyName(c, 'admin', 1, 2)).toBe('cf-tapir-dev-admin-2');
    expect(policyName(c, 'developer-ci', 0, 2)).toBe('cf-tapir-dev-developer-ci-1');
  });

  test('the execution role and its policy', () => {
    expect(lambdaRoleName(c)).toBe('cf-tapir-dev-lambda-execution');
    expect(lambdaPolicyName(c)).toBe('cf-tapir-dev-lambda-execution');
    const custom = config({ ServiceName: 'tapir', Stage: 'dev', LambdaRoleName: 'tapir-runtime' });
    expect(lambdaRoleName(custom)).toBe('tapir-runtime');
    expect(lambdaPolicyName(custom)).toBe('cf-tapir-dev-lambda-execution');
  });

  test('the long names of fixture 10 fit IAM (groups, policies 128; role 64)', () => {
    const long = config({
      ServiceName: 'analytics-pipeline-processor',
      SlsServiceName: 'analytics-pipeline-processor',
      Stage: 'development',
    });
    expect(groupName(long, 'developer')).toBe('cf-analytics-pipeline-processor-development-developer');
    expect(lambdaRoleName(long)).toBe('cf-analytics-pipeline-processor-development-lambda-execution');
    expect(lambdaRoleName(long).length).toBeLessThanOrEqual(64);
    expect(policyName(long, 'developer-ci', 9, 10).length).toBeLessThanOrEqual(128);
    expect(long.stackName).toBe('analytics-pipeline-processor-development');
    expect(long.stackName).toHaveLength(40);
  });
});

describe('logical ids and exports', () => {
  test('every expanded logical id starts with the Access logical id', () => {
    expect(logicalIds.group('TapirAccess', 'admin')).toBe('TapirAccessAdminGroup');
    expect(logicalIds.group('TapirAccess', 'ci')).toBe('TapirAccessCiGroup');
    expect(logicalIds.policy('TapirAccess', 'shared', 0)).toBe('TapirAccessSharedPolicy1');
    expect(logicalIds.policy('TapirAccess', 'developer-ci', 1)).toBe('TapirAccessDeveloperCiPolicy2');
    expect(logicalIds.lambdaRole('TapirAccess')).toBe('TapirAccessLambdaRole');
    expect(logicalIds.lambdaPolicy('TapirAccess')).toBe('TapirAccessLambdaPolicy');
    expect(logicalIds.deploymentBucket('TapirAccess')).toBe('TapirAccessDeploymentBucket');
  });

  test('logical ids are alphanumeric, as CloudFormation requires', () => {
    const ids = [
      logicalIds.group('A1', 'developer'),
      logicalIds.policy('A1', 'developer-ci', 4),
      logicalIds.lambdaRole('A1'),
      logicalIds.lambdaPolicy('A1'),
      logicalIds.deploymentBucket('A1'),
    ];
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]+$/);
  });

  test('export names carry the stack name, so two stacks never clash', () => {
    expect(exportName('TapirAccess', 'AdminGroupName')).toEqual({
      'Fn::Sub': '${AWS::StackName}-TapirAccess-AdminGroupName',
    });
  });

  test('pascal upper-cases the first letter only', () => {
    expect(pascal('developer')).toBe('Developer');
    expect(pascal('ci')).toBe('Ci');
    expect(pascal('')).toBe('');
  });

  test.each([
    ['cloudformation.stack-update', 'CloudformationStackUpdate'],
    ['lambda-role.logs', 'LambdaRoleLogs'],
    ['s3.v4-shared-bucket-ensure', 'S3V4SharedBucketEnsure'],
  ])('the Sid of %s is %s', (id, sid) => {
    expect(sidOf(id)).toBe(sid);
  });
});

describe('tokens', () => {
  test('literal tokens of a default Access resource', () => {
    const t = arnTokens(config({ ServiceName: 'tapir', Stage: 'dev', ResolveDeploymentBucket: false }));
    expect(t).toMatchObject({
      Partition: '*',
      Region: 'us-east-1',
      Account: '123456789012',
      ServiceRegion: 'us-east-1',
      Service: 'sls-tapir',
      Stage: 'dev',
      StackName: 'sls-tapir-dev',
      StackNameHead: 'sls-tapir-dev',
      ArtifactPrefix: 'serverless/sls-tapir/dev',
      LambdaRole: 'cf-tapir-dev-lambda-execution',
    });
  });

  test('IamPartition, IamRegion, IamAccountId and IamStage fill the ARN segments', () => {
    const t = arnTokens(
      config({
        ServiceName: 'tapir',
        Stage: 'prod',
        IamPartition: 'aws-cn',
        IamRegion: 'cn-north-1',
        IamAccountId: '210987654321',
        IamStage: 'prod-*',
      }),
    );
    expect(t).toMatchObject({
      Partition: 'aws-cn',
      Region: 'cn-north-1',
      Account: '210987654321',
      Stage: 'prod-*',
      ArtifactPrefix: 'serverless/sls-tapir/prod-*',
    });
  });

  test('StackNameHead is the stack name cut at 24 characters', () => {
    expect(
      arnTokens(
        config({
          ServiceName: 'analytics-pipeline-processor',
          SlsServiceName: 'analytics-pipeline-processor',
          Stage: 'development',
        }),
      ).StackNameHead,
    ).toBe('analytics-pipeline-proce');
    expect(arnTokens(config({ ServiceName: 'tapir', StackName: 'a'.repeat(24) })).StackNameHead).toBe('a'.repeat(24));
  });

  test("GeneratedNameHeads: CloudFormation's 24- and 25-character cuts of a long stack, the whole name of a short one", () => {
    expect(
      arnTokens(
        config({
          ServiceName: 'hippo',
          SlsServiceName: 'hippopotamus-migration-orchestrator',
          Stage: 'performance-testing',
        }),
      ).GeneratedNameHeads,
    ).toEqual(['hippopotamus-migration-o', 'hippopotamus-migration-or']);
    expect(arnTokens(config({ ServiceName: 'tapir', Stage: 'dev' })).GeneratedNameHeads).toEqual(['sls-tapir-dev']);
    // A cut that ends on a hyphen drops it (the pattern adds its own).
    expect(arnTokens(config({ ServiceName: 'xy', StackName: `${'a'.repeat(23)}-bcdef` })).GeneratedNameHeads).toEqual([
      'a'.repeat(23),
      `${'a'.repeat(23)}-b`,
    ]);
  });

  test("the deployment bucket: the resolver's BucketArn when resolving, else a literal ARN", () => {
    const resolving = arnTokens(config({ ServiceName: 'tapir', Stage: 'dev' }));
    expect(resolving.DeploymentBucketArn).toEqual({
      expression: { 'Fn::GetAtt': ['TapirAccessDeploymentBucket', 'BucketArn'] },
      maxLength: expect.any(Number),
    });
    const custom = arnTokens(
      config({ ServiceName: 'tapir', Stage: 'dev', IamPartition: 'aws', DeploymentBucket: 'acme-deployments' }),
    );
    expect(custom.DeploymentBucketArn).toBe('arn:aws:s3:::acme-deployments');
  });

  test('the longest bucket ARN is budgeted: the longest partition and a 63-character name', () => {
    const t = arnTokens(config({ ServiceName: 'tapir' }));
    const v = t.DeploymentBucketArn as { maxLength: number };
    expect(v.maxLength).toBeGreaterThanOrEqual('arn:aws-iso-b:s3:::'.length + 63);
  });

  test('deploymentBucketName per mode', () => {
    expect(
      deploymentBucketName(
        config({ ServiceName: 'tapir', Stage: 'dev', DeploymentBucket: { Name: 'acme-deployments' } }),
      ),
    ).toBe('acme-deployments');
    expect(
      deploymentBucketName(
        config({ ServiceName: 'tapir', Stage: 'dev', Region: 'eu-central-1', DeploymentBucket: { Shared: true } }),
      ),
    ).toBe(v4SharedBucketNamePattern('eu-central-1'));
    expect(deploymentBucketName(config({ ServiceName: 'tapir', Stage: 'dev' }))).toBe(
      generatedBucketNamePattern('sls-tapir-dev'),
    );
    expect(deploymentBucketName(config({ ServiceName: 'tapir', Stage: 'dev' }))).toBe(
      'sls-tapir-dev-serverlessdeploymentbuck*',
    );
  });

  test('fill: literal tokens give a string, an expression token alone gives the expression', () => {
    const tokens = arnTokens(config({ ServiceName: 'tapir', Stage: 'dev', IamPartition: 'aws' }));
    expect(fill('arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-*', tokens)).toEqual({
      value: 'arn:aws:lambda:us-east-1:123456789012:function:sls-tapir-dev-*',
      maxLength: 'arn:aws:lambda:us-east-1:123456789012:function:sls-tapir-dev-*'.length,
    });
    expect(fill('{DeploymentBucketArn}', tokens).value).toEqual({
      'Fn::GetAtt': ['TapirAccessDeploymentBucket', 'BucketArn'],
    });
  });

  test('fill: an expression token inside text gives an Fn::Sub, with a literal ${ (an IAM policy variable) escaped', () => {
    const tokens = arnTokens(config({ ServiceName: 'tapir', Stage: 'dev' }));
    const { value, maxLength } = fill('{DeploymentBucketArn}/{ArtifactPrefix}/${aws:username}/*', tokens);
    expect(value).toEqual({
      'Fn::Sub': [
        '${DeploymentBucketArn}/serverless/sls-tapir/dev/${!aws:username}/*',
        { DeploymentBucketArn: { 'Fn::GetAtt': ['TapirAccessDeploymentBucket', 'BucketArn'] } },
      ],
    });
    expect(maxLength).toBe(
      (tokens.DeploymentBucketArn as { maxLength: number }).maxLength +
        '/serverless/sls-tapir/dev/${aws:username}/*'.length,
    );
  });

  test('fill: an unknown token is a programming error, not a silent empty string', () => {
    expect(() => fill('arn:{Nope}', arnTokens(config({ ServiceName: 'tapir' })))).toThrow(/unknown token \{Nope\}/);
  });

  test('stage isolation: the trailing dash keeps stage dev from matching stage development', () => {
    const dev = arnTokens(config({ ServiceName: 'tapir', Stage: 'dev' }));
    const pattern = fill('arn:aws:lambda:us-east-1:{Account}:function:{Service}-{Stage}-*', dev).value as string;
    expect(globMatches(pattern, 'arn:aws:lambda:us-east-1:123456789012:function:sls-tapir-dev-hello')).toBe(true);
    expect(globMatches(pattern, 'arn:aws:lambda:us-east-1:123456789012:function:sls-tapir-development-hello')).toBe(
      false,
    );
    const artifacts = fill('{ArtifactPrefix}/*', dev).value as string;
    expect(globMatches(artifacts, 'serverless/sls-tapir/dev/1700000000000-2024-01-01/compiled.json')).toBe(true);
    expect(globMatches(artifacts, 'serverless/sls-tapir/development/1700000000000-2024-01-01/compiled.json')).toBe(
      false,
    );
  });
});
