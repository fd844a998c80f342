import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStackResourceCommand,
  type DescribeStackResourceCommandOutput,
  type ResourceStatus,
} from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { handler } from '../../functions/handlers/bucket-resolver';
import {
  buildResponseBody,
  MAX_RESPONSE_BYTES,
  trimReason,
  type ResponseBody,
} from '../../functions/handlers/cfn-response';
import {
  BucketResolutionError,
  resolveDeploymentBucket,
  type BucketResolutionInput,
} from '../../functions/core/bucket-resolution';
import { matchesBucketNamePattern } from '../../functions/core/deployment-bucket';

const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: ResponseBody;
  at: number;
}

let server: Server;
let base = '';
const received: Received[] = [];
let failNextPuts = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failNextPuts > 0) {
        failNextPuts -= 1;
        res.writeHead(500).end();
        return;
      }
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ResponseBody,
        at: Date.now(),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const savedRegion = process.env.AWS_REGION;
beforeEach(() => {
  cfn.reset();
  ssm.reset();
  failNextPuts = 0;
  process.env.AWS_REGION = 'us-east-1';
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  process.env.AWS_REGION = savedRegion;
  jest.restoreAllMocks();
});

let eventCounter = 0;
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/access/6f1c0a10-0000-11f0-8000-0a1b2c3d4e5f';

function event(
  type: 'Create' | 'Update' | 'Delete',
  props: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): CloudFormationCustomResourceEvent {
  eventCounter += 1;
  return {
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:bucket-resolver',
    ResponseURL: `${base}/cfn-response/${eventCounter}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc${eventCounter}`,
    StackId: STACK_ID,
    RequestId: `request-${eventCounter}`,
    LogicalResourceId: 'AppDeploymentBucket',
    ResourceType: 'Custom::ServerlessDeploymentBucket',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:bucket-resolver',
      StackName: 'orders-dev',
      Mode: 'generated',
      Region: 'us-east-1',
      Partition: 'aws',
      ...props,
    },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'orders-dev-deployment-bucket' }),
    ...(type === 'Update' ? { OldResourceProperties: { ServiceToken: 'x', StackName: 'orders-dev' } } : {}),
    ...extra,
  } as CloudFormationCustomResourceEvent;
}

function contextWith(budgetMs: number): Context & { deadline: number } {
  const deadline = Date.now() + budgetMs;
  return {
    deadline,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    awsRequestId: 'lambda-request',
    functionName: 'bucket-resolver',
  } as unknown as Context & { deadline: number };
}

/** Invokes the handler and returns what the ResponseURL received for this event. */
async function invoke(e: CloudFormationCustomResourceEvent, budgetMs = 10_000, settleMs = 0) {
  const context = contextWith(budgetMs);
  const started = Date.now();
  await handler(e, context);
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  const path = new URL(e.ResponseURL).pathname;
  const puts = received.filter((r) => r.url.startsWith(`${path}?`));
  return { puts, body: puts[0]?.body, started, deadline: context.deadline, returnedAt: Date.now() };
}

function cfnError(name: string, message: string, status = 400) {
  return new CloudFormationServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
}

const bucketResource = (
  name: string,
  status: ResourceStatus = 'CREATE_COMPLETE',
): Omit<DescribeStackResourceCommandOutput, '$metadata'> => ({
  StackResourceDetail: {
    StackName: 'orders-dev',
    LogicalResourceId: 'ServerlessDeploymentBucket',
    PhysicalResourceId: name,
    ResourceType: 'AWS::S3::Bucket',
    ResourceStatus: status,
    LastUpdatedTimestamp: new Date(0),
  },
});

const ORDERS_BUCKET = 'orders-dev-serverlessdeploymentbucket-a1b2c3d4e5f6';

