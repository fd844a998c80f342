/**
 * Custom resource: resolves the Serverless deployment bucket of one service+stage (see
 * functions/core/bucket-resolution.ts for the answer and functions/handlers/cfn-response.ts for the
 * contract). ResourceProperties: StackName, Mode ('generated' | 'custom' | 'shared', default
 * 'generated'), CustomBucketName, Region (default AWS_REGION), Partition (default from the region),
 * Token (ignored; change it to force an Update, e.g. after the first `serverless deploy`).
 * Data: BucketName, BucketNamePattern, BucketArn, Exact, Source. Delete answers SUCCESS at once.
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  BucketResolutionError,
  isBucketMode,
  isWildcardStackName,
  partitionForRegion,
  resolveDeploymentBucket,
  validateResolutionInput,
  type BucketMode,
} from '../core/bucket-resolution';
import { V4_SHARED_BUCKET_PARAMETER } from '../core/deployment-bucket';
import { callWithBackoff, describeError, runCustomResource, type WorkContext } from './cfn-response';

interface ResolverProperties {
  readonly StackName: string;
  readonly Mode: BucketMode;
  readonly CustomBucketName?: string;
  readonly Region: string;
  readonly Partition: string;
}

/** Clients per region, created on first use (Delete and custom mode never load the SDK). */
const cfnClients = new Map<string, CloudFormationClient>();
const ssmClients = new Map<string, SSMClient>();

export function physicalResourceIdFor(event: CloudFormationCustomResourceEvent): string {
  const stackName = (event.ResourceProperties as Record<string, unknown> | undefined)?.StackName;
  return `${typeof stackName === 'string' && stackName !== '' ? stackName.slice(0, 200) : event.LogicalResourceId}-deployment-bucket`;
}

function readProperties(raw: unknown): ResolverProperties {
  const p = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof p[key] === 'string' ? (p[key] as string).trim() : undefined) || undefined;
  const StackName = text('StackName');
  if (!StackName)
    throw new BucketResolutionError('Property StackName is required (the framework stack, <service>-<stage>).');
  const Mode = text('Mode') ?? 'generated';
  if (!isBucketMode(Mode))
    throw new BucketResolutionError(`Property Mode '${Mode}' is not 'generated', 'custom' or 'shared'.`);
  const Region = text('Region') ?? process.env.AWS_REGION;
  if (!Region) throw new BucketResolutionError('Property Region is missing and AWS_REGION is not set.');
  return {
    StackName,
    Mode,
    CustomBucketName: text('CustomBucketName'),
    Region,
    Partition: text('Partition') ?? partitionForRegion(Region),
  };
}

/** Runs one SDK look-up with backoff; an `absent` error means "not there (yet)", any other is explained. */
async function lookUp<T>(what: string, call: () => Promise<T>, absent: (e: unknown) => boolean, ctx: WorkContext) {
  try {
    return await callWithBackoff(call, { deadline: ctx.deadline, signal: ctx.signal, what });
  } catch (error) {
    if (absent(error)) return null;
    const message = describeError(error);
    throw new Error(message.startsWith(what) ? message : `${what}: ${message}`, { cause: error });
  }
}

async function observeStackBucket(stackName: string, region: string, ctx: WorkContext): Promise<string | null> {
  const { CloudFormationClient, DescribeStackResourceCommand } = await import('@aws-sdk/client-cloudformation');
  const client = cfnClients.get(region) ?? new CloudFormationClient({ region, maxAttempts: 1 });
  cfnClients.set(region, client);
  const command = new DescribeStackResourceCommand({
    StackName: stackName,
    LogicalResourceId: 'ServerlessDeploymentBucket',
  });
  const notFound = (e: unknown) =>
    (e as Error | undefined)?.name === 'ValidationError' && /does not exist/i.test((e as Error).message);
  const out = await lookUp(
    `DescribeStackResource ServerlessDeploymentBucket of stack ${stackName} in ${region}`,
    () => client.send(command, { abortSignal: ctx.signal }),
    notFound,
    ctx,
  );
  const detail = out?.StackResourceDetail;
  if (!detail?.PhysicalResourceId) return null;
  if (detail.ResourceType && detail.ResourceType !== 'AWS::S3::Bucket') return null;
  if (/^(DELETE_IN_PROGRESS|DELETE_COMPLETE|CREATE_FAILED)$/.test(detail.ResourceStatus ?? '')) return null;
  return detail.PhysicalResourceId;
}

async function readSharedParameter(region: string, ctx: WorkContext): Promise<string | null> {
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const client = ssmClients.get(region) ?? new SSMClient({ region, maxAttempts: 1 });
  ssmClients.set(region, client);
  const command = new GetParameterCommand({ Name: V4_SHARED_BUCKET_PARAMETER });
  const out = await lookUp(
    `GetParameter ${V4_SHARED_BUCKET_PARAMETER} in ${region}`,
    () => client.send(command, { abortSignal: ctx.signal }),
    (e) => (e as Error | undefined)?.name === 'ParameterNotFound',
    ctx,
  );
  return out?.Parameter?.Value ?? null;
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  await runCustomResource(
    event,
    context,
    async (ctx) => {
      if (event.RequestType === 'Delete') return { Reason: 'Nothing to delete' };
      if (event.RequestType !== 'Create' && event.RequestType !== 'Update') {
        throw new Error(`Unknown RequestType '${String((event as { RequestType?: unknown }).RequestType)}'.`);
      }
      const props = readProperties(event.ResourceProperties);
      validateResolutionInput(props);
      const generated = props.Mode === 'generated' && !isWildcardStackName(props.StackName);
      const data = resolveDeploymentBucket({
        ...props,
        ObservedBucketName: generated ? await observeStackBucket(props.StackName, props.Region, ctx) : null,
        SharedParameterValue: props.Mode === 'shared' ? await readSharedParameter(props.Region, ctx) : null,
      });
      return {
        PhysicalResourceId: event.RequestType === 'Update' ? event.PhysicalResourceId : physicalResourceIdFor(event),
        Data: { ...data },
        Reason: data.Source,
      };
    },
    { physicalResourceIdOnCreate: physicalResourceIdFor },
  );
}
