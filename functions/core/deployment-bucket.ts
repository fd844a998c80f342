/**
 * Names of the Serverless Framework deployment bucket.
 *
 * The framework's `ServerlessDeploymentBucket` has no BucketName, so CloudFormation generates one:
 * `<stack>-<logicalId>-<12..13 random [a-z0-9]>`, lower-cased, at most 63 characters. When the whole
 * name does not fit, the stack part and the logical-id part are each cut (24 characters for the stack);
 * a trailing '-' on the cut stack part is dropped. The rule is empirical (no AWS document states it);
 * see ../shared/research/serverless-ground-truth.md §3.2 and the observations in test/unit.
 */

/** Longest stack name whose generated bucket name keeps both parts whole (13-character suffix budget). */
export const FULL_NAME_MAX_STACK_LENGTH = 22;
/** Length the stack part is cut to when the full name does not fit. */
export const TRUNCATED_STACK_PART_LENGTH = 24;
const LOGICAL_ID = 'serverlessdeploymentbucket';
const TRUNCATED_LOGICAL_ID = 'serverlessdeploymentbuck';

/** The stack part of the generated bucket name, as CloudFormation writes it (lower case). */
export function generatedBucketStackPart(stackName: string): string {
  const lower = stackName.toLowerCase();
  if (lower.length <= FULL_NAME_MAX_STACK_LENGTH) return lower;
  return lower.slice(0, TRUNCATED_STACK_PART_LENGTH).replace(/-+$/, '');
}

/**
 * The visible prefix every generated bucket name of this stack starts with, up to the random suffix.
 * `serverlessdeploymentbuck` is the part of the logical id present in both regimes, so the prefix stays
 * correct even at the boundary between them (a 23-character stack, a 12- or 13-character suffix).
 */
export function generatedBucketPrefix(stackName: string): string {
  return `${generatedBucketStackPart(stackName)}-${TRUNCATED_LOGICAL_ID}`;
}

/** An S3 bucket-name pattern (IAM wildcards) that matches the generated bucket of the stack. */
export function generatedBucketNamePattern(stackName: string): string {
  if (stackName.includes('*') || stackName.includes('?')) {
    // A wildcard stage (IamStage: pr-*) makes the length unknown: keep the literal head, cut to the
    // truncated stack part, and let the wildcard stand for the rest of the stack part.
    const head = stackName.toLowerCase().split(/[*?]/)[0].slice(0, TRUNCATED_STACK_PART_LENGTH);
    return `${head}*-${TRUNCATED_LOGICAL_ID}*`;
  }
  return `${generatedBucketPrefix(stackName)}*`;
}

/** Whether two stacks' generated buckets can share a name prefix (the case stage isolation relies on keys). */
export function bucketPrefixesCollide(stackA: string, stackB: string): boolean {
  return generatedBucketPrefix(stackA) === generatedBucketPrefix(stackB);
}

/** The name CloudFormation would generate for a given random suffix (used by tests and the resolver). */
export function generatedBucketName(stackName: string, suffix: string): string {
  const lower = stackName.toLowerCase();
  if (lower.length <= FULL_NAME_MAX_STACK_LENGTH) return `${lower}-${LOGICAL_ID}-${suffix}`;
  return `${generatedBucketStackPart(stackName)}-${TRUNCATED_LOGICAL_ID}-${suffix}`;
}

/** The v4 shared bucket: `serverless-framework-deployments-<region>-<8 hex>-<4 hex>`. */
export const V4_SHARED_BUCKET_PREFIX = 'serverless-framework-deployments';
export const V4_SHARED_BUCKET_PARAMETER = '/serverless-framework/deployment/s3-bucket';
export function v4SharedBucketNamePattern(region: string): string {
  return `${V4_SHARED_BUCKET_PREFIX}-${region}-*`;
}
