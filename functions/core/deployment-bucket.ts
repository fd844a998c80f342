/**
 * Names of the Serverless Framework deployment bucket.
 *
 * The framework's `ServerlessDeploymentBucket` has no BucketName, so CloudFormation generates one:
 * `<stack>-<logicalId>-<12..13 random [a-z0-9]>`, lower-cased, at most 63 characters. When the whole
 * name does not fit, the stack part and the logical-id part are each cut (24 characters for the stack);
 * a trailing '-' on the cut stack part is dropped. The rule is empirical (no AWS document states it);
 * the public observations it rests on are in test/fixtures/recorded/README.md ("Generated names").
 *
 * Whether the name "fits" depends on the suffix CloudFormation actually drew: older names carry 13
 * characters (whole up to a 22-character stack, `hello-world-lambda-dev`), current ones 12 (whole up to
 * 23, `ch-stack-core-admin-prd-serverlessdeploymentbucket-dffvcreiko7d`). The pattern covers both.
 */
import { GENERATED_STACK_PART_LENGTH, stackNameHead } from './generated-names';

/** Longest stack name whose generated bucket name keeps both parts whole (13-character suffix budget). */
export const FULL_NAME_MAX_STACK_LENGTH = 22;
/** The same with the 12-character suffix of current names (observed: a 23-character stack kept whole). */
export const FULL_NAME_MAX_STACK_LENGTH_SHORT_SUFFIX = 23;
/** S3's limit for a bucket name, which CloudFormation's generator respects. */
export const S3_BUCKET_NAME_MAX_LENGTH = 63;
/** Length the stack part is cut to when the full name does not fit. */
export const TRUNCATED_STACK_PART_LENGTH = GENERATED_STACK_PART_LENGTH;
const LOGICAL_ID = 'serverlessdeploymentbucket';
const TRUNCATED_LOGICAL_ID = 'serverlessdeploymentbuck';

/** The stack part of the generated bucket name, as CloudFormation writes it (lower case). */
export function generatedBucketStackPart(stackName: string): string {
  const lower = stackName.toLowerCase();
  if (lower.length <= FULL_NAME_MAX_STACK_LENGTH_SHORT_SUFFIX) return lower;
  return stackNameHead(lower);
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
  const lower = stackName.toLowerCase();
  const cut = lower.slice(0, TRUNCATED_STACK_PART_LENGTH);
  if (lower.length > FULL_NAME_MAX_STACK_LENGTH && cut.endsWith('-')) {
    // Whether CloudFormation drops the '-' the cut ends on rests on two weak observations, and a
    // 23-character stack is kept whole or cut depending on its suffix's length: accept both spellings
    // (`x-serverlessdeploymentbuck…`, `x--serverlessdeploymentbuck…`). Any other stack filling the '*' with
    // more than dashes shares the same 24-character cut (already indistinguishable), unless the cut ends
    // on two or more dashes.
    return `${cut.replace(/-+$/, '')}-*${TRUNCATED_LOGICAL_ID}*`;
  }
  return `${generatedBucketPrefix(stackName)}*`;
}

/** Whether a bucket name matches an IAM resource pattern (`*` any run, `?` one character, case-sensitive). */
export function matchesBucketNamePattern(bucketName: string, pattern: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(bucketName);
}

/** Whether two stacks' generated buckets can share a name prefix (the case stage isolation relies on keys). */
export function bucketPrefixesCollide(stackA: string, stackB: string): boolean {
  return generatedBucketPrefix(stackA) === generatedBucketPrefix(stackB);
}

/** The name CloudFormation would generate for a given random suffix (used by tests and the resolver). */
export function generatedBucketName(stackName: string, suffix: string): string {
  const lower = stackName.toLowerCase();
  const whole = `${lower}-${LOGICAL_ID}-${suffix.toLowerCase()}`;
  if (whole.length <= S3_BUCKET_NAME_MAX_LENGTH) return whole;
  return `${stackNameHead(lower)}-${TRUNCATED_LOGICAL_ID}-${suffix.toLowerCase()}`;
}

/** The v4 shared bucket: `serverless-framework-deployments-<region>-<8 hex>-<4 hex>`. */
export const V4_SHARED_BUCKET_PREFIX = 'serverless-framework-deployments';
export const V4_SHARED_BUCKET_PARAMETER = '/serverless-framework/deployment/s3-bucket';
export function v4SharedBucketNamePattern(region: string): string {
  return `${V4_SHARED_BUCKET_PREFIX}-${region}-*`;
}
