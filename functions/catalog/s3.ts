import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_amazons3.html`;
/** The buckets of the service's s3 events, by name (EventBucketNames): never a pattern that could name a deployment bucket. */
const EVENT_BUCKETS = 'arn:{Partition}:s3:::{EventBucketNames}';
const hasEventBuckets = { property: 'EventBucketNames', nonEmpty: true } as const;
/**
 * The generated (or v4 shared) deployment bucket is named by a pattern until the resolver narrows it, and S3 ARNs
 * carry no account: `<stack>-serverlessdeploymentbucket-*` could be another account's bucket. s3:ResourceAccount
 * (documented on every S3 action) keeps these grants to the account's own buckets. {DeploymentBucketAccount} is
 * the account for those two modes and empty for a named bucket (DeploymentBucket: <name>), which drops the key.
 * IfExists: CreateBucket names a bucket that has no owner yet.
 */
const OWN_ACCOUNT_BUCKET = { StringLikeIfExists: { 's3:ResourceAccount': '{DeploymentBucketAccount}' } } as const;

export const s3: readonly CatalogEntry[] = [
  {
    id: 's3.deployment-bucket-lifecycle',
    roles: ['admin'],
    source,
    when: { property: 'DeploymentBucket', mode: 'generated' },
    actions: [
      's3:CreateBucket',
      's3:DeleteBucket',
      's3:DeleteBucketPolicy',
      's3:GetBucketPolicy',
      's3:GetEncryptionConfiguration',
      's3:PutAccelerateConfiguration',
      's3:PutBucketPolicy',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketTagging',
      's3:PutBucketVersioning',
      's3:PutEncryptionConfiguration',
    ],
    resources: [ARN.deploymentBucket],
    condition: OWN_ACCOUNT_BUCKET,
    reason: 'The first deploy creates (and sls remove deletes) the ServerlessDeploymentBucket and its TLS-only policy.',
  },
  {
    id: 's3.deployment-bucket-probe',
    roles: ALL,
    source,
    actions: ['s3:ListBucket'],
    resources: [ARN.deploymentBucket],
    condition: { Null: { 's3:prefix': 'true' }, ...OWN_ACCOUNT_BUCKET },
    reason: 'HeadBucket is authorized as ListBucket without s3:prefix; it lists key names only, never object data.',
  },
  {
    id: 's3.deployment-bucket-location',
    roles: ALL,
    source,
    actions: ['s3:GetBucketLocation'],
    resources: [ARN.deploymentBucket],
    condition: OWN_ACCOUNT_BUCKET,
    reason: 'serverless@3 and v4 check that the deployment bucket is in the service region.',
  },
  {
    id: 's3.artifact-list',
    roles: ALL,
    source,
    actions: ['s3:ListBucket', 's3:ListBucketVersions'],
    resources: [ARN.deploymentBucket],
    condition: { StringLike: { 's3:prefix': ['{ArtifactPrefix}', '{ArtifactPrefix}/*'] }, ...OWN_ACCOUNT_BUCKET },
    reason:
      "deploy, deploy list, rollback and remove list this stage's artifacts only (prefix <prefix>/<service>/<stage>).",
  },
  {
    id: 's3.artifacts',
    roles: ALL,
    source,
    actions: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
    resources: [ARN.artifacts],
    condition: OWN_ACCOUNT_BUCKET,
    reason:
      "Upload, read (TemplateURL, code) and prune this stage's artifacts; keys carry the stage even when bucket names collide.",
  },
  {
    id: 's3.artifacts-versions-remove',
    roles: ['admin'],
    source,
    actions: ['s3:DeleteObjectVersion'],
    resources: [ARN.artifacts],
    condition: OWN_ACCOUNT_BUCKET,
    reason: "sls remove (osls 4, versioned bucket) hard-deletes every version of this stage's artifacts: admin's.",
  },
  {
    id: 's3.v4-shared-bucket-ensure',
    roles: ALL,
    source,
    when: { property: 'DeploymentBucket', mode: 'shared' },
    actions: ['s3:CreateBucket', 's3:PutBucketVersioning'],
    resources: [ARN.deploymentBucket],
    condition: OWN_ACCOUNT_BUCKET,
    reason: 'Serverless v4 re-issues CreateBucket (then PutBucketVersioning) on the shared bucket at every command.',
  },
  {
    id: 's3.event-buckets-lifecycle',
    roles: ['admin'],
    source,
    actions: [
      's3:CreateBucket',
      's3:DeleteBucket',
      's3:GetBucketNotification',
      's3:PutBucketCORS',
      's3:PutBucketNotification',
      's3:PutBucketOwnershipControls',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketTagging',
      's3:PutBucketVersioning',
      's3:PutEncryptionConfiguration',
      's3:PutLifecycleConfiguration',
    ],
    resources: [EVENT_BUCKETS],
    when: hasEventBuckets,
    condition: VIA_CLOUDFORMATION,
    reason: "The buckets of s3 events (EventBucketNames): only the admin's stack creates them; never a bucket policy.",
  },
  {
    id: 's3.event-buckets-notifications',
    roles: ALL,
    source,
    actions: ['s3:GetBucketNotification', 's3:PutBucketNotification'],
    resources: [EVENT_BUCKETS],
    when: hasEventBuckets,
    condition: VIA_CLOUDFORMATION,
    reason: "Changing an s3 event rewrites its bucket's notifications (EventBucketNames only), through the stack.",
  },
];