describe('bucket resolver: the custom-resource contract', () => {
  test('Create with the framework stack present answers SUCCESS with the exact name, once, in the required shape', async () => {
    cfn.on(DescribeStackResourceCommand).resolves(bucketResource(ORDERS_BUCKET));
    const e = event('Create');
    const { puts, body } = await invoke(e);

    expect(puts).toHaveLength(1);
    const put = puts[0];
    expect(put.method).toBe('PUT');
    expect(put.url).toBe(new URL(e.ResponseURL).pathname + new URL(e.ResponseURL).search);
    expect(put.headers['content-type']).toBe('');
    expect(Number(put.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(body)));
    expect(Object.keys(body).sort()).toEqual(
      ['Data', 'LogicalResourceId', 'NoEcho', 'PhysicalResourceId', 'Reason', 'RequestId', 'StackId', 'Status'].sort(),
    );
    expect(body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'orders-dev-deployment-bucket',
      StackId: e.StackId,
      RequestId: e.RequestId,
      LogicalResourceId: 'AppDeploymentBucket',
      NoEcho: false,
    });
    expect(body.Data).toEqual({
      BucketName: ORDERS_BUCKET,
      BucketNamePattern: 'orders-dev-serverlessdeploymentbuck*',
      BucketArn: `arn:aws:s3:::${ORDERS_BUCKET}`,
      Exact: 'true',
      Source: 'stack-resource: ServerlessDeploymentBucket of stack orders-dev in us-east-1',
    });
    expect(cfn.commandCalls(DescribeStackResourceCommand)).toHaveLength(1);
    expect(cfn.commandCalls(DescribeStackResourceCommand)[0].args[0].input).toEqual({
      StackName: 'orders-dev',
      LogicalResourceId: 'ServerlessDeploymentBucket',
    });
    expect(ssm.calls()).toHaveLength(0);
  });

  test('Update keeps the event PhysicalResourceId and narrows after a Token change', async () => {
    cfn.on(DescribeStackResourceCommand).resolves(bucketResource(ORDERS_BUCKET));
    const e = event('Update', { Token: 'after-first-deploy' }, { PhysicalResourceId: 'kept-physical-id' });
    const { puts, body } = await invoke(e);
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('SUCCESS');
    expect(body.PhysicalResourceId).toBe('kept-physical-id');
    expect(body.Data.Exact).toBe('true');
    expect(body.Data.BucketName).toBe(ORDERS_BUCKET);
  });

  test('Delete answers SUCCESS at once, keeps the PhysicalResourceId and makes no SDK call', async () => {
    cfn.on(DescribeStackResourceCommand).rejects(new Error('must not be called'));
    const e = event('Delete', {}, { PhysicalResourceId: 'orders-dev-deployment-bucket' });
    const { puts, body } = await invoke(e);
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('SUCCESS');
    expect(body.PhysicalResourceId).toBe('orders-dev-deployment-bucket');
    expect(cfn.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  test.each([
    ['garbage values', { StackName: 42, Mode: 'bogus', Region: ['x'], Partition: {} }],
    ['no properties at all', null],
  ])('Delete succeeds with %s', async (_label, props) => {
    const e = event('Delete', {}, { ResourceProperties: props, PhysicalResourceId: 'whatever-it-was' });
    const { puts, body } = await invoke(e);
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('SUCCESS');
    expect(body.PhysicalResourceId).toBe('whatever-it-was');
    expect(cfn.calls()).toHaveLength(0);
  });

  test('Delete of a resource whose Create failed before it had an id still succeeds', async () => {
    const e = event('Delete', {}, { PhysicalResourceId: '' });
    const { body } = await invoke(e);
    expect(body.Status).toBe('SUCCESS');
    expect(body.PhysicalResourceId).not.toBe('');
  });

  test('a stack that does not exist yet is not an error: the pattern, Exact false', async () => {
    cfn
      .on(DescribeStackResourceCommand)
      .rejects(cfnError('ValidationError', 'Stack with id orders-dev does not exist'));
    const { puts, body } = await invoke(event('Create'));
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data).toEqual({
      BucketName: '',
      BucketNamePattern: 'orders-dev-serverlessdeploymentbuck*',
      BucketArn: 'arn:aws:s3:::orders-dev-serverlessdeploymentbuck*',
      Exact: 'false',
      Source: expect.stringMatching(/^generated-pattern: stack orders-dev has no ServerlessDeploymentBucket yet/),
    });
  });

  test('a stack without ServerlessDeploymentBucket (v4 stack, or custom bucket) gives the pattern', async () => {
    cfn
      .on(DescribeStackResourceCommand)
      .rejects(cfnError('ValidationError', 'Resource ServerlessDeploymentBucket does not exist for stack orders-dev'));
    const { body } = await invoke(event('Create'));
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data.Exact).toBe('false');
    expect(body.Data.BucketArn).toBe('arn:aws:s3:::orders-dev-serverlessdeploymentbuck*');
  });

  test.each([
    ['still being created (no physical id)', bucketResource('', 'CREATE_IN_PROGRESS')],
    ['deleted', bucketResource(ORDERS_BUCKET, 'DELETE_COMPLETE')],
    ['failed to create', bucketResource(ORDERS_BUCKET, 'CREATE_FAILED')],
  ])('a bucket resource %s gives the pattern', async (_label, output) => {
    cfn.on(DescribeStackResourceCommand).resolves(output);
    const { body } = await invoke(event('Create'));
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data.Exact).toBe('false');
    expect(body.Data.BucketName).toBe('');
  });

  test('an observed name outside the naming rule is not trusted: pattern kept, Source says so', async () => {
    cfn.on(DescribeStackResourceCommand).resolves(bucketResource('someone-elses-secret-bucket'));
    const { body } = await invoke(event('Create'));
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data.Exact).toBe('false');
    expect(body.Data.BucketArn).toBe('arn:aws:s3:::orders-dev-serverlessdeploymentbuck*');
    expect(body.Data.Source).toMatch(/^observed-mismatch: .*someone-elses-secret-bucket.*does not match/);
  });

  test('custom bucket: the name as given, no SDK call', async () => {
    const { body } = await invoke(
      event('Create', {
        Mode: 'custom',
        CustomBucketName: 'acme-serverless-deployments-us-east-1',
        StackName: 'uploads-dev',
      }),
    );
    expect(body.Status).toBe('SUCCESS');
    expect(body.PhysicalResourceId).toBe('uploads-dev-deployment-bucket');
    expect(body.Data).toEqual({
      BucketName: 'acme-serverless-deployments-us-east-1',
      BucketNamePattern: 'acme-serverless-deployments-us-east-1',
      BucketArn: 'arn:aws:s3:::acme-serverless-deployments-us-east-1',
      Exact: 'true',
      Source: 'custom: provider.deploymentBucket names the bucket',
    });
    expect(cfn.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('custom mode without a bucket name fails readably', async () => {
    const { body } = await invoke(event('Create', { Mode: 'custom' }));
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toMatch(/Mode 'custom' needs CustomBucketName/);
    expect(body.PhysicalResourceId).toBe('orders-dev-deployment-bucket');
  });

  test('v4 shared bucket from its SSM parameter', async () => {
    ssm.on(GetParameterCommand).resolves({
      Parameter: {
        Name: '/serverless-framework/deployment/s3-bucket',
        Type: 'String',
        Value: JSON.stringify({
          bucketName: 'serverless-framework-deployments-eu-west-1-1b9d6bcd-bbfd',
          bucketRegion: 'eu-west-1',
        }),
      },
    });
    const { body } = await invoke(event('Create', { Mode: 'shared', Region: 'eu-west-1' }));
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data).toEqual({
      BucketName: 'serverless-framework-deployments-eu-west-1-1b9d6bcd-bbfd',
      BucketNamePattern: 'serverless-framework-deployments-eu-west-1-*',
      BucketArn: 'arn:aws:s3:::serverless-framework-deployments-eu-west-1-1b9d6bcd-bbfd',
      Exact: 'true',
      Source: 'ssm-parameter: /serverless-framework/deployment/s3-bucket in eu-west-1',
    });
    expect(ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({
      Name: '/serverless-framework/deployment/s3-bucket',
    });
    expect(await ssm.commandCalls(GetParameterCommand)[0].thisValue.config.region()).toBe('eu-west-1');
    expect(cfn.calls()).toHaveLength(0);
  });

  test('v4 shared bucket with the parameter missing: the region pattern, Exact false', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: { httpStatusCode: 400 }, message: '' }));
    const { body } = await invoke(event('Create', { Mode: 'shared', Region: 'eu-west-1' }));
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data).toMatchObject({
      BucketName: '',
      BucketNamePattern: 'serverless-framework-deployments-eu-west-1-*',
      BucketArn: 'arn:aws:s3:::serverless-framework-deployments-eu-west-1-*',
      Exact: 'false',
    });
    expect(body.Data.Source).toMatch(/^shared-pattern: /);
  });

  test('v4 shared parameter that is not the framework JSON fails readably', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'not json' } });
    const { body } = await invoke(event('Create', { Mode: 'shared' }));
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toMatch(/is not JSON/);
  });

  test('throttling, then success: retried with backoff', async () => {
    cfn
      .on(DescribeStackResourceCommand)
      .rejectsOnce(cfnError('Throttling', 'Rate exceeded'))
      .rejectsOnce(cfnError('Throttling', 'Rate exceeded'))
      .resolves(bucketResource(ORDERS_BUCKET));
    const { puts, body } = await invoke(event('Create'));
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data.BucketName).toBe(ORDERS_BUCKET);
    expect(cfn.commandCalls(DescribeStackResourceCommand)).toHaveLength(3);
  });

  test('throttling until the budget runs out: FAILED with a reason, before the Lambda deadline', async () => {
    cfn.on(DescribeStackResourceCommand).rejects(cfnError('Throttling', 'Rate exceeded'));
    const { puts, body, deadline } = await invoke(event('Create'), 2500);
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toMatch(
      /DescribeStackResource ServerlessDeploymentBucket of stack orders-dev in us-east-1: still throttled after \d+ attempts/,
    );
    expect(body.Reason).toMatch(/Throttling: Rate exceeded$/);
    expect(puts[0].at).toBeLessThan(deadline);
    expect(cfn.commandCalls(DescribeStackResourceCommand).length).toBeGreaterThan(2);
  });

  test('an unexpected error mid-way answers FAILED with a readable reason (no retry)', async () => {
    cfn
      .on(DescribeStackResourceCommand)
      .rejects(
        cfnError(
          'AccessDenied',
          'User: arn:aws:sts::123456789012:assumed-role/resolver/fn is not authorized to perform: cloudformation:DescribeStackResource',
          403,
        ),
      );
    const { puts, body } = await invoke(event('Create'));
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toBe(
      'DescribeStackResource ServerlessDeploymentBucket of stack orders-dev in us-east-1: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/resolver/fn is not authorized to perform: cloudformation:DescribeStackResource',
    );
    expect(body.PhysicalResourceId).toBe('orders-dev-deployment-bucket');
    expect(body.Data).toEqual({});
    expect(cfn.commandCalls(DescribeStackResourceCommand)).toHaveLength(1);
  });

  test('a crash in the code path (not an AWS error) answers FAILED too', async () => {
    cfn.on(DescribeStackResourceCommand).callsFake(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'PhysicalResourceId')");
    });
    const { body } = await invoke(event('Update'));
    expect(body.Status).toBe('FAILED');
    expect(body.PhysicalResourceId).toBe('orders-dev-deployment-bucket');
    expect(body.Reason).toMatch(/TypeError: Cannot read properties of undefined/);
  });

  test('a very long reason is trimmed, keeping its end', async () => {
    cfn.on(DescribeStackResourceCommand).rejects(cfnError('ValidationError', `${'x'.repeat(5000)} THE-END`));
    const { body, puts } = await invoke(event('Create'));
    expect(body.Status).toBe('FAILED');
    expect(body.Reason.length).toBeLessThanOrEqual(1024);
    expect(body.Reason.startsWith('...')).toBe(true);
    expect(body.Reason.endsWith(' THE-END')).toBe(true);
    expect(Number(puts[0].headers['content-length'])).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  test('a very long service+stage: truncated pattern, and the truncated name is accepted as exact', async () => {
    const stack = 'analytics-pipeline-processor-development';
    const bucket = 'analytics-pipeline-proce-serverlessdeploymentbuck-1x2y3z4w5v6u';
    cfn.on(DescribeStackResourceCommand).resolves(bucketResource(bucket));
    const { body } = await invoke(event('Create', { StackName: stack, Region: 'ap-southeast-2' }));
    expect(body.Status).toBe('SUCCESS');
    expect(body.PhysicalResourceId).toBe(`${stack}-deployment-bucket`);
    expect(body.Data).toEqual({
      BucketName: bucket,
      BucketNamePattern: 'analytics-pipeline-proce-serverlessdeploymentbuck*',
      BucketArn: `arn:aws:s3:::${bucket}`,
      Exact: 'true',
      Source: `stack-resource: ServerlessDeploymentBucket of stack ${stack} in ap-southeast-2`,
    });
    expect(await cfn.commandCalls(DescribeStackResourceCommand)[0].thisValue.config.region()).toBe('ap-southeast-2');
  });

  test('the timer answers FAILED before the deadline when the work hangs, and the late result is dropped', async () => {
    cfn
      .on(DescribeStackResourceCommand)
      .callsFake(() => new Promise((resolve) => setTimeout(() => resolve(bucketResource(ORDERS_BUCKET)), 1000)));
    const { puts, body, deadline, started, returnedAt } = await invoke(event('Create'), 1500, 900);
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toMatch(/^Timed out: .*1000 ms before the Lambda timeout/);
    expect(body.PhysicalResourceId).toBe('orders-dev-deployment-bucket');
    expect(puts[0].at).toBeLessThan(deadline);
    expect(puts[0].at - started).toBeGreaterThanOrEqual(450);
    expect(returnedAt).toBeGreaterThan(started + 1300); // the settle wait covered the late completion
    expect(cfn.commandCalls(DescribeStackResourceCommand)).toHaveLength(1);
  });

  test('a budget already below the margin answers FAILED right away', async () => {
    cfn.on(DescribeStackResourceCommand).callsFake(() => new Promise(() => undefined));
    const { puts, body, deadline } = await invoke(event('Create'), 800);
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('FAILED');
    expect(puts[0].at).toBeLessThan(deadline);
  });

  test('retries are idempotent: the same event twice gives the same PhysicalResourceId and Data', async () => {
    cfn.on(DescribeStackResourceCommand).resolves(bucketResource(ORDERS_BUCKET));
    const e = event('Create');
    const first = await invoke(e);
    const second = await invoke(e);
    expect(second.puts).toHaveLength(2); // one per invocation, same URL
    expect(second.puts[1].body).toEqual(first.body);
  });

  test('a failed PUT (HTTP 500) is retried so the answer still arrives', async () => {
    failNextPuts = 1;
    const { puts, body } = await invoke(event('Create', { Mode: 'custom', CustomBucketName: 'acme-deployments' }));
    expect(puts).toHaveLength(1);
    expect(body.Status).toBe('SUCCESS');
  });

  test('defaults: Mode generated, Region from AWS_REGION, Partition from the region', async () => {
    process.env.AWS_REGION = 'cn-north-1';
    cfn
      .on(DescribeStackResourceCommand)
      .rejects(cfnError('ValidationError', 'Stack with id orders-dev does not exist'));
    const e = event('Create');
    const props = e.ResourceProperties as Record<string, unknown>;
    delete props.Mode;
    delete props.Region;
    delete props.Partition;
    const { body } = await invoke(e);
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data.BucketArn).toBe('arn:aws-cn:s3:::orders-dev-serverlessdeploymentbuck*');
    expect(await cfn.commandCalls(DescribeStackResourceCommand)[0].thisValue.config.region()).toBe('cn-north-1');
  });

  test('a wildcard stack name (IamStage pr-*) is not looked up', async () => {
    const { body } = await invoke(event('Create', { StackName: 'orders-pr-*' }));
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data.BucketNamePattern).toBe('orders-pr-*-serverlessdeploymentbuck*');
    expect(body.Data.Exact).toBe('false');
    expect(cfn.calls()).toHaveLength(0);
  });

  test.each([
    [{ StackName: '' }, /StackName is required/],
    [{ Mode: 'v5' }, /Mode 'v5' is not/],
    [{ StackName: 'orders_dev' }, /is not a CloudFormation stack name/],
    [{ Partition: 'amazon' }, /Partition 'amazon' is not an AWS partition/],
  ])('invalid properties %j answer FAILED readably without an SDK call', async (props, reason) => {
    const { body } = await invoke(event('Create', props));
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toMatch(reason);
    expect(cfn.calls().length).toBe(0);
  });
});

