/**
 * Custom::ServerlessDeploymentBucket end to end on moto: the bucket resolver's own bundle (scripts/build.ts),
 * deployed as template.yaml deploys it (translated from SAM as `npm run rollout` does, code zips in S3), is
 * run by moto_server_ext.py's Custom:: emulation (a real `node` process, a local ResponseURL) whenever the
 * Access stack the macro expands is created, updated, rolled back or deleted.
 *
 * moto names generated buckets its own way (test/fixtures/recorded/README.md, "Generated names"): nothing here asserts AWS's
 * truncation rule against moto; the tests read the name moto generated back and compare with that.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListGroupsCommand,
  ListPoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { CreateFunctionCommand, DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildAll } from '../../scripts/build';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { expandTemplate } from '../../scripts/lib/harness';
import { SERVICES_DIR } from '../../scripts/lib/repo-data';
import {
  buildStackSetTemplate,
  codeKeyFor,
  serverlessFunctions,
  zipFiles,
  type Template,
} from '../../scripts/lib/stackset-template';
import { awsClientConfig, deleteStack, deployStack, MotoServer, startMoto, updateStack } from '../../scripts/lib/moto';

const ACCOUNT = '123456789012'; // moto's default account
const REGION = 'us-east-1';
const MACRO_NAME = 'FormidableServerless';
const RESOLVER_EXPORT = `${MACRO_NAME}-BucketResolverArn`;
const MACRO_STACK = 'formidable-serverless';
const CODE_BUCKET_PREFIX = 'formidable-code';
const REPO = resolve(__dirname, '..', '..');

// --- the macro's own stack: template.yaml, translated, its code zips in moto's S3 ------------------------

interface MacroStack {
  template: Template;
  zips: { key: string; zip: Buffer }[];
}

/** Builds the bundles into `outRoot` and translates template.yaml, pointing each CodeUri at its zip. */
async function prepareMacroStack(outRoot: string): Promise<MacroStack> {
  await buildAll(outRoot);
  const sam = parseTemplate(readFileSync(join(REPO, 'template.yaml'), 'utf8')) as Template;
  const codeKeys: Record<string, string> = {};
  const zips = serverlessFunctions(sam).map(({ functionId, codeUri }) => {
    const dir = join(outRoot, relative('dist', codeUri)); // CodeUri dist/<fn>/ -> <outRoot>/<fn>
    const zip = zipFiles(readdirSync(dir).map((name) => ({ name, data: readFileSync(join(dir, name)) })));
    codeKeys[functionId] = codeKeyFor(codeUri, zip);
    return { key: codeKeys[functionId], zip };
  });
  return { template: buildStackSetTemplate(sam, { codeKeys }).template, zips };
}

