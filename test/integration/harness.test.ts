/**
 * Proves the integration harness itself: the preinstalled Python tools are there, moto
 * (through moto_server_ext.py) deploys the IAM shapes the macro emits, and cfn-lint
 * reports what we rely on it for.
 */
import { spawnSync } from 'child_process';
import {
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { CloudFormationClient, ListExportsCommand } from '@aws-sdk/client-cloudformation';
import {
  awsClientConfig,
  checkMotoAvailable,
  deleteStack,
  deployStack,
  MotoServer,
  startMoto,
  updateStack,
} from '../../scripts/lib/moto';
import { errorsOf, lintTemplates } from '../support/cfn-lint';

const ACCOUNT = '123456789012'; // moto's default account

function policy(statement: object) {
  return { Version: '2012-10-17', Statement: [statement] };
}

/** Two groups, one managed policy attached to both groups and a role, Outputs with Export, a Condition. */
const OWN_STACK = {
  'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/orders-${Stage}/*',
};

function groupsTemplate(
  policyStatement: object = { Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: OWN_STACK },
  developersGroupName = 'orders-${Stage}-developers',
) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { Stage: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
    Resources: {
      DevelopersGroup: {
        Type: 'AWS::IAM::Group',
        Properties: { GroupName: { 'Fn::Sub': developersGroupName }, Path: '/serverless/' },
      },
      CiGroup: { Type: 'AWS::IAM::Group', Properties: { Path: '/serverless/' } },
      DescribeStackPolicy: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          PolicyDocument: policy(policyStatement),
          Groups: [{ Ref: 'DevelopersGroup' }, { Ref: 'CiGroup' }],
          Roles: [{ Ref: 'LambdaRole' }],
        },
      },
      LambdaRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: policy({
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          }),
        },
      },
    },
    Outputs: {
      DevelopersGroupArn: {
        Value: { 'Fn::GetAtt': ['DevelopersGroup', 'Arn'] },
        Export: { Name: { 'Fn::Sub': '${AWS::StackName}-DevelopersGroupArn' } },
      },
      DevelopersGroupName: {
        Value: { Ref: 'DevelopersGroup' },
        Export: { Name: { 'Fn::Sub': '${AWS::StackName}-DevelopersGroupName' } },
      },
      CiGroupName: { Value: { Ref: 'CiGroup' } },
      PolicyArn: { Value: { Ref: 'DescribeStackPolicy' } },
      LambdaRoleName: { Value: { Ref: 'LambdaRole' } },
      ProdOnly: { Condition: 'IsProd', Value: 'only in prod' },
    },
  };
}

