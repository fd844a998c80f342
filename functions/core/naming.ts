/**
 * Every name the macro derives, in one place: the Serverless Framework's (stack, functions, log groups,
 * deployment bucket, artifact keys) used inside ARNs, and the macro's own (groups, policies, role,
 * logical ids, outputs).
 */
import { createHash } from 'node:crypto';
import type { AccessConfig } from './config';
import { generatedBucketNamePattern, v4SharedBucketNamePattern } from './deployment-bucket';
import { GENERATED_STACK_PART_LENGTH, stackNameHead } from './generated-names';
import type { GroupRole } from '../catalog/types';

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
    ApiStage: c.apiGatewayStage,
    StackName: c.stackName,
    // EventBridge and IAM cut CloudFormation-generated names after 24 characters of the stack name
    // (a trailing hyphen of the cut is dropped); patterns add their own `-` after it.
    StackNameHead: stackNameHead(c.stackName),
    ExtraFunctions: [...c.functionNames, ...hashedCustomResourceFunctions(c)],
    // Names chosen with functions.<fn>.name; and the framework's custom-resource functions whose names it
    // shortened (md5), for the guards that keep them apart.
    FunctionNames: c.functionNames,
    HashedCustomResourceFunctions: hashedCustomResourceFunctions(c),
    // CloudFormation's generator (IAM roles, EventBridge rules: at most 64 characters) keeps 24 (13-character suffix)
    // or 25 (12-character suffix) characters of the stack name when it must cut it: both forms, which are the whole
    // name for short stacks.
    CustomResourceRoleHeads: generatedNameHeads(c.stackName),
    GeneratedNameHeads: generatedNameHeads(c.stackName),
    LayerNames: c.layerNames,
    TopicNames: c.topicNames,
    SubscribedTopicArns: c.subscribedTopicArns,
    QueueNames: c.queueNames,
    StreamNames: c.streamNames,
    // Names the service gives <service>-<stage>-*, and those CloudFormation generates <stack>-<LogicalId>-<suffix>
    // (the same prefix unless StackName is custom): queues, streams; one pattern per distinct prefix.
    OwnNamePrefixes: [...new Set([`${c.slsServiceName}-${c.iamStage}`, c.stackName])],
    EventBucketNames: c.eventBucketNames,
    EventBusNames: c.eventBusNames,
    SubscribedLogGroupNames: c.subscribedLogGroupNames,
    ExternalLayerArns: c.externalLayerArns,
    ExecutionRoleNames: c.executionRoleNames,
    AlbListeners: c.albListenerArns,
    DeploymentRole: c.deploymentRoleArn ? [c.deploymentRoleArn] : [],
    // DeploymentRoles: the two CloudFormation service roles the macro creates (core/deployment-role.ts).
    AdminDeploymentRoleName: c.deploymentRoles ? [deploymentRoleName(c, 'admin')] : [],
    UpdateDeploymentRoleName: c.deploymentRoles ? [deploymentRoleName(c, 'update')] : [],
    // The boundary every role of the service must carry: the macro's policy (resolved in the Access stack's
    // account), the user's (PermissionsBoundary), or none (PermissionsBoundary: none).
    // The macro's is named <ResourcePrefix>-<Stage>-boundary in the Access stack's account (a boundary policy is
    // always in the role's own account, so a wildcard partition or account never matches another's).
    PermissionsBoundary:
      c.boundary === 'macro'
        ? `arn:${c.iamPartition}:iam::${c.iamAccountId}:policy/${boundaryPolicyName(c)}`
        : (c.permissionsBoundary ?? ''),
    ExistingBuckets: c.existingBuckets,
    ExistingUserPoolIds: c.existingUserPoolIds,
    DeploymentBucketArn: c.resolveDeploymentBucket
      ? {
          expression: { 'Fn::GetAtt': [logicalIds.deploymentBucket(c.logicalId), 'BucketArn'] },
          maxLength: MAX_BUCKET_ARN_LENGTH,
        }
      : `arn:${c.iamPartition}:s3:::${deploymentBucketName(c)}`,
    // The account whose deployment bucket the pattern names (catalog/s3.ts): none for a bucket named by the user.
    DeploymentBucketAccount: c.deploymentBucket.mode === 'custom' ? [] : [c.iamAccountId],
    ArtifactPrefix: `${c.deploymentPrefix}/${c.slsServiceName}/${c.iamStage}`,
    LambdaRole: lambdaRoleName(c),
    // The stack the Access resource itself lives in (its outputs feed serverless.yml through ${cf:...}).
    AccessStackName: { expression: { Ref: 'AWS::StackName' }, maxLength: 128 },
    // The VPC the Vpc submodule creates (Mode: create; functions/submodules/vpc.ts): only its entries use it.
    CreatedVpcId: { expression: { Ref: `${c.logicalId}Vpc` }, maxLength: 21 },
  };
}