/** Uploads the code and deploys the macro stack; returns the exported resolver ARN. */
async function deployMacroStack(endpoint: string, prepared: MacroStack): Promise<string> {
  const s3 = new S3Client({ ...awsClientConfig(endpoint), forcePathStyle: true });
  try {
    const Bucket = `${CODE_BUCKET_PREFIX}-${REGION}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    for (const { key, zip } of prepared.zips) await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: zip }));
  } finally {
    s3.destroy();
  }
  const { exports } = await deployStack(endpoint, MACRO_STACK, prepared.template, {
    CodeBucketPrefix: CODE_BUCKET_PREFIX,
  });
  // template.yaml names the resolver <MacroName>-bucket-resolver (ResolverFunctionName=named, the default)
  expect(exports[RESOLVER_EXPORT]).toBe(
    `arn:aws:lambda:${REGION}:${ACCOUNT}:function:FormidableServerless-bucket-resolver`,
  );
  return exports[RESOLVER_EXPORT];
}

// --- helpers ---------------------------------------------------------------------------------------------

function expand(template: Record<string, unknown>): Promise<Record<string, unknown>> {
  return expandTemplate(template, {
    region: REGION,
    accountId: ACCOUNT,
    macroNames: [MACRO_NAME],
    requestId: 'bucket-resolver-moto',
  });
}

function accessTemplate(properties: Record<string, unknown>) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Access for a Serverless service (expanded in-process by the macro handler)',
    Resources: { Access: { Type: 'Formidable::Serverless::Access', Properties: properties } },
  };
}

const ORDERS = { ServiceName: 'orders', SlsServiceName: 'orders', Stage: 'dev' }; // 01-basic: service orders

function fixtureTemplate(fixture: string, stage: string): object {
  return JSON.parse(
    readFileSync(join(SERVICES_DIR, fixture, stage, 'cloudformation-template-create-stack.json'), 'utf8'),
  );
}

interface Invocation {
  Event: Record<string, unknown>;
  Attempts: { exitCode: number | null; timedOut: boolean; durationMs: number; stdout: string; stderr: string }[];
  Responses: string[];
  Outcome: {
    Status: 'SUCCESS' | 'FAILED';
    Reason?: string;
    PhysicalResourceId?: string;
    Data?: Record<string, string>;
  };
}

async function invocations(endpoint: string): Promise<Invocation[]> {
  const res = await fetch(`${endpoint}/moto-api/ext/custom-resources`);
  return ((await res.json()) as { Invocations: Invocation[] }).Invocations;
}

const S3_ARN = /^arn:aws:s3:::/;

/** Every S3 resource of the managed policies attached to the groups the stack's outputs name, read back from IAM. */
async function s3ResourcesOfPolicies(iam: IAMClient, outputs: Record<string, string>): Promise<string[]> {
  const arns = new Set<string>();
  for (const [, GroupName] of Object.entries(outputs).filter(([k]) => /GroupName$/.test(k))) {
    const { AttachedPolicies = [] } = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName }));
    for (const p of AttachedPolicies) arns.add(p.PolicyArn!);
  }
  expect(arns.size).toBeGreaterThan(0);
  const resources: string[] = [];
  for (const PolicyArn of arns) {
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy!.DefaultVersionId }),
    );
    const document = JSON.parse(decodeURIComponent(PolicyVersion!.Document!)) as {
      Statement: { Resource?: string | string[] }[];
    };
    for (const s of document.Statement) resources.push(...[s.Resource ?? []].flat().filter((r) => S3_ARN.test(r)));
  }
  return resources;
}

/** The deployment-bucket statements name exactly `bucketArn` (the bucket and this stage's artifacts). */
function expectDeploymentBucketStatements(resources: string[], bucketArn: string) {
  const ofBucket = resources.filter((r) => r === bucketArn || r.startsWith(`${bucketArn}/`));
  expect(ofBucket).toContain(bucketArn);
  expect(ofBucket).toContain(`${bucketArn}/serverless/orders/dev/*`);
  // nothing else names a deployment bucket: no stale pattern, no other bucket
  expect(resources.filter((r) => /serverlessdeploymentbuck/.test(r) && !ofBucket.includes(r))).toEqual([]);
}

async function stackEvents(cfn: CloudFormationClient, stackName: string) {
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  return StackEvents.reverse(); // oldest first
}

describe('Custom::ServerlessDeploymentBucket on moto, served by the resolver bundle', () => {
  let moto: MotoServer;
  let cfn: CloudFormationClient;
  let iam: IAMClient;
  let outRoot: string;
  let prepared: MacroStack;
  let resolverArn: string;

  beforeAll(async () => {
    outRoot = mkdtempSync(join(tmpdir(), 'resolver-dist-'));
    [moto, prepared] = await Promise.all([startMoto(), prepareMacroStack(outRoot)]);
    cfn = new CloudFormationClient(awsClientConfig(moto.endpoint));
    iam = new IAMClient(awsClientConfig(moto.endpoint));
  });
  afterAll(async () => {
    cfn?.destroy();
    iam?.destroy();
    await moto?.stop();
    if (outRoot) rmSync(outRoot, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await moto.reset();
    resolverArn = await deployMacroStack(moto.endpoint, prepared);
  });

  async function frameworkBucket(stackName: string): Promise<string> {
    const { StackResourceDetail } = await cfn.send(
      new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: 'ServerlessDeploymentBucket' }),
    );
    expect(StackResourceDetail?.ResourceType).toBe('AWS::S3::Bucket');
    return StackResourceDetail!.PhysicalResourceId!;
  }

  it('before the framework stack exists: the pattern (Exact false); a changed DeploymentBucketToken then narrows to the exact bucket', async () => {
    const created = await deployStack(moto.endpoint, 'orders-access-dev', await expand(accessTemplate(ORDERS)));
    const pattern = 'arn:aws:s3:::orders-dev-serverlessdeploymentbuck*';
    expect(created.outputs.AccessDeploymentBucketArn).toBe(pattern);
    const { StackResourceDetail } = await cfn.send(
      new DescribeStackResourceCommand({ StackName: 'orders-access-dev', LogicalResourceId: 'AccessDeploymentBucket' }),
    );
    expect(StackResourceDetail).toMatchObject({
      ResourceType: 'Custom::ServerlessDeploymentBucket',
      PhysicalResourceId: 'orders-dev-deployment-bucket',
    });
    expectDeploymentBucketStatements(await s3ResourcesOfPolicies(iam, created.outputs), pattern);

    const [create] = await invocations(moto.endpoint);
    expect(create.Event).toMatchObject({
      RequestType: 'Create',
      ServiceToken: resolverArn,
      LogicalResourceId: 'AccessDeploymentBucket',
      ResourceType: 'Custom::ServerlessDeploymentBucket',
      StackId: created.stackId,
      ResourceProperties: {
        ServiceToken: resolverArn,
        StackName: 'orders-dev',
        Mode: 'generated',
        Region: REGION,
        Partition: 'aws',
      },
    });
    expect(create.Event.ResponseURL).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/cloudformation-custom-resource-response-useast1\/.+X-Amz-Signature=/,
    );
    expect(create.Attempts).toHaveLength(1);
    expect(create.Responses).toHaveLength(1); // exactly one answer
    expect(create.Outcome).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'orders-dev-deployment-bucket',
      Data: {
        BucketName: '',
        BucketNamePattern: 'orders-dev-serverlessdeploymentbuck*',
        BucketArn: pattern,
        Exact: 'false',
        Source: expect.stringMatching(
          /^generated-pattern: stack orders-dev has no ServerlessDeploymentBucket yet in us-east-1/,
        ),
      },
    });

    // the admin's first `serverless deploy`, then the documented narrowing: a stack update with a new token
    await deployStack(moto.endpoint, 'orders-dev', fixtureTemplate('01-basic', 'dev'));
    const bucket = await frameworkBucket('orders-dev');
    const updated = await updateStack(
      moto.endpoint,
      'orders-access-dev',
      await expand(accessTemplate({ ...ORDERS, DeploymentBucketToken: 'first-deploy' })),
    );
    expect(updated.outputs.AccessDeploymentBucketArn).toBe(`arn:aws:s3:::${bucket}`);
    expect(updated.exports['orders-access-dev-Access-DeploymentBucketArn']).toBe(`arn:aws:s3:::${bucket}`);
    const resources = await s3ResourcesOfPolicies(iam, updated.outputs);
    expectDeploymentBucketStatements(resources, `arn:aws:s3:::${bucket}`);
    expect(resources).not.toContain(pattern);

    const all = await invocations(moto.endpoint);
    expect(all.map((i) => i.Event.RequestType)).toEqual(['Create', 'Update']); // same physical id: no cleanup Delete
    const update = all[1];
    expect(update.Event).toMatchObject({
      RequestType: 'Update',
      PhysicalResourceId: 'orders-dev-deployment-bucket',
      ResourceProperties: { Token: 'first-deploy', StackName: 'orders-dev' },
    });
    expect(update.Event.OldResourceProperties).not.toHaveProperty('Token');
    expect(update.Outcome).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'orders-dev-deployment-bucket',
      Data: {
        BucketName: bucket,
        BucketArn: `arn:aws:s3:::${bucket}`,
        Exact: 'true',
        Source: expect.stringMatching(/^stack-resource: /),
      },
    });
  });

  it('framework stack first: Create answers the exact bucket moto generated; a normal delete sends Delete and removes everything', async () => {
    await deployStack(moto.endpoint, 'orders-dev', fixtureTemplate('01-basic', 'dev'));
    const bucket = await frameworkBucket('orders-dev');
    expect(bucket).toMatch(/^orders-dev-serverlessdeploymentbucket-[a-z0-9]+$/); // moto's own naming, read back

    const { outputs } = await deployStack(moto.endpoint, 'orders-access-dev', await expand(accessTemplate(ORDERS)));
    expect(outputs.AccessDeploymentBucketArn).toBe(`arn:aws:s3:::${bucket}`);
    expectDeploymentBucketStatements(await s3ResourcesOfPolicies(iam, outputs), `arn:aws:s3:::${bucket}`);
    for (const group of ['AdminGroupName', 'DeveloperGroupName', 'CiGroupName']) {
      const { AttachedPolicies = [] } = await iam.send(
        new ListAttachedGroupPoliciesCommand({ GroupName: outputs[`Access${group}`] }),
      );
      expect(AttachedPolicies.length).toBeGreaterThan(0);
    }

    await deleteStack(moto.endpoint, 'orders-access-dev');
    const all = await invocations(moto.endpoint);
    expect(all.map((i) => [i.Event.RequestType, i.Outcome.Status])).toEqual([
      ['Create', 'SUCCESS'],
      ['Delete', 'SUCCESS'],
    ]);
    expect(all[1].Event).toMatchObject({
      PhysicalResourceId: 'orders-dev-deployment-bucket',
      ResourceProperties: { StackName: 'orders-dev' },
    });
    const { Policies = [] } = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(Policies.map((p) => p.PolicyName)).toEqual([]);
    const { Groups = [] } = await iam.send(new ListGroupsCommand({}));
    expect(Groups).toEqual([]);
  });

  it('deleting the Access stack after the resolver function was deleted: DELETE_FAILED (nothing answers), then RetainResources completes it', async () => {
    await deployStack(moto.endpoint, 'orders-access-dev', await expand(accessTemplate(ORDERS)));
    // An administrator deletes the function outside CloudFormation (its stack cannot go while the export is imported).
    const lambda = new LambdaClient(awsClientConfig(moto.endpoint));
    try {
      await lambda.send(new DeleteFunctionCommand({ FunctionName: resolverArn }));
    } finally {
      lambda.destroy();
    }

    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'orders-access-dev' }));
    const stackId = Stacks![0].StackId!;
    await expect(deleteStack(moto.endpoint, 'orders-access-dev')).rejects.toThrow(
      /ended DELETE_FAILED: .*AccessDeploymentBucket DELETE_FAILED: CloudFormation did not receive a response from your Custom Resource.*does not exist/,
    );
    // Everything but the custom resource is gone already: the groups and policies do not wait for it.
    expect((await iam.send(new ListGroupsCommand({}))).Groups).toEqual([]);
    expect((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies).toEqual([]);

    // RetainResources is only accepted once the stack is DELETE_FAILED, as on AWS; the resolver created nothing to leak.
    await cfn.send(new DeleteStackCommand({ StackName: stackId, RetainResources: ['AccessDeploymentBucket'] }));
    const { Stacks: after } = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    expect(after![0].StackStatus).toBe('DELETE_COMPLETE');
    const events = await stackEvents(cfn, stackId);
    expect(events.filter((e) => e.LogicalResourceId === 'AccessDeploymentBucket').map((e) => e.ResourceStatus)).toEqual(
      ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_SKIPPED'],
    );
    expect((await iam.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName)).not.toContain(
      'cf-orders-dev-us-east-1-lambdaRole',
    );
  });

  it("FAILED: an invalid Mode rolls the Access stack back with the resolver's reason, and the rollback sends Delete", async () => {
    const template = await expand(accessTemplate(ORDERS));
    const resolver = (template.Resources as Record<string, { Properties: Record<string, unknown> }>)
      .AccessDeploymentBucket;
    resolver.Properties.Mode = 'bogus';

    await expect(deployStack(moto.endpoint, 'orders-access-dev', template)).rejects.toThrow(
      "ended ROLLBACK_COMPLETE: AccessDeploymentBucket CREATE_FAILED: Received response status [FAILED] from custom resource. Message returned: BucketResolutionError: Property Mode 'bogus' is not 'generated', 'custom' or 'shared'.",
    );
    const all = await invocations(moto.endpoint);
    expect(all.map((i) => [i.Event.RequestType, i.Outcome.Status])).toEqual([
      ['Create', 'FAILED'],
      ['Delete', 'SUCCESS'],
    ]);
    expect(all[0].Outcome.PhysicalResourceId).toBe('orders-dev-deployment-bucket'); // stable even when failing
    expect(all[1].Event.PhysicalResourceId).toBe('orders-dev-deployment-bucket');
    expect((await iam.send(new ListGroupsCommand({}))).Groups).toEqual([]);
    expect((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies).toEqual([]);
  });

  it('10-long-names: moto cuts the 40-character stack name its own way, outside the pattern, so the resolver keeps the pattern', async () => {
    // Not AWS's rule (moto keeps the whole logical id and cuts the stack part to 23 characters): this checks
    // that an observed name the naming rule does not predict never widens the grant.
    await deployStack(
      moto.endpoint,
      'analytics-pipeline-processor-development',
      fixtureTemplate('10-long-names', 'development'),
    );
    const bucket = await frameworkBucket('analytics-pipeline-processor-development');
    const { outputs } = await deployStack(
      moto.endpoint,
      'analytics-access-development',
      await expand(
        accessTemplate({
          ServiceName: 'analytics-pipeline-processor',
          SlsServiceName: 'analytics-pipeline-processor',
          Stage: 'development',
        }),
      ),
    );
    expect(outputs.AccessDeploymentBucketArn).toBe('arn:aws:s3:::analytics-pipeline-proce-serverlessdeploymentbuck*');
    const [create] = await invocations(moto.endpoint);
    expect(create.Outcome.Data).toMatchObject({ Exact: 'false', BucketName: '' });
    expect(create.Outcome.Data!.Source).toBe(
      `observed-mismatch: ServerlessDeploymentBucket of stack analytics-pipeline-processor-development is ${bucket}, which does not match analytics-pipeline-proce-serverlessdeploymentbuck*; kept the pattern`,
    );
  });
});

// --- the emulation itself, with small handlers -------------------------------------------------------------

/** A handler that answers with what it saw: the event, the Lambda environment and context. */
const ECHO_HANDLER = `
const http = require('http');
exports.handler = async (event, context) => {
  const p = event.ResourceProperties;
  if (p.Mode === 'crash') throw new Error('crashed before answering');
  const seen = {
    RequestType: event.RequestType, ResourceType: event.ResourceType, Props: p, Old: event.OldResourceProperties || null,
    PhysicalResourceId: event.PhysicalResourceId || null, Endpoint: process.env.AWS_ENDPOINT_URL, Region: process.env.AWS_REGION,
    Remaining: context.getRemainingTimeInMillis(), FunctionName: context.functionName,
  };
  const body = JSON.stringify({
    Status: p.Mode === 'fail' && event.RequestType !== 'Delete' ? 'FAILED' : 'SUCCESS', Reason: p.Mode === 'fail' ? 'told to fail' : 'ok',
    PhysicalResourceId: event.PhysicalResourceId && event.RequestType === 'Delete' ? event.PhysicalResourceId : 'echo-' + p.Id,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { Seen: JSON.stringify(seen), Id: p.Id },
  });
  const put = () => new Promise((resolve, reject) => {
    const url = new URL(event.ResponseURL);
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
  await put();
  if (p.Mode === 'twice') await put();
};
`;

const LAMBDA_ROLE = {
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
  },
};

describe('moto_server_ext.py Custom:: emulation', () => {
  let moto: MotoServer;
  let dir: string;
  let echoZip: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'echo-handler-'));
    writeFileSync(join(dir, 'echo.js'), ECHO_HANDLER);
    echoZip = zipFiles([{ name: 'src/echo.js', data: Buffer.from(ECHO_HANDLER) }]);
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => moto.reset());

  /** The echo function (Handler src/echo.handler, from a zip in S3) and a custom resource it serves. */
  function echoTemplate(properties: Record<string, unknown>, type = 'Custom::Echo') {
    return {
      Resources: {
        EchoRole: LAMBDA_ROLE,
        EchoFunction: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs24.x',
            Handler: 'src/echo.handler',
            Timeout: 5,
            Role: { 'Fn::GetAtt': ['EchoRole', 'Arn'] },
            Code: { S3Bucket: 'echo-code', S3Key: 'echo.zip' },
          },
        },
        Echo: { Type: type, Properties: { ServiceToken: { 'Fn::GetAtt': ['EchoFunction', 'Arn'] }, ...properties } },
        // refers to the custom resource, so its Delete has to wait for this one
        Marker: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Name: 'echo-marker', Type: 'String', Value: { 'Fn::GetAtt': ['Echo', 'Id'] } },
        },
      },
      Outputs: { Ref: { Value: { Ref: 'Echo' } }, Seen: { Value: { 'Fn::GetAtt': ['Echo', 'Seen'] } } },
    };
  }

  async function uploadEcho() {
    const s3 = new S3Client({ ...awsClientConfig(moto.endpoint), forcePathStyle: true });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'echo-code' }));
      await s3.send(new PutObjectCommand({ Bucket: 'echo-code', Key: 'echo.zip', Body: echoZip }));
    } finally {
      s3.destroy();
    }
  }

  it('sends the real event (properties as strings), reads PhysicalResourceId and Data; Update carries the old properties; a new id is a replacement', async () => {
    await uploadEcho();
    const created = await deployStack(
      moto.endpoint,
      'echo',
      echoTemplate({ Id: 'one', Count: 3, Flag: true, List: [1, 'a'] }),
    );
    expect(created.outputs.Ref).toBe('echo-one');
    const seen = JSON.parse(created.outputs.Seen);
    expect(seen).toMatchObject({
      RequestType: 'Create',
      ResourceType: 'Custom::Echo',
      Old: null,
      PhysicalResourceId: null,
      Props: { Id: 'one', Count: '3', Flag: 'true', List: ['1', 'a'] },
      Endpoint: moto.endpoint,
      Region: REGION,
      FunctionName: expect.stringMatching(/^echo-EchoFunction-/),
    });
    expect(seen.Remaining).toBeGreaterThan(1000);
    expect(seen.Remaining).toBeLessThanOrEqual(5000);

    const updated = await updateStack(
      moto.endpoint,
      'echo',
      echoTemplate({ Id: 'two', Count: 3, Flag: true, List: [1, 'a'] }),
    );
    expect(updated.outputs.Ref).toBe('echo-two');
    expect(JSON.parse(updated.outputs.Seen)).toMatchObject({
      RequestType: 'Update',
      PhysicalResourceId: 'echo-one',
      Old: { Id: 'one' },
      Props: { Id: 'two' },
    });
    // unchanged properties: no request at all
    await updateStack(moto.endpoint, 'echo', {
      ...echoTemplate({ Id: 'two', Count: 3, Flag: true, List: [1, 'a'] }),
      Description: 'only this changed',
    });

    await deleteStack(moto.endpoint, 'echo');
    const all = await invocations(moto.endpoint);
    expect(all.map((i) => [i.Event.RequestType, i.Event.PhysicalResourceId ?? null, i.Outcome.Status])).toEqual([
      ['Create', null, 'SUCCESS'],
      ['Update', 'echo-one', 'SUCCESS'],
      ['Delete', 'echo-one', 'SUCCESS'], // the replaced resource, after the update succeeded
      ['Delete', 'echo-two', 'SUCCESS'],
    ]);
  });

  it('a handler that crashes without answering is retried twice, then the stack rolls back with "did not receive a response"', async () => {
    await uploadEcho();
    await expect(deployStack(moto.endpoint, 'echo', echoTemplate({ Id: 'x', Mode: 'crash' }))).rejects.toThrow(
      /ended ROLLBACK_COMPLETE: Echo CREATE_FAILED: CloudFormation did not receive a response from your Custom Resource\..*3 invocation\(s\); the last exited with code 1; log tail: .*crashed before answering/,
    );
    const [create, ...rest] = await invocations(moto.endpoint);
    expect(create.Attempts.map((a) => a.exitCode)).toEqual([1, 1, 1]);
    expect(rest).toEqual([]); // no physical id was ever answered, so the rollback has nothing to Delete
  });

  it('FAILED, and answering twice, fail the resource with a readable reason', async () => {
    await uploadEcho();
    await expect(deployStack(moto.endpoint, 'echo-fail', echoTemplate({ Id: 'x', Mode: 'fail' }))).rejects.toThrow(
      'ended ROLLBACK_COMPLETE: Echo CREATE_FAILED: Received response status [FAILED] from custom resource. Message returned: told to fail',
    );
    await expect(deployStack(moto.endpoint, 'echo-twice', echoTemplate({ Id: 'x', Mode: 'twice' }))).rejects.toThrow(
      /Echo CREATE_FAILED: Custom resource answered the ResponseURL 2 times/,
    );
  });

  it('POST /moto-api/ext/lambda-code runs a registered file for a function whose zip holds something else', async () => {
    const lambda = new LambdaClient(awsClientConfig(moto.endpoint));
    try {
      const role = await deployStack(moto.endpoint, 'role', {
        Resources: { R: LAMBDA_ROLE },
        Outputs: { Arn: { Value: { 'Fn::GetAtt': ['R', 'Arn'] } } },
      });
      const { FunctionArn } = await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'registered',
          Runtime: 'nodejs24.x',
          Handler: 'index.handler',
          Role: role.outputs.Arn,
          Code: { ZipFile: zipFiles([{ name: 'README', data: Buffer.from('not code') }]) },
        }),
      );
      const res = await fetch(`${moto.endpoint}/moto-api/ext/lambda-code`, {
        method: 'POST',
        body: JSON.stringify({ FunctionArn, Path: join(dir, 'echo.js'), Handler: 'handler' }),
      });
      expect(res.status).toBe(200);
      const { outputs } = await deployStack(moto.endpoint, 'registered', {
        Resources: {
          Echo: { Type: 'AWS::CloudFormation::CustomResource', Properties: { ServiceToken: FunctionArn, Id: 'r' } },
        },
        Outputs: { Ref: { Value: { Ref: 'Echo' } } },
      });
      expect(outputs.Ref).toBe('echo-r');
    } finally {
      lambda.destroy();
    }
  });
});