describe('bucket resolution (pure)', () => {
  const base: BucketResolutionInput = {
    StackName: 'orders-dev',
    Partition: 'aws',
    Mode: 'generated',
    Region: 'us-east-1',
  };

  test.each<BucketResolutionInput>([
    base,
    { ...base, ObservedBucketName: ORDERS_BUCKET },
    { ...base, ObservedBucketName: 'unrelated' },
    {
      ...base,
      StackName: 'lambda-info-http-endpoint-dev',
      ObservedBucketName: 'lambda-info-http-endpoin-serverlessdeploymentbuck-2u8uz2i7cap2',
    },
    { ...base, Partition: 'aws-us-gov', Region: 'us-gov-west-1' },
    { ...base, Mode: 'custom', CustomBucketName: 'acme-deployments' },
    { ...base, Mode: 'shared', SharedParameterValue: null },
    { ...base, Mode: 'shared', SharedParameterValue: '{"bucketName":"admin-made-bucket","bucketRegion":"us-east-1"}' },
  ])('invariants hold for %j', (input) => {
    const r = resolveDeploymentBucket(input);
    expect(r.BucketArn).toBe(`arn:${input.Partition}:s3:::${r.Exact === 'true' ? r.BucketName : r.BucketNamePattern}`);
    expect(r.Exact === 'true').toBe(r.BucketName !== '');
    if (r.BucketName) expect(matchesBucketNamePattern(r.BucketName, r.BucketNamePattern)).toBe(true);
    expect(r.Source).toMatch(/^[a-z-]+: /);
  });

  test('a shared bucket outside the framework pattern (pre-created by an admin) is exact, pattern = name', () => {
    const r = resolveDeploymentBucket({
      ...base,
      Mode: 'shared',
      SharedParameterValue: '{"bucketName":"admin-made-bucket","bucketRegion":"eu-west-1"}',
    });
    expect(r).toMatchObject({ BucketName: 'admin-made-bucket', BucketNamePattern: 'admin-made-bucket', Exact: 'true' });
    expect(r.Source).toMatch(
      /\(bucketRegion eu-west-1\) names a bucket outside serverless-framework-deployments-us-east-1-\*/,
    );
  });

  test.each([
    [{ ...base, Mode: 'other' as never }, /Mode 'other'/],
    [{ ...base, Region: 'nowhere' }, /Region 'nowhere'/],
    [{ ...base, Mode: 'custom' as const, CustomBucketName: 'bucket-*' }, /without wildcards/],
    [
      { ...base, Mode: 'shared' as const, SharedParameterValue: '{"bucketRegion":"us-east-1"}' },
      /no valid "bucketName"/,
    ],
  ])('rejects %j', (input, message) => {
    expect(() => resolveDeploymentBucket(input)).toThrow(BucketResolutionError);
    expect(() => resolveDeploymentBucket(input)).toThrow(message);
  });
});

describe('cfn-response helpers', () => {
  test('trimReason keeps the end', () => {
    expect(trimReason('short')).toBe('short');
    const trimmed = trimReason(`${'a'.repeat(300)}END`, 256);
    expect(trimmed).toHaveLength(256);
    expect(trimmed.endsWith('aEND')).toBe(true);
    expect(trimmed.startsWith('...')).toBe(true);
  });

  test('the body stays under 4,096 bytes even with multi-byte reasons', () => {
    const e = event('Create');
    const body = buildResponseBody(e, 'FAILED', 'é'.repeat(5000), 'id');
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    const big = buildResponseBody(e, 'SUCCESS', 'ok', 'id', { Blob: 'x'.repeat(5000) });
    expect(big.Status).toBe('FAILED');
    expect(big.Reason).toMatch(/Response Data too large/);
  });
});