/** The stack-name parts of `<stack>-<LogicalId>-<suffix>` names CloudFormation generates within 64 characters. */
function generatedNameHeads(stackName: string): string[] {
  return [
    ...new Set([GENERATED_STACK_PART_LENGTH, GENERATED_STACK_PART_LENGTH + 1].map((n) => stackNameHead(stackName, n))),
  ];
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

/** The deployment bucket's name or name pattern (the pattern until the resolver, functions/handlers/bucket-resolver.ts, narrows it). */
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

/**
 * The longest name AWS accepts for each kind of name the macro generates (API references: IAM CreateRole
 * RoleName 1-64, CreateGroup GroupName 1-128, CreatePolicy PolicyName 1-128; CloudWatch PutMetricAlarm
 * AlarmName 1-255, PutDashboard DashboardName 1-255; SNS CreateTopic Name 1-256; KMS CreateAlias AliasName
 * 1-256 with `alias/`; Secrets Manager CreateSecret Name 1-512; SSM parameter names 1011 with the ARN;
 * tag values 256).
 */
export const NAME_LIMITS = {
  'iam-role': 64,
  'iam-group': 128,
  'iam-policy': 128,
  'cloudwatch-alarm': 255,
  'cloudwatch-dashboard': 255,
  'sns-topic': 256,
  'kms-alias': 256,
  secret: 512,
  'ssm-parameter': 1011,
  'tag-value': 256,
} as const;
export type NameKind = keyof typeof NAME_LIMITS;

/** Hex characters of the hash a shortened name carries (32 bits: the CDK uses 8 too). */
export const NAME_HASH_LENGTH = 8;

/**
 * Every name the macro generates goes through here, so it always fits AWS's limit for its kind. A name that
 * fits is returned as it is. A longer one keeps a readable head, then `-` and the first 8 hex characters of
 * the SHA-256 of the whole name, then `tail` whole (the part that tells names of one family apart, such as
 * `-admin` or `-lambda-execution`; a tail longer than half the limit is cut with the rest):
 *
 *   fitName('iam-role', 'cf-hippopotamus-migration-orchestrator-performance-testing', '-lambda-execution')
 *   = 'cf-hippopotamus-migration-orchestrator-perfo-<8 hex>-lambda-execution' (64 characters)
 *
 * Deterministic (the same input gives the same name on every run), and two different full names give
 * different names (up to a 32-bit hash collision). As in aws-cdk-lib's makeUniqueResourceName, the hash is
 * of the full name; unlike it, the head is kept rather than the middle, so a name still starts with the
 * service and stage while they fit. Patterns must use the returned name, never the full one.
 */
export function fitName(kind: NameKind, name: string, tail = ''): string {
  const limit = NAME_LIMITS[kind];
  const full = `${name}${tail}`;
  if (full.length <= limit) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, NAME_HASH_LENGTH);
  const keep = tail.length <= limit / 2 ? tail : '';
  const cut = keep ? name : full;
  const head = cut.slice(0, limit - keep.length - hash.length - 1).replace(/[^A-Za-z0-9]+$/, '');
  return `${head}-${hash}${keep}`;
}

/** `<ResourcePrefix>-<Stage>`: the head of every IAM name the macro creates. */
function prefixOf(c: Pick<AccessConfig, 'resourcePrefix' | 'stage'>): string {
  return `${c.resourcePrefix}-${c.stage}`;
}