describe('preinstalled Python tooling', () => {
  it('python3 imports moto 5.x and cfnlint', () => {
    const probe = spawnSync('python3', ['-c', 'import moto, cfnlint; print(moto.__version__)'], { encoding: 'utf8' });
    expect(probe.error).toBeUndefined();
    expect(probe.stderr).toBe('');
    expect(probe.stdout.trim()).toMatch(/^5\./);
  });

  it('cfn-lint on PATH is 1.x', () => {
    const run = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toMatch(/^cfn-lint 1\.\d+/);
  });

  it('a missing toolchain is an error, not a skip', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => checkMotoAvailable()).toThrow(/python3/);
      expect(() => lintTemplates({ t: groupsTemplate() })).toThrow(/cfn-lint/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('moto with the AWS::IAM::Group extension', () => {
  let moto: MotoServer;
  let iam: IAMClient;

  beforeAll(async () => {
    moto = await startMoto();
    iam = new IAMClient(awsClientConfig(moto.endpoint));
  });
  afterAll(async () => {
    iam?.destroy();
    await moto?.stop();
  });
  beforeEach(() => moto.reset());

  it('deploys groups, a managed policy attached to both groups and a role, and resolves Outputs/Exports', async () => {
    const result = await deployStack(moto.endpoint, 'orders-access-dev', groupsTemplate(), { Stage: 'dev' });

    expect(result.status).toBe('CREATE_COMPLETE');
    const { outputs } = result;
    expect(outputs.DevelopersGroupArn).toBe(`arn:aws:iam::${ACCOUNT}:group/serverless/orders-dev-developers`);
    expect(outputs.DevelopersGroupName).toBe('orders-dev-developers');
    expect(outputs.CiGroupName).toMatch(/^orders-access-dev-CiGroup-[A-Z0-9]+$/); // CloudFormation-generated name
    expect(outputs).not.toHaveProperty('ProdOnly'); // Condition false
    expect(result.exports).toEqual({
      'orders-access-dev-DevelopersGroupArn': outputs.DevelopersGroupArn,
      'orders-access-dev-DevelopersGroupName': 'orders-dev-developers',
    });
    const cfn = new CloudFormationClient(awsClientConfig(moto.endpoint));
    const { Exports = [] } = await cfn.send(new ListExportsCommand({}));
    cfn.destroy();
    expect(Exports.map((e) => e.Name).sort()).toEqual(Object.keys(result.exports).sort());

    for (const groupName of [outputs.DevelopersGroupName, outputs.CiGroupName]) {
      const { Group } = await iam.send(new GetGroupCommand({ GroupName: groupName }));
      expect(Group?.Path).toBe('/serverless/');
      const { AttachedPolicies } = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName }));
      expect(AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([outputs.PolicyArn]);
    }

    const { AttachedPolicies } = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: outputs.LambdaRoleName }),
    );
    expect(AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([outputs.PolicyArn]);

    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: outputs.PolicyArn }));
    expect(Policy?.AttachmentCount).toBe(3); // two groups and the role
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: outputs.PolicyArn, VersionId: Policy!.DefaultVersionId }),
    );
    expect(JSON.parse(decodeURIComponent(PolicyVersion!.Document!))).toEqual(
      policy({
        Effect: 'Allow',
        Action: 'cloudformation:DescribeStacks',
        Resource: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/orders-dev/*`, // Fn::Sub resolved
      }),
    );
  });

  it('updates: a renamed group keeps its attachment, the policy gets a new default version, Outputs/Exports follow', async () => {
    const before = await deployStack(moto.endpoint, 'orders-access-dev', groupsTemplate());
    const widened = {
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents'],
      Resource: OWN_STACK,
    };
    const { outputs, exports } = await updateStack(
      moto.endpoint,
      'orders-access-dev',
      groupsTemplate(widened, 'orders-${Stage}-devs'),
    );

    expect(outputs.DevelopersGroupName).toBe('orders-dev-devs');
    expect(exports['orders-access-dev-DevelopersGroupArn']).toBe(
      `arn:aws:iam::${ACCOUNT}:group/serverless/orders-dev-devs`,
    );
    expect(outputs.PolicyArn).toBe(before.outputs.PolicyArn); // updated in place, not replaced
    await expect(iam.send(new GetGroupCommand({ GroupName: 'orders-dev-developers' }))).rejects.toThrow(/not found/i);
    for (const groupName of ['orders-dev-devs', outputs.CiGroupName]) {
      const { AttachedPolicies } = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName }));
      expect(AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([outputs.PolicyArn]);
    }
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: outputs.PolicyArn }));
    expect(Policy?.DefaultVersionId).toBe('v2');
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: outputs.PolicyArn, VersionId: 'v2' }),
    );
    expect(JSON.parse(decodeURIComponent(PolicyVersion!.Document!)).Statement[0].Action).toEqual(widened.Action);
  });

  it('reset() drops all state', async () => {
    const { outputs } = await deployStack(moto.endpoint, 'orders-access-dev', groupsTemplate());
    await moto.reset();
    await expect(iam.send(new GetGroupCommand({ GroupName: outputs.DevelopersGroupName }))).rejects.toThrow(
      /not found/i,
    );
  });

  it('deleteStack removes the groups, the policy and the role', async () => {
    const { outputs } = await deployStack(moto.endpoint, 'orders-access-dev', groupsTemplate());
    await deleteStack(moto.endpoint, 'orders-access-dev');
    await expect(iam.send(new GetGroupCommand({ GroupName: outputs.DevelopersGroupName }))).rejects.toThrow(
      /not found/i,
    );
    const { Policies = [] } = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(Policies).toEqual([]);
    const { Roles = [] } = await iam.send(new ListRolesCommand({}));
    expect(Roles).toEqual([]);
  });

  it("a malformed policy fails the deployment with IAM's reason and rolls back", async () => {
    const template = groupsTemplate({ Effect: 'allow', Action: 'cloudformation:DescribeStacks', Resource: '*' });
    await expect(deployStack(moto.endpoint, 'orders-access-bad', template)).rejects.toThrow(
      /ROLLBACK_COMPLETE: .*MalformedPolicyDocument/,
    );
    const { Policies = [] } = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(Policies).toEqual([]);
  });
});

describe('cfn-lint', () => {
  it('passes the template above and reports E3510 for Effect: allow, in one run', () => {
    const findings = lintTemplates({
      good: groupsTemplate(),
      bad: groupsTemplate({ Effect: 'allow', Action: 'cloudformation:DescribeStacks', Resource: '*' }),
    });
    expect(errorsOf(findings.good)).toEqual([]);
    expect(errorsOf(findings.bad)).toContainEqual(
      expect.objectContaining({
        Rule: 'E3510',
        Level: 'Error',
        Path: ['Resources', 'DescribeStackPolicy', 'Properties', 'PolicyDocument', 'Statement', 0, 'Effect'],
      }),
    );
  });
});
