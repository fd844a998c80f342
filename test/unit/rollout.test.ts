import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  UpdateStackSetCommand,
  type StackInstanceSummary,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { AUTO_DEPLOYMENT, failureMessage, planRollout, requiredCapabilities, type RolloutTarget } from '../../scripts/lib/rollout-plan';
import {
  buildStackSetTemplate,
  codeBucketPolicy,
  codeKeyFor,
  samtranslatorAvailable,
  stackSetProblems,
  translateBuiltin,
  zipFiles,
  type Template,
} from '../../scripts/lib/stackset-template';
import { parseRolloutArgs, runRollout } from '../../scripts/rollout';

const OU1 = 'ou-ab12-11111111';
const OU2 = 'ou-ab12-22222222';
const WRITES = [CreateStackSetCommand, UpdateStackSetCommand, CreateStackInstancesCommand];

/** A small SAM template shaped like template.yaml: a function with its own role, a log group, the macro. */
const SAM = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  MacroName: { Type: String, Default: FormidableServerless }
Globals:
  Function:
    Runtime: nodejs24.x
    Handler: index.handler
    Environment: { Variables: { NODE_OPTIONS: --enable-source-maps } }
Resources:
  MacroFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: dist/macro/
      MemorySize: 512
      Role: !GetAtt MacroRole.Arn
      LoggingConfig: { LogGroup: !Ref MacroLogGroup }
  MacroLogGroup:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Sub '/aws/lambda/\${AWS::StackName}-macro', RetentionInDays: 30 }
  MacroRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
  Macro:
    Type: AWS::CloudFormation::Macro
    Properties: { Name: !Ref MacroName, FunctionName: !GetAtt MacroFunction.Arn }