/** The permissions boundary the macro creates (core/boundary.ts): `<ResourcePrefix>-<Stage>-boundary`, fitted. */
export function boundaryPolicyName(c: Pick<AccessConfig, 'resourcePrefix' | 'stage'>): string {
  return fitName('iam-policy', prefixOf(c), '-boundary');
}

export function groupName(c: AccessConfig, role: GroupRole): string {
  return fitName('iam-group', prefixOf(c), `-${c.roleNames[role]}`);
}

/**
 * The role of an access level (the `Roles` property): named as its group, in IAM's separate role namespace,
 * fitted to the role limit (64; a group takes 128, so a long name's role and group differ).
 */
export function accessRoleName(c: AccessConfig, role: GroupRole): string {
  return fitName('iam-role', prefixOf(c), `-${c.roleNames[role]}`);
}

export function policyName(c: AccessConfig, audience: string, index: number, count: number): string {
  return fitName('iam-policy', prefixOf(c), `-${audience}${count > 1 ? `-${index + 1}` : ''}`);
}

/** DeploymentRoles: admin's lifecycle role and developer's and ci's update role. */
export type DeploymentRoleKind = 'admin' | 'update';

/** The CloudFormation service role of DeploymentRoles: `<ResourcePrefix>-<Stage>-deploy-admin` or `-deploy-update`, fitted. */
export function deploymentRoleName(
  c: Pick<AccessConfig, 'resourcePrefix' | 'stage'>,
  kind: DeploymentRoleKind,
): string {
  return fitName('iam-role', prefixOf(c), `-deploy-${kind}`);
}

/** The managed policies of a deployment role (numbered from 1 when it takes several). */
export function deploymentPolicyName(c: AccessConfig, kind: DeploymentRoleKind, index = 0, count = 1): string {
  return fitName('iam-policy', prefixOf(c), `-deploy-${kind}${count > 1 ? `-${index + 1}` : ''}`);
}

/** The execution role the macro creates, or the custom one (LambdaRoleName, the user's own name) it attaches its policy to. */
export function lambdaRoleName(c: AccessConfig): string {
  return c.lambdaRoleName ?? fitName('iam-role', prefixOf(c), '-lambda-execution');
}

/** The execution role's run-time policy (numbered from 1 when it takes several). */
export function lambdaPolicyName(c: AccessConfig, index = 0, count = 1): string {
  return fitName('iam-policy', prefixOf(c), `-lambda-execution${count > 1 ? `-${index + 1}` : ''}`);
}

/** Logical ids of what one Access resource expands into, all prefixed with its own logical id. */
export const logicalIds = {
  group: (id: string, role: GroupRole) => `${id}${pascal(role)}Group`,
  policy: (id: string, audience: string, index: number) => `${id}${pascalName(audience)}Policy${index + 1}`,
  lambdaRole: (id: string) => `${id}LambdaRole`,
  accessRole: (id: string, role: GroupRole) => `${id}${pascal(role)}Role`,
  oidcProvider: (id: string, name: string) => `${id}${name}Provider`,
  lambdaPolicy: (id: string) => `${id}LambdaPolicy`,
  deploymentBucket: (id: string) => `${id}DeploymentBucket`,
  boundary: (id: string) => `${id}Boundary`,
  deploymentRole: (id: string, kind: DeploymentRoleKind) => `${id}${pascal(kind)}DeploymentRole`,
  deploymentPolicy: (id: string, kind: DeploymentRoleKind, index: number) =>
    `${id}${pascal(kind)}DeploymentPolicy${index + 1}`,
};

export function pascal(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** PascalCase of a name of letters, digits and separators (`s3.deploy-bucket` -> `S3DeployBucket`), for logical ids and Sids. */
export function pascalName(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(pascal)
    .join('');
}

/** Export names of the outputs: named after the stack, so two stacks never clash. */
export function exportName(logicalId: string, output: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': `\${AWS::StackName}-${logicalId}-${output}` };
}
