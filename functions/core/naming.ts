/**
 * Every name the macro derives, in one place: the Serverless Framework's (stack, functions, log groups,
 * deployment bucket, artifact keys) used inside ARNs, and the macro's own (groups, policies, role,
 * logical ids, outputs).
 */
import type { AccessConfig } from './config';
import { generatedBucketNamePattern, v4SharedBucketNamePattern } from './deployment-bucket';
import type { GroupRole } from '../catalog/types';

/** A token's value: a literal, or a CloudFormation expression with the longest value it can take. */
export type TokenValue = string | { readonly expression: unknown; readonly maxLength: number };
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
    // EventBridge and IAM cut CloudFormation-generated names after 24 characters of the stack name.
    StackNameHead: c.stackName.length > 24 ? c.stackName.slice(0, 24) : c.stackName,
    DeploymentBucketArn: c.resolveDeploymentBucket
      ? { expression: { 'Fn::GetAtt': [logicalIds.deploymentBucket(c.logicalId), 'BucketArn'] }, maxLength: MAX_BUCKET_ARN_LENGTH }
      : `arn:${c.iamPartition}:s3:::${deploymentBucketName(c)}`,
    ArtifactPrefix: `${c.deploymentPrefix}/${c.slsServiceName}/${c.iamStage}`,
    LambdaRole: lambdaRoleName(c),
    // The stack the Access resource itself lives in (its outputs feed serverless.yml through ${cf:...}).
    AccessStackName: { expression: { Ref: 'AWS::StackName' }, maxLength: 128 },
  };
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
