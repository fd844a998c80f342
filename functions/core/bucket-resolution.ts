/**
 * What the deployment-bucket resolver answers, computed from what it observed (pure: no SDK, no I/O).
 *
 * The handler (functions/handlers/bucket-resolver.ts) does the look-ups and passes their results in:
 * the physical id of the framework stack's `ServerlessDeploymentBucket` (generated mode) or the value of
 * the v4 SSM parameter (shared mode). Absent results are not errors: the answer is then the name pattern,
 * with `Exact: 'false'`. Every answer satisfies: `BucketArn` is `arn:<partition>:s3:::<BucketName or
 * BucketNamePattern>`, and when `BucketName` is set it matches `BucketNamePattern`.
 */
import {
  generatedBucketNamePattern,
  matchesBucketNamePattern,
  V4_SHARED_BUCKET_PARAMETER,
  v4SharedBucketNamePattern,
} from './deployment-bucket';

export const BUCKET_MODES = ['generated', 'custom', 'shared'] as const;
export type BucketMode = (typeof BUCKET_MODES)[number];

export interface BucketResolutionInput {
  /** The framework stack (`<service>-<stage>` or `provider.stackName`). */
  readonly StackName: string;
  readonly Partition: string;
  readonly Mode: BucketMode;
  /** `provider.deploymentBucket(.name)`; required in custom mode. */
  readonly CustomBucketName?: string;
  /** Region of the framework stack (and of the v4 parameter). */
  readonly Region: string;
  /** Physical id of the stack's `ServerlessDeploymentBucket`; null or absent when not (yet) there. */
  readonly ObservedBucketName?: string | null;
  /** Value of the v4 parameter `/serverless-framework/deployment/s3-bucket`; null or absent when missing. */
  readonly SharedParameterValue?: string | null;
}

/** The custom resource's attributes (Fn::GetAtt names), all strings as CloudFormation requires. */
export interface BucketResolution {
  /** The exact bucket name, or '' when only the pattern is known. */
  readonly BucketName: string;
  /** A name pattern (IAM wildcards) known to cover the bucket; the name itself in custom mode. */
  readonly BucketNamePattern: string;
  /** `arn:<partition>:s3:::<BucketName, or BucketNamePattern when the name is not known>`. */
  readonly BucketArn: string;
  readonly Exact: 'true' | 'false';
  /** Where the answer came from: a stable token, a colon, then a sentence. */
  readonly Source: string;
}

export class BucketResolutionError extends Error {
  override name = 'BucketResolutionError';
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9*?-]*$/;
const PARTITION = /^aws(-[a-z0-9]+)*$/;
const REGION = /^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$/;
/** Bucket names S3 has ever accepted (legacy us-east-1 names included), minus anything that breaks an ARN. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;

export function isBucketMode(value: unknown): value is BucketMode {
  return typeof value === 'string' && (BUCKET_MODES as readonly string[]).includes(value);
}

/** The partition of a region, for when the template does not pass `${AWS::Partition}` (one rule for the macro and the resolver). */
export { partitionOf as partitionForRegion } from './intrinsics';

export function isWildcardStackName(stackName: string): boolean {
  return /[*?]/.test(stackName);
}

/** Parses the v4 parameter's JSON `{"bucketName":"…","bucketRegion":"…"}`, as the framework writes it. */
export function parseSharedBucketParameter(value: string): { bucketName: string; bucketRegion?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new BucketResolutionError(
      `SSM parameter ${V4_SHARED_BUCKET_PARAMETER} is not JSON ({"bucketName":"…","bucketRegion":"…"}): ${JSON.stringify(value.slice(0, 120))}.`,
    );
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const { bucketName, bucketRegion } = record;
  if (typeof bucketName !== 'string' || !BUCKET_NAME.test(bucketName)) {
    throw new BucketResolutionError(
      `SSM parameter ${V4_SHARED_BUCKET_PARAMETER} has no valid "bucketName": ${JSON.stringify(value.slice(0, 200))}.`,
    );
  }
  return typeof bucketRegion === 'string' && bucketRegion !== '' ? { bucketName, bucketRegion } : { bucketName };
}

