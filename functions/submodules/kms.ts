/**
 * `Kms: true | {Users, PendingWindowInDays, RotationPeriodInDays}`: a customer managed key per service and
 * stage, with rotation on and the alias `alias/<service>/<stage>`.
 *
 * The key policy delegates to IAM in the account (the root principal statement, so the account's
 * administrators manage the key with their IAM permissions) and lets the service's execution role decrypt.
 * Every grant to a group or the execution role names the key by its alias (`kms:ResourceAliases`), since the
 * key id is known only once the key exists. The groups in Users may use the key for their own functions'
 * environment variables and nothing else: only through Lambda (`kms:ViaService`), which encrypts them and
 * creates the grant the function decrypts with (`provider.kmsKeyArn`).
 */
import { SAR, type CatalogEntry, type GroupRole } from '../catalog/types';
import type { AccessConfig } from '../core/config';
import { fitName } from '../core/naming';
import {
  ALL_GROUPS,
  integer,
  LOGICAL,
  lambdaRoleArn,
  namedStage,
  optionsOf,
  parameterArn,
  roleList,
  ssmParameter,
  tagList,
  type Fail,
} from './common';
import type { CfnResource, ExpansionContext, Submodule, SubmoduleOutput } from './types';

export interface KmsOptions {
  /** Groups that may use the key for their functions' environment variables (default all three). */
  readonly users: readonly GroupRole[];
  readonly pendingWindowInDays: number;
  readonly rotationPeriodInDays: number;
}

const kms = `${SAR}list_awskeymanagementservice.html`;
const ssm = `${SAR}list_awssystemsmanager.html`;
const KEYS = 'arn:{Partition}:kms:{Region}:{Account}:key/*';

export function kmsAliasName(config: AccessConfig): string {
  return fitName('kms-alias', `alias/${config.slsServiceName}/${namedStage(config)}`);
}

/** The condition that narrows `key/*` to the service's key: the key its alias points at. */
export function byAlias(config: AccessConfig): Record<string, Record<string, string>> {
  return { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': kmsAliasName(config) } };
}

export const kmsKey: Submodule<KmsOptions> = {
  property: 'Kms',
  schema: {
    description:
      'A customer managed KMS key for the service (alias/<service>-<stage>). true, or {Users, PendingWindowInDays, RotationPeriodInDays}.',
    oneOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          Users: {
            ...{ type: 'array', items: { enum: ['admin', 'developer', 'ci'] }, uniqueItems: true },
            description: 'Groups that may use the key (default all three).',
          },
          PendingWindowInDays: {
            type: 'integer',
            minimum: 7,
            maximum: 30,
            default: 30,
            description: 'Waiting period before deletion.',
          },
          RotationPeriodInDays: {
            type: 'integer',
            minimum: 90,
            maximum: 2560,
            default: 365,
            description: 'Automatic rotation period.',
          },
        },
      },
    ],
  },

  parse(value: unknown, fail: Fail, config: AccessConfig): KmsOptions | undefined {
    const o = optionsOf(
      value,
      'Kms',
      ['Users', 'PendingWindowInDays', 'RotationPeriodInDays'],
      fail,
      'true, or a map with Users, PendingWindowInDays and RotationPeriodInDays',
    );
    if (!o) return undefined;
    const users = o.Users === undefined ? [...ALL_GROUPS] : roleList(o.Users, 'Kms.Users', fail);
    const pendingWindowInDays =
      o.PendingWindowInDays === undefined ? 30 : integer(o.PendingWindowInDays, 'Kms.PendingWindowInDays', fail, 7, 30);
    const rotationPeriodInDays =
      o.RotationPeriodInDays === undefined
        ? 365
        : integer(o.RotationPeriodInDays, 'Kms.RotationPeriodInDays', fail, 90, 2560);
    if (config.slsServiceName.toLowerCase() === 'aws') {
      fail(
        'Kms',
        `would name the alias ${kmsAliasName(config)}, but alias/aws/ is reserved for AWS managed keys; change SlsServiceName.`,
      );
      return undefined;
    }
    if (!users || pendingWindowInDays === undefined || rotationPeriodInDays === undefined) return undefined;
    return { users, pendingWindowInDays, rotationPeriodInDays };
  },

  entries(options: KmsOptions, config: AccessConfig): CatalogEntry[] {
    const out: CatalogEntry[] = [
      {
        id: 'kms.lambda-decrypt',
        roles: ['lambda'],
        source: kms,
        actions: ['kms:Decrypt'],
        resources: [KEYS],
        condition: byAlias(config),
        reason:
          "Functions decrypt environment variables and secrets sealed with the service's key (found by its alias).",
      },
      {
        id: 'kms.key-read',
        roles: ['admin'],
        source: kms,
        actions: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
        resources: [KEYS],
        condition: byAlias(config),
        reason: "Admins inspect the key; the key itself belongs to the macro's stack, not to sls.",
      },
      {
        id: 'kms.parameters-read',
        roles: [...ALL_GROUPS],
        source: ssm,
        actions: ['ssm:GetParameter', 'ssm:GetParameters'],
        resources: [parameterArn(config, 'kms-key-arn')],
        reason: 'serverless.yml resolves provider.kmsKeyArn from ${ssm:/<service>/<stage>/access/kms-key-arn}.',
      },
    ];
    if (options.users.length) {
      out.push({
        id: 'kms.environment-variables',
        roles: options.users,
        source: kms,
        actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt'],
        resources: [KEYS],
        condition: { ...byAlias(config), StringLike: { 'kms:ViaService': 'lambda.{Region}.amazonaws.com' } },
        reason: 'kmsKeyArn: Lambda encrypts, shows and grants the function its variables; through Lambda only.',
      });
    }
    return out;
  },

  resources(options: KmsOptions, ctx: ExpansionContext): Record<string, CfnResource> {
    const config = ctx.config;
    const key = `${ctx.logicalId}${LOGICAL.kmsKey}`;
    return {
      [LOGICAL.kmsKey]: {
        Type: 'AWS::KMS::Key',
        // Whatever the key sealed is lost with it: removing Kms (or the Access resource) keeps the key.
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          Description: `${config.slsServiceName} ${namedStage(config)}: environment variables and secrets`,
          EnableKeyRotation: true,
          RotationPeriodInDays: options.rotationPeriodInDays,
          PendingWindowInDays: options.pendingWindowInDays,
          KeyPolicy: {
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
                Principal: { AWS: lambdaRoleArn(ctx) },
                Action: ['kms:Decrypt', 'kms:DescribeKey'],
                Resource: '*',
              },
            ],
          },
          Tags: tagList(ctx),
        },
      },
      [LOGICAL.kmsAlias]: {
        Type: 'AWS::KMS::Alias',
        Properties: { AliasName: kmsAliasName(config), TargetKeyId: { Ref: key } },
      },
      KmsKeyArnParameter: ssmParameter(
        ctx,
        'kms-key-arn',
        'String',
        { 'Fn::GetAtt': [key, 'Arn'] },
        'provider.kmsKeyArn of the service',
      ),
    };
  },

  outputs(_options: KmsOptions, ctx: ExpansionContext): Record<string, SubmoduleOutput> {
    return {
      KmsKeyArn: {
        value: { 'Fn::GetAtt': [`${ctx.logicalId}${LOGICAL.kmsKey}`, 'Arn'] },
        description: 'provider.kmsKeyArn (Lambda needs the key ARN, not the alias)',
      },
      KmsKeyAlias: { value: kmsAliasName(ctx.config), description: "Alias of the service's key" },
    };
  },
};