`;

let root: string;
const cfnMock = mockClient(CloudFormationClient);
const cfn = new CloudFormationClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rollout-test-'));
  writeFileSync(join(root, 'template.yaml'), SAM);
  mkdirSync(join(root, 'dist', 'macro'), { recursive: true });
  writeFileSync(join(root, 'dist', 'macro', 'index.js'), 'exports.handler=async e=>({requestId:e.requestId,status:"success",fragment:e.fragment});\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => cfnMock.reset());

async function rollout(extra: string[] = []) {
  const lines: string[] = [];
  const code = await runRollout(
    ['--organizational-unit', OU1, '--organizational-unit', OU2, '--regions', 'us-east-1,eu-west-1', '--code-bucket-prefix', 'acme-macro-code', '--poll-seconds', '0', '--translator', 'builtin', ...extra],
    { cfn, log: (l) => lines.push(l), sleep: async () => undefined, rootDir: root },
  );
  return { code, out: lines.join('\n') };
}

function notFound() {
  return Object.assign(new Error('StackSet formidable-serverless-access not found'), { name: 'StackSetNotFoundException' });
}

function writeCalls() {
  return WRITES.flatMap((c) => cfnMock.commandCalls(c as never));
}

function instance(ou: string, account: string, region: string, status: StackInstanceSummary['Status'] = 'CURRENT'): StackInstanceSummary {
  return { OrganizationalUnitId: ou, Account: account, Region: region, Status: status, StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } };
}

describe('rollout: create path', () => {
  test('creates a service-managed StackSet with auto-deployment, then stack instances for every OU and region, showing progress', async () => {
    cfnMock.on(DescribeStackSetCommand).rejects(notFound());
    cfnMock.on(CreateStackSetCommand).resolves({ StackSetId: 'formidable-serverless-access:1111' });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-create-0001' });
    cfnMock
      .on(DescribeStackSetOperationCommand)
      .resolvesOnce({ StackSetOperation: { Status: 'QUEUED' } })
      .resolvesOnce({ StackSetOperation: { Status: 'RUNNING' } })
      .resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock
      .on(ListStackSetOperationResultsCommand)
      .resolvesOnce({ Summaries: [] })
      .resolvesOnce({ Summaries: [{ Account: '111111111111', Region: 'us-east-1', Status: 'SUCCEEDED' }, { Account: '222222222222', Region: 'us-east-1', Status: 'RUNNING' }, { Account: '111111111111', Region: 'eu-west-1', Status: 'PENDING' }] })
      .resolves({ Summaries: [{ Account: '111111111111', Region: 'us-east-1', Status: 'SUCCEEDED' }, { Account: '222222222222', Region: 'us-east-1', Status: 'SUCCEEDED' }, { Account: '111111111111', Region: 'eu-west-1', Status: 'SUCCEEDED' }] });
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [instance(OU1, '111111111111', 'us-east-1'), instance(OU2, '222222222222', 'us-east-1'), instance(OU1, '111111111111', 'eu-west-1')] });

    const { code, out } = await rollout();
    expect(code).toBe(0);

    const create = cfnMock.commandCalls(CreateStackSetCommand);
    expect(create).toHaveLength(1);
    const input = create[0].args[0].input;
    expect(input.PermissionModel).toBe('SERVICE_MANAGED');
    expect(input.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
    expect(input.Capabilities).toEqual(['CAPABILITY_IAM']);
    expect(input.Parameters).toEqual([{ ParameterKey: 'CodeBucketPrefix', ParameterValue: 'acme-macro-code' }]);
    const body = JSON.parse(input.TemplateBody!);
    expect(body.Transform).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('AWS::Serverless');
    expect(body.Resources.MacroFunction.Type).toBe('AWS::Lambda::Function');
    expect(body.Resources.MacroFunction.Properties.Code).toEqual({
      S3Bucket: { 'Fn::Sub': '${CodeBucketPrefix}-${AWS::Region}' },
      S3Key: expect.stringMatching(/^formidable-serverless-access\/macro-[0-9a-f]{16}\.zip$/),
    });

    const instances = cfnMock.commandCalls(CreateStackInstancesCommand);
    expect(instances).toHaveLength(1);
    expect(instances[0].args[0].input).toMatchObject({ DeploymentTargets: { OrganizationalUnitIds: [OU1, OU2] }, Regions: ['us-east-1', 'eu-west-1'], OperationPreferences: { FailureToleranceCount: 0 } });
    expect(cfnMock.commandCalls(UpdateStackSetCommand)).toHaveLength(0);

    // progress while the operation runs, then the final instance list
    expect(out).toMatch(/CreateStackInstances op-creat QUEUED/);
    expect(out).toMatch(/CreateStackInstances op-creat RUNNING: 1 succeeded, 1 running, 1 pending \(3 stack instances\)/);
    expect(out).toMatch(/CreateStackInstances op-creat SUCCEEDED: 3 succeeded \(3 stack instances\)/);
    expect(out).toMatch(/Done\. Stack instances/);
    expect(out).toMatch(/222222222222\s+us-east-1\s+ou-ab12-22222222\s+CURRENT/);
    // what to upload and the bucket policy
    expect(out).toMatch(/aws s3 cp dist\/stackset\/macro-[0-9a-f]{16}\.zip s3:\/\/acme-macro-code-eu-west-1\/formidable-serverless-access\/macro-[0-9a-f]{16}\.zip --region eu-west-1/);
    expect(out).toContain('aws:PrincipalOrgID');
    // the rolled-out template is kept for review
    expect(JSON.parse(readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8'))).toEqual(body);
  });
});

describe('rollout: update path', () => {
  test('updates a StackSet whose template changed and adds only the missing OU/region instances', async () => {
    cfnMock.on(DescribeStackSetCommand).resolves({
      StackSet: {
        StackSetName: 'formidable-serverless-access',
        Status: 'ACTIVE',
        PermissionModel: 'SERVICE_MANAGED',
        TemplateBody: '{"Resources":{"Old":{"Type":"AWS::SNS::Topic"}}}',
        Parameters: [{ ParameterKey: 'CodeBucketPrefix', ParameterValue: 'acme-macro-code' }],
        Capabilities: ['CAPABILITY_IAM'],
        AutoDeployment: AUTO_DEPLOYMENT,
        ManagedExecution: { Active: true },
        OrganizationalUnitIds: [OU1],
        Regions: ['us-east-1'],
      },
    });
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [instance(OU1, '111111111111', 'us-east-1')] });
    cfnMock.on(UpdateStackSetCommand).resolves({ OperationId: 'op-update-1' });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-instances-1' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });

    const { code, out } = await rollout();
    expect(code).toBe(0);
    expect(cfnMock.commandCalls(CreateStackSetCommand)).toHaveLength(0);
    const update = cfnMock.commandCalls(UpdateStackSetCommand);
    expect(update).toHaveLength(1);
    const u = update[0].args[0].input;
    // no DeploymentTargets/Regions: CloudFormation updates every stack instance of the StackSet
    expect(u.DeploymentTargets).toBeUndefined();
    expect(u.Regions).toBeUndefined();
    expect(u.AutoDeployment).toEqual(AUTO_DEPLOYMENT);
    expect(u.PermissionModel).toBe('SERVICE_MANAGED');
    expect(JSON.parse(u.TemplateBody!).Resources.Macro.Type).toBe('AWS::CloudFormation::Macro');
    expect(out).toMatch(/UpdateStackSet formidable-serverless-access \(all its stack instances\) - template changed/);

    // OU1 misses eu-west-1, OU2 misses both: two operations, grouped by region list
    const created = cfnMock.commandCalls(CreateStackInstancesCommand).map((c) => c.args[0].input);
    expect(created).toEqual([
      expect.objectContaining({ DeploymentTargets: { OrganizationalUnitIds: [OU1] }, Regions: ['eu-west-1'] }),
      expect.objectContaining({ DeploymentTargets: { OrganizationalUnitIds: [OU2] }, Regions: ['us-east-1', 'eu-west-1'] }),
    ]);
    // update first, then the new instances (which get the new template)
    const order = cfnMock.calls().map((c) => c.args[0].constructor.name).filter((n) => n !== 'DescribeStackSetOperationCommand' && n !== 'ListStackSetOperationResultsCommand' && n !== 'ListStackInstancesCommand');
    expect(order).toEqual(['DescribeStackSetCommand', 'UpdateStackSetCommand', 'CreateStackInstancesCommand', 'CreateStackInstancesCommand']);
  });

  test('a second run with nothing changed makes no write call', async () => {
    // first, capture the template the rollout builds
    await rollout(['--dry-run']);
    const body = readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8');
    cfnMock.reset();
    cfnMock.on(DescribeStackSetCommand).resolves({
      StackSet: {
        Status: 'ACTIVE',
        PermissionModel: 'SERVICE_MANAGED',
        TemplateBody: JSON.stringify(JSON.parse(body)),
        Parameters: [{ ParameterKey: 'CodeBucketPrefix', ParameterValue: 'acme-macro-code' }],
        Capabilities: ['CAPABILITY_IAM'],
        AutoDeployment: AUTO_DEPLOYMENT,
        ManagedExecution: { Active: true },
        Description: 'Formidable::Serverless::Access CloudFormation macro (npm run rollout)',
      },
    });
    cfnMock.on(ListStackInstancesCommand).resolves({
      Summaries: [instance(OU1, '111111111111', 'us-east-1'), instance(OU1, '111111111111', 'eu-west-1'), instance(OU2, '222222222222', 'us-east-1'), instance(OU2, '222222222222', 'eu-west-1')],
    });
    const { code, out } = await rollout();
    expect(code).toBe(0);
    expect(writeCalls()).toHaveLength(0);
    expect(out).toContain('Nothing to do');
  });

  test('refuses to take over a SELF_MANAGED StackSet of the same name', async () => {
    cfnMock.on(DescribeStackSetCommand).resolves({ StackSet: { Status: 'ACTIVE', PermissionModel: 'SELF_MANAGED', TemplateBody: '{}' } });
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    const { code, out } = await rollout();
    expect(code).toBe(1);
    expect(out).toMatch(/exists with SELF_MANAGED permissions/);
    expect(writeCalls()).toHaveLength(0);
  });

  test('waits while another operation holds the StackSet, then goes on', async () => {
    cfnMock.on(DescribeStackSetCommand).rejects(notFound());
    cfnMock.on(CreateStackSetCommand).resolves({});
    cfnMock
      .on(CreateStackInstancesCommand)
      .rejectsOnce(Object.assign(new Error('Another Operation on StackSet is in progress'), { name: 'OperationInProgressException' }))
      .resolves({ OperationId: 'op-2' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    const { code, out } = await rollout();
    expect(code).toBe(0);
    expect(cfnMock.commandCalls(CreateStackInstancesCommand)).toHaveLength(2);
    expect(out).toContain('another operation is running');
  });
});

describe('rollout: dry run', () => {
  test('prints the plan and makes only read calls', async () => {
    cfnMock.on(DescribeStackSetCommand).rejects(notFound());
    const { code, out } = await rollout(['--dry-run']);
    expect(code).toBe(0);
    expect(writeCalls()).toHaveLength(0);
    expect(cfnMock.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeStackSetCommand']);
    expect(out).toMatch(/1\. CreateStackSet formidable-serverless-access \(SERVICE_MANAGED, auto-deployment on/);
    expect(out).toMatch(/2\. CreateStackInstances formidable-serverless-access: OUs ou-ab12-11111111, ou-ab12-22222222 x regions us-east-1, eu-west-1/);
    expect(out).toContain('Dry run: no change was made.');
  });

  test('without credentials or network, a dry run still prints the plan (as if new)', async () => {
    cfnMock.on(DescribeStackSetCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { code, out } = await rollout(['--dry-run']);
    expect(code).toBe(0);
    expect(out).toMatch(/warning: cannot read StackSet/);
    expect(out).toMatch(/CreateStackSet/);
    expect(writeCalls()).toHaveLength(0);
  });
});

describe('rollout: a failed stack instance stops the rollout', () => {
  test('names the account, region and reason (with a hint), and exits 1', async () => {
    cfnMock.on(DescribeStackSetCommand).rejects(notFound());
    cfnMock.on(CreateStackSetCommand).resolves({});
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-fail-1' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'RUNNING' } });
    const reason = 'ResourceLogicalId:MacroFunction, ResourceType:AWS::Lambda::Function, ResourceStatusReason:Your access has been denied by S3, please make sure your request credentials have permission to GetObject for acme-macro-code-eu-west-1/formidable-serverless-access/macro.zip.';
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({
      Summaries: [
        { Account: '111111111111', Region: 'us-east-1', Status: 'SUCCEEDED' },
        { Account: '333333333333', Region: 'eu-west-1', Status: 'FAILED', StatusReason: reason },
      ],
    });
    const { code, out } = await rollout();
    expect(code).toBe(1);
    expect(out).toContain('Rollout stopped: CreateStackInstances (operation op-fail-1) RUNNING - 1 stack instance(s) failed:');
    expect(out).toContain(`account 333333333333 in eu-west-1: FAILED: ${reason}`);
    expect(out).toMatch(/hint: Lambda could not read the code object/);
    expect(out).toMatch(/run the same command again/);
    // it stopped: no further polling once the failure was seen
    expect(cfnMock.commandCalls(DescribeStackSetOperationCommand)).toHaveLength(1);
  });

  test('an operation that ends FAILED without per-instance results reports the failed stack instances', async () => {
    cfnMock.on(DescribeStackSetCommand).resolves({ StackSet: { Status: 'ACTIVE', PermissionModel: 'SERVICE_MANAGED', TemplateBody: '{}', AutoDeployment: AUTO_DEPLOYMENT } });
    cfnMock
      .on(ListStackInstancesCommand)
      .resolvesOnce({ Summaries: [] })
      .resolves({
        Summaries: [{ Account: '444444444444', Region: 'us-east-1', OrganizationalUnitId: OU1, Status: 'OUTDATED', StatusReason: 'Resource handler returned message: "Macro FormidableServerless already exists"', StackInstanceStatus: { DetailedStatus: 'FAILED' } }],
      });
    cfnMock.on(UpdateStackSetCommand).resolves({ OperationId: 'op-upd-fail' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'FAILED', StatusReason: 'The operation exceeded the failure tolerance' } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const { code, out } = await rollout();
    expect(code).toBe(1);
    expect(out).toContain('UpdateStackSet (operation op-upd-fail) FAILED');
    expect(out).toContain('account 444444444444 in us-east-1: FAILED: Resource handler returned message: "Macro FormidableServerless already exists"');
    expect(out).toMatch(/hint: A resource with that name already exists/);
    expect(cfnMock.commandCalls(CreateStackInstancesCommand)).toHaveLength(0);
  });
});

describe('rollout: arguments and inputs', () => {
  test('a bad OU id, a missing region list or a missing code bucket prefix is a usage error (exit 2) before any call', async () => {
    const lines: string[] = [];
    const opts = { cfn, log: (l: string) => lines.push(l), rootDir: root };
    expect(await runRollout(['--organizational-unit', 'ou-bad', '--regions', 'us-east-1', '--code-bucket-prefix', 'b1'], opts)).toBe(2);
    expect(await runRollout(['--organizational-unit', OU1, '--code-bucket-prefix', 'b1'], opts)).toBe(2);
    expect(await runRollout(['--organizational-unit', OU1, '--regions', 'us-east-1'], opts)).toBe(2);
    expect(lines.join('\n')).toMatch(/ou-bad is not an OU id/);
    expect(lines.join('\n')).toMatch(/--regions is required/);
    expect(lines.join('\n')).toMatch(/--code-bucket-prefix is required/);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('--template refuses a template with a Transform (StackSets would fail on the macro)', async () => {
    const lines: string[] = [];
    const code = await runRollout(['--organizational-unit', OU1, '--regions', 'us-east-1', '--template', 'template.yaml'], { cfn, log: (l) => lines.push(l), rootDir: root });
    expect(code).toBe(2);
    expect(lines.join('\n')).toMatch(/Transform "AWS::Serverless-2016-10-31": StackSets with service-managed permissions do not support macros/);
  });

  test('the organization root id targets the whole organization; lists and repeats are accepted', () => {
    const a = parseRolloutArgs(['--organizational-unit', 'r-ab12', '--ou', `${OU1},${OU2}`, '--regions', 'us-east-1', '--regions', 'eu-west-1,us-east-1', '--dry-run']);
    expect(a.organizationalUnits).toEqual(['r-ab12', OU1, OU2]);
    expect(a.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(a.dryRun).toBe(true);
    expect(a.stackSetName).toBe('formidable-serverless-access');
  });
});

describe('rollout plan (pure)', () => {
  const target: RolloutTarget = { stackSetName: 'x', organizationalUnits: [OU1], regions: ['us-east-1'], templateBody: '{"Resources":{}}', parameters: {}, capabilities: [] };

  test('OUTDATED instances from an earlier stopped run trigger an update even with an unchanged template', () => {
    const plan = planRollout(target, {
      stackSet: { Status: 'ACTIVE', PermissionModel: 'SERVICE_MANAGED', TemplateBody: '{ "Resources": {} }', AutoDeployment: AUTO_DEPLOYMENT, ManagedExecution: { Active: true } },
      instances: [instance(OU1, '111111111111', 'us-east-1', 'OUTDATED')],
    });
    expect(plan.steps.map((s) => s.kind)).toEqual(['update-stack-set']);
    expect(plan.steps[0].why).toMatch(/1 stack instance\(s\) OUTDATED/);
  });

  test('auto-deployment switched off by hand is switched back on', () => {
    const plan = planRollout(target, {
      stackSet: { Status: 'ACTIVE', PermissionModel: 'SERVICE_MANAGED', TemplateBody: '{"Resources":{}}', AutoDeployment: { Enabled: false }, ManagedExecution: { Active: true } },
      instances: [instance(OU1, '111111111111', 'us-east-1')],
    });
    expect(plan.steps[0].why).toMatch(/auto-deployment/);
  });

  test('an OU the StackSet targets but without accounts is not re-targeted on every run', () => {
    const plan = planRollout(target, {
      stackSet: { Status: 'ACTIVE', PermissionModel: 'SERVICE_MANAGED', TemplateBody: '{"Resources":{}}', AutoDeployment: AUTO_DEPLOYMENT, ManagedExecution: { Active: true }, OrganizationalUnitIds: [OU1], Regions: ['us-east-1'] },
      instances: [],
    });
    expect(plan.steps).toEqual([]);
  });

  test('capabilities follow the template: IAM resources, named IAM resources, none', () => {
    expect(requiredCapabilities({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: {} } } })).toEqual(['CAPABILITY_IAM']);
    expect(requiredCapabilities({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r' } } } })).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(requiredCapabilities({ Resources: { T: { Type: 'AWS::SNS::Topic' } } })).toEqual([]);
  });

  test('failure message without per-instance detail falls back to the operation reason', () => {
    expect(failureMessage('UpdateStackSet', 'op', 'STOPPED', [], 'stopped by user')).toContain('stopped by user');
  });
});

describe('StackSet template', () => {
  const sam = parseTemplate(SAM) as Template;
  const codeKeys = { MacroFunction: 'formidable-serverless-access/macro-0123456789abcdef.zip' };

  test('the built-in translation has no transform, no SAM resource, and regional S3 code', () => {
    const { template, translator, codeObjects } = buildStackSetTemplate(sam, { codeKeys, translator: 'builtin' });
    expect(translator).toBe('builtin');
    expect(stackSetProblems(template)).toEqual([]);
    expect(template.Globals).toBeUndefined();
    expect(template.Parameters?.CodeBucketPrefix).toMatchObject({ Type: 'String' });
    expect(template.Resources?.MacroFunction).toEqual({
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
        MemorySize: 512,
        LoggingConfig: { LogGroup: { Ref: 'MacroLogGroup' } },
        Code: { S3Bucket: { 'Fn::Sub': '${CodeBucketPrefix}-${AWS::Region}' }, S3Key: codeKeys.MacroFunction },
        Role: { 'Fn::GetAtt': ['MacroRole', 'Arn'] },
      },
    });
    expect(codeObjects).toEqual([{ functionId: 'MacroFunction', codeUri: 'dist/macro/', key: codeKeys.MacroFunction }]);
  });

  test('a function without Role gets an execution role with the basic execution policy and its inline policies', () => {
    const t = translateBuiltin({
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Fn: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'i.h', Runtime: 'nodejs24.x', CodeUri: { Bucket: 'b', Key: 'k' }, Policies: [{ Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' }] }], Tags: { team: 'platform' } } },
      },
    });
    expect(t.Resources?.Fn.Properties).toMatchObject({ Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] }, Tags: [{ Key: 'team', Value: 'platform' }], Code: { S3Bucket: 'b', S3Key: 'k' } });
    expect(t.Resources?.FnRole.Properties).toMatchObject({
      ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }],
      Policies: [{ PolicyName: 'FnRolePolicy0', PolicyDocument: { Statement: [{ Action: 'ssm:GetParameter' }] } }],
    });
  });

  test('the built-in translation refuses what it does not translate, instead of dropping it', () => {
    expect(() => translateBuiltin({ Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { CodeUri: { Bucket: 'b', Key: 'k' }, Events: { Api: {} } } } } })).toThrow(/Events is not supported/);
    expect(() => translateBuiltin({ Resources: { Api: { Type: 'AWS::Serverless::Api', Properties: {} } } })).toThrow(/AWS::Serverless::Api is not supported/);
    expect(() => translateBuiltin({ Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { CodeUri: { Bucket: 'b', Key: 'k' }, Policies: ['AmazonS3ReadOnlyAccess'] } } } })).toThrow(/policy template or managed policy name/);
  });

  test('a function without a code key is an error', () => {
    expect(() => buildStackSetTemplate(sam, { codeKeys: {}, translator: 'builtin' })).toThrow(/no code key for MacroFunction/);
  });

  test('stackSetProblems finds Transform, Fn::Transform and AWS::Serverless resources', () => {
    const problems = stackSetProblems({ Transform: 'FormidableServerless', Resources: { A: { Type: 'AWS::Serverless::Function' }, B: { Type: 'AWS::SNS::Topic', Properties: { 'Fn::Transform': { Name: 'AWS::Include' } } } } });
    expect(problems).toHaveLength(3);
  });

  (samtranslatorAvailable() ? test : test.skip)('samtranslator and the built-in translation agree on the project template.yaml', () => {
    const project = parseTemplate(readFileSync(join(__dirname, '..', '..', 'template.yaml'), 'utf8')) as Template;
    const keys = { MacroFunction: 'p/macro-1.zip', BucketResolverFunction: 'p/bucket-resolver-1.zip' };
    const a = buildStackSetTemplate(project, { codeKeys: keys, translator: 'samtranslator' });
    const b = buildStackSetTemplate(project, { codeKeys: keys, translator: 'builtin' });
    expect(a.translator).toBe('samtranslator');
    const canonical = (v: unknown): unknown => (Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, canonical(x)])) : v);
    expect(canonical(a.template)).toEqual(canonical(b.template));
    expect(stackSetProblems(a.template)).toEqual([]);
  });

  test('zips are deterministic, so the content-hash key only changes with the code', () => {
    const files = [{ name: 'index.js', data: Buffer.from('exports.handler=1') }];
    const z1 = zipFiles(files);
    const z2 = zipFiles(files);
    expect(z1.equals(z2)).toBe(true);
    expect(z1.readUInt32LE(0)).toBe(0x04034b50);
    expect(codeKeyFor('dist/macro/', z1)).toBe(codeKeyFor('dist/macro', z2));
    expect(codeKeyFor('dist/macro/', z1)).not.toBe(codeKeyFor('dist/macro/', zipFiles([{ name: 'index.js', data: Buffer.from('exports.handler=2') }])));
  });

  test('the code bucket policy lets the whole organization read the code objects, nothing else', () => {
    expect(codeBucketPolicy('acme-us-east-1', 'o-abc123')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'OrganizationReadsMacroCode', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-us-east-1/formidable-serverless-access/*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }],
    });
  });
});