/** Checks what can be checked before any look-up, so bad properties fail without an AWS call. */
export function validateResolutionInput(input: BucketResolutionInput): void {
  const { Partition, Region, Mode, StackName } = input;
  if (!isBucketMode(Mode)) {
    throw new BucketResolutionError(
      `Mode '${String(Mode)}' is not one of ${BUCKET_MODES.map((m) => `'${m}'`).join(', ')}.`,
    );
  }
  if (typeof Partition !== 'string' || !PARTITION.test(Partition)) {
    throw new BucketResolutionError(`Partition '${String(Partition)}' is not an AWS partition.`);
  }
  if (typeof Region !== 'string' || !REGION.test(Region)) {
    throw new BucketResolutionError(`Region '${String(Region)}' is not an AWS region.`);
  }
  if (
    Mode === 'generated' &&
    (typeof StackName !== 'string' || StackName.length > 128 || !STACK_NAME.test(StackName))
  ) {
    throw new BucketResolutionError(
      `StackName '${String(StackName)}' is not a CloudFormation stack name (^[A-Za-z][A-Za-z0-9-]*$, at most 128 characters).`,
    );
  }
  if (Mode === 'custom' && !BUCKET_NAME.test(input.CustomBucketName ?? '')) {
    throw new BucketResolutionError(
      `Mode 'custom' needs CustomBucketName, a literal S3 bucket name without wildcards; got '${input.CustomBucketName ?? ''}'.`,
    );
  }
}

export function resolveDeploymentBucket(input: BucketResolutionInput): BucketResolution {
  validateResolutionInput(input);
  const { Partition, Region, Mode } = input;
  const arn = (nameOrPattern: string) => `arn:${Partition}:s3:::${nameOrPattern}`;
  const exact = (name: string, pattern: string, source: string): BucketResolution => ({
    BucketName: name,
    BucketNamePattern: pattern,
    BucketArn: arn(name),
    Exact: 'true',
    Source: source,
  });
  const patternOnly = (pattern: string, source: string): BucketResolution => ({
    BucketName: '',
    BucketNamePattern: pattern,
    BucketArn: arn(pattern),
    Exact: 'false',
    Source: source,
  });

  switch (Mode) {
    case 'custom': {
      const name = input.CustomBucketName ?? '';
      return exact(name, name, 'custom: provider.deploymentBucket names the bucket');
    }
    case 'shared': {
      const pattern = v4SharedBucketNamePattern(Region);
      const value = input.SharedParameterValue;
      if (value === null || value === undefined || value === '') {
        return patternOnly(
          pattern,
          `shared-pattern: SSM parameter ${V4_SHARED_BUCKET_PARAMETER} not found in ${Region}; the framework creates it on its first v4 deploy`,
        );
      }
      const { bucketName, bucketRegion } = parseSharedBucketParameter(value);
      const where = bucketRegion && bucketRegion !== Region ? ` (bucketRegion ${bucketRegion})` : '';
      if (matchesBucketNamePattern(bucketName, pattern)) {
        return exact(bucketName, pattern, `ssm-parameter: ${V4_SHARED_BUCKET_PARAMETER} in ${Region}${where}`);
      }
      // An administrator may pre-create the bucket and the parameter under any name; the CLI accepts it.
      return exact(
        bucketName,
        bucketName,
        `ssm-parameter: ${V4_SHARED_BUCKET_PARAMETER} in ${Region}${where} names a bucket outside ${pattern}`,
      );
    }
    case 'generated': {
      const { StackName } = input;
      const pattern = generatedBucketNamePattern(StackName);
      const observed = input.ObservedBucketName;
      if (observed === null || observed === undefined || observed === '') {
        return patternOnly(
          pattern,
          isWildcardStackName(StackName)
            ? `generated-pattern: stack name ${StackName} has wildcards, so no stack was looked up`
            : `generated-pattern: stack ${StackName} has no ServerlessDeploymentBucket yet in ${Region}; change Token after the first deploy to narrow to the exact name`,
        );
      }
      if (!matchesBucketNamePattern(observed, pattern)) {
        // Never widen a grant to a bucket the naming rule does not predict (the stack may name any bucket).
        return patternOnly(
          pattern,
          `observed-mismatch: ServerlessDeploymentBucket of stack ${StackName} is ${observed}, which does not match ${pattern}; kept the pattern`,
        );
      }
      return exact(observed, pattern, `stack-resource: ServerlessDeploymentBucket of stack ${StackName} in ${Region}`);
    }
    default:
      throw new BucketResolutionError(`Mode '${String(Mode)}' is not supported.`);
  }
}
