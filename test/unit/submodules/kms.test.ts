import { kmsAliasName, kmsKey } from '../../../functions/submodules/kms';
import { configFor, expandProperties, fillTokens, fragmentOf, optionsOf, parse } from './helpers';
import { entryProblems, escalationProblems } from '../../support/catalog-checker';

describe('Kms: parse', () => {
  test('true: all three groups may use it, 30-day deletion window, yearly rotation', () => {
    expect(optionsOf(kmsKey, true)).toEqual({
      users: ['admin', 'developer', 'ci'],
      pendingWindowInDays: 30,
      rotationPeriodInDays: 365,
    });
  });

  test('options', () => {
    expect(optionsOf(kmsKey, { Users: ['developer'], PendingWindowInDays: 7, RotationPeriodInDays: '90' })).toEqual({
      users: ['developer'],
      pendingWindowInDays: 7,
      rotationPeriodInDays: 90,
    });
  });

  test.each([
    [
      'a window too short',
      { PendingWindowInDays: 3 },
      ['Kms.PendingWindowInDays should be a whole number from 7 to 30, not 3.'],
    ],
    [
      'a rotation too frequent',
      { RotationPeriodInDays: 30 },
      ['Kms.RotationPeriodInDays should be a whole number from 90 to 2560, not 30.'],
    ],
    ['an unknown group', { Users: ['lambda'] }, ["Kms.Users[0] 'lambda' should be one of admin, developer, ci."]],
    [
      'an unknown option',
      { Alias: 'alias/x' },
      ['Kms.Alias is not an option of Kms; its options are Users, PendingWindowInDays, RotationPeriodInDays.'],
    ],
    ['a number', 1, ['Kms should be true, or a map with Users, PendingWindowInDays and RotationPeriodInDays, not 1.']],
  ])('%s fails naming the path', (_name, value, errors) => {
    const r = parse(kmsKey, value);
    expect(r.options).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });

  test('a service named aws would take a reserved alias', () => {
    const config = configFor({ SlsServiceName: 'aws' });
    expect(parse(kmsKey, true, config).errors).toEqual([
      'Kms would name the alias alias/aws/dev, but alias/aws/ is reserved for AWS managed keys; change SlsServiceName.',
    ]);
  });
});

describe('Kms: entries', () => {
  const config = configFor({ Kms: true });
  const entries = kmsKey.entries(optionsOf(kmsKey, true), config);

  test('ids and audiences', () => {
    expect(entries.map((e) => [e.id, e.roles])).toEqual([
      ['kms.lambda-decrypt', ['lambda']],
      ['kms.key-read', ['admin']],
      ['kms.parameters-read', ['admin', 'developer', 'ci']],
      ['kms.environment-variables', ['admin', 'developer', 'ci']],
    ]);
  });

  test.each(entries.map((e) => [e.id, e] as const))('%s holds to the catalog rules', async (_id, e) => {
    expect(await entryProblems(e, config)).toEqual([]);
  });

  test('every key statement is narrowed to the alias of the service and stage', () => {
    for (const e of entries.filter((x) => x.actions[0].startsWith('kms:'))) {
      expect(e.condition?.['ForAnyValue:StringEquals']).toEqual({ 'kms:ResourceAliases': 'alias/sls-tapir/dev' });
    }
  });

  test('developer and ci use the key through Lambda only, and cannot change it', () => {
    const env = entries.find((e) => e.id === 'kms.environment-variables');
    expect(env?.condition?.StringLike).toEqual({ 'kms:ViaService': 'lambda.{Region}.amazonaws.com' });
    expect(fillTokens(env?.condition?.StringLike['kms:ViaService'] as string, config)).toBe(
      'lambda.us-east-1.amazonaws.com',
    );
    const devActions = entries.filter((e) => e.roles.includes('developer')).flatMap((e) => e.actions);
    expect(devActions.filter((a) => a.startsWith('kms:')).sort()).toEqual([
      'kms:CreateGrant',
      'kms:Decrypt',
      'kms:Encrypt',
    ]);
    expect(escalationProblems(entries)).toEqual([]);
  });

  test('Users: [] leaves the groups without key use', () => {
    expect(kmsKey.entries(optionsOf(kmsKey, { Users: [] }), config).map((e) => e.id)).not.toContain(
      'kms.environment-variables',
    );
  });

  test("an IamStage wildcard names the key after the Access resource's Stage", () => {
    expect(kmsAliasName(configFor({ Stage: 'pr', IamStage: 'pr-*' }))).toBe('alias/sls-tapir/pr');
  });
});

describe('Kms: resources', () => {
  test('a rotating key kept on removal, an alias, the ARN as a parameter and an output', async () => {
    const t = fragmentOf(await expandProperties({ Kms: { RotationPeriodInDays: 180 }, Tags: { team: 'platform' } }));
    const key = t.Resources.TapirAccessKmsKey as unknown as {
      DeletionPolicy: string;
      UpdateReplacePolicy: string;
      Properties: Record<string, unknown>;
    };
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.UpdateReplacePolicy).toBe('Retain');
    expect(key.Properties).toMatchObject({
      EnableKeyRotation: true,
      RotationPeriodInDays: 180,
      PendingWindowInDays: 30,
    });
    expect(key.Properties.Tags).toEqual([
      { Key: 'team', Value: 'platform' },
      { Key: 'service', Value: 'tapir' },
      { Key: 'stage', Value: 'dev' },
    ]);
    expect(key.Properties.KeyPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccountAdministersTheKey',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'ExecutionRoleDecrypts',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::GetAtt': ['TapirAccessLambdaRole', 'Arn'] } },
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: '*',
        },
      ],
    });
    expect(t.Resources.TapirAccessKmsKeyAlias.Properties).toEqual({
      AliasName: 'alias/sls-tapir/dev',
      TargetKeyId: { Ref: 'TapirAccessKmsKey' },
    });
    expect(t.Resources.TapirAccessKmsKeyArnParameter.Properties).toMatchObject({
      Name: '/sls-tapir/dev/access/kms-key-arn',
      Value: { 'Fn::GetAtt': ['TapirAccessKmsKey', 'Arn'] },
    });
    expect(t.Outputs?.TapirAccessKmsKeyArn.Value).toEqual({ 'Fn::GetAtt': ['TapirAccessKmsKey', 'Arn'] });
  });

  test('a custom execution role is named in the key policy by its ARN', async () => {
    const t = fragmentOf(await expandProperties({ Kms: true, LambdaRoleName: 'tapir-runtime' }));
    const statement = (
      t.Resources.TapirAccessKmsKey.Properties.KeyPolicy as { Statement: Array<{ Principal: unknown }> }
    ).Statement[1];
    expect(statement.Principal).toEqual({
      AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/tapir-runtime' },
    });
  });
});
