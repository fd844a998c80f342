/**
 * Every name the macro derives, in one place: the Serverless Framework's (stack, functions, log groups,
 * deployment bucket, artifact keys) used inside ARNs, and the macro's own (groups, policies, role,
 * logical ids, outputs).
 */
import { createHash } from 'node:crypto';
import type { AccessConfig } from './config';
import { generatedBucketNamePattern, v4SharedBucketNamePattern } from './deployment-bucket';
import type { GroupRole } from '../catalog/types';

/** A token's value: a literal, or a CloudFormation expression with the longest value it can take. */
/**
 * A token's value: a literal; a CloudFormation expression with the longest value it can take; or a list of
 * literals (a pattern that uses it becomes one pattern per item, and none when the list is empty).
 */
export type TokenValue = string | { readonly expression: unknown; readonly maxLength: number } | readonly string[];
export type Tokens = Readonly<Record<string, TokenValue>>;

/** The `{Token}` values catalog resource patterns are written with. */
export function arnTokens(c: AccessConfig): Record<string, TokenValue> {
  return {
    Partition: c.iamPartition,
    Region: c.iamRegion,
    Account: c.iamAccountId,
    ServiceRegion: c.region,
    Service: c.slsServiceName,
    Stage: c.iamStage,
    StackName: c.stackName,
    // EventBridge and IAM cut CloudFormation-generated names after 24 characters of the stack name
    // (a trailing hyphen of the cut is dropped); patterns add their own `-` after it.
    StackNameHead: c.stackName.slice(0, 24).replace(/-+$/, ''),
    ExtraFunctions: [...c.functionNames, ...hashedCustomResourceFunctions(c)],
    // The generated custom-resource role keeps 24 (13-character suffix) or 25 (12-character suffix) characters of
    // the stack name when it must cut it: both forms, which are the whole name for short stacks.
    CustomResourceRoleHeads: [...new Set([24, 25].map((n) => c.stackName.slice(0, n).replace(/-+$/, '')))],
    LayerNames: c.layerNames,
    ExecutionRoleNames: c.executionRoleNames,
    AlbListeners: c.albListenerArns,
    DeploymentRole: c.deploymentRoleArn ? [c.deploymentRoleArn] : [],
    PermissionsBoundary: c.permissionsBoundary ?? '',
    DeploymentBucketArn: c.resolveDeploymentBucket
      ? { expression: { 'Fn::GetAtt': [logicalIds.deploymentBucket(c.logicalId), 'BucketArn'] }, maxLength: MAX_BUCKET_ARN_LENGTH }
      : `arn:${c.iamPartition}:s3:::${deploymentBucketName(c)}`,
    ArtifactPrefix: `${c.deploymentPrefix}/${c.slsServiceName}/${c.iamStage}`,
    LambdaRole: lambdaRoleName(c),
    // The stack the Access resource itself lives in (its outputs feed serverless.yml through ${cf:...}).
    AccessStackName: { expression: { Ref: 'AWS::StackName' }, maxLength: 128 },
  };
}

/** The framework's custom-resource functions (`<service>-<stage>-custom-resource-<kind>`, osls custom-resources/index.js). */
const CUSTOM_RESOURCE_FUNCTIONS = ['existing-s3', 'existing-cup', 'event-bridge', 'apigw-cw-role'];

/**
 * Custom-resource function names the framework shortens: over 64 characters, it keeps the first 32 and appends
 * the md5 of the full name, so `<service>-<stage>-*` no longer matches them. A wildcard stage has no such list.
 */
export function hashedCustomResourceFunctions(c: AccessConfig): string[] {
  if (/[*?]/.test(c.iamStage)) return [];
  return CUSTOM_RESOURCE_FUNCTIONS.map((kind) => `${c.slsServiceName}-${c.iamStage}-custom-resource-${kind}`)
    .filter((name) => name.length > 64)
    .map((name) => `${name.slice(0, 32)}${createHash('md5').update(name).digest('hex')}`);
}

/** `arn:<longest partition>:s3:::` plus S3's 63-character bucket name. */
const MAX_BUCKET_ARN_LENGTH = 'arn:aws-iso-b:s3:::'.length + 63;

/** The deployment bucket's name or name pattern (before the resolver narrows it, see issue 5). */
export function deploymentBucketName(c: AccessConfig): string {
  switch (c.deploymentBucket.mode) {
    case 'custom':
      return c.deploymentBucket.name;
    case 'shared':
      return v4SharedBucketNamePattern(c.region);
    default:
      return generatedBucketNamePattern(c.stackName);
  }
}

export function groupName(c: AccessConfig, role: GroupRole): string {
  return `${c.resourcePrefix}-${c.stage}-${c.roleNames[role]}`;
}

export function policyName(c: AccessConfig, audience: string, index: number, count: number): string {
  return `${c.resourcePrefix}-${c.stage}-${audience}${count > 1 ? `-${index + 1}` : ''}`;
}

/** The execution role the macro creates, or the custom one it attaches its policy to. */
export function lambdaRoleName(c: AccessConfig): string {
  return c.lambdaRoleName ?? `${c.resourcePrefix}-${c.stage}-lambda-execution`;
}

export function lambdaPolicyName(c: AccessConfig): string {
  return `${c.resourcePrefix}-${c.stage}-lambda-execution`;
}

/** Logical ids of what one Access resource expands into, all prefixed with its own logical id. */
export const logicalIds = {
  group: (id: string, role: GroupRole) => `${id}${pascal(role)}Group`,
  policy: (id: string, audience: string, index: number) => `${id}${audience.split('-').map(pascal).join('')}Policy${index + 1}`,
  lambdaRole: (id: string) => `${id}LambdaRole`,
  lambdaPolicy: (id: string) => `${id}LambdaPolicy`,
  deploymentBucket: (id: string) => `${id}DeploymentBucket`,
};

export function pascal(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Export names of the outputs: named after the stack, so two stacks never clash. */
export function exportName(logicalId: string, output: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': `\${AWS::StackName}-${logicalId}-${output}` };
}
