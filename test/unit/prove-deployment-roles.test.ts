/**
 * `npm run prove -- --deployment-roles` (scripts/lib/prove/deployment-roles.ts): the wiring of serverless.yml, and
 * how one recorded run is judged per group: the CLI's stack calls with the group's own role, CloudFormation's
 * resource-handler calls as the group's deployment role (its own session: no aws:CalledVia).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  asServiceRole,
  deploymentRoleArnOf,
  viewOf,
  wireDeploymentRole,
  withGroupRole,
} from '../../scripts/lib/prove/deployment-roles';
import { stepRequests } from '../../scripts/lib/prove/evaluate';
import type { IamRequest, ServiceFacts, StepRecord } from '../../scripts/lib/prove/types';

const ACCOUNT = '123456789012';
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/cf-orders-dev-deploy-admin`;
const UPDATE = `arn:aws:iam::${ACCOUNT}:role/cf-orders-dev-deploy-update`;

describe('wireDeploymentRole', () => {
  it("sets provider.iam.deploymentRole to the macro's admin role and drops provider.cfnRole", () => {
    const dir = mkdtempSync(join(tmpdir(), 'prove-deprole-'));
    const file = join(dir, 'serverless.yml');
    writeFileSync(
      file,
      'service: orders\nprovider:\n  name: aws\n  cfnRole: arn:aws:iam::123456789012:role/old\n  iam:\n    role:\n      statements: []\n',
    );
    expect(wireDeploymentRole(file, 'orders', 'dev', ACCOUNT)).toBe(ADMIN);
    const yml = parse(readFileSync(file, 'utf8'));
    expect(yml.provider.cfnRole).toBeUndefined();
    expect(yml.provider.iam).toEqual({ role: { statements: [] }, deploymentRole: ADMIN });
  });

  it('names the roles as the macro does (fitName)', () => {
    expect(deploymentRoleArnOf('orders', 'dev', 'update', ACCOUNT)).toBe(UPDATE);
    const long = deploymentRoleArnOf('hippopotamus-migration-orchestrator', 'performance-testing', 'admin', ACCOUNT);
    expect(long.slice(long.lastIndexOf('/') + 1)).toHaveLength(64);
    expect(long).toMatch(/-deploy-admin$/);
  });
});

describe('judging one run per group', () => {
  const stack = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/orders-dev/00000000-0000-4000-8000-000000000001`;
  const cli: IamRequest = {
    action: 'cloudformation:UpdateStack',
    resource: stack,
    context: { 'aws:ViaAWSService': 'false', 'cloudformation:RoleArn': ADMIN },
    via: 'cli',
    origin: 'CloudFormation.updateStack #3',
    mapId: 'CloudFormation.updateStack',
  };
  const pass: IamRequest = {
    ...cli,
    action: 'iam:PassRole',
    resource: ADMIN,
    context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
  };

  it("gives each group its own role in the CLI's stack calls and role passes", () => {
    const dev = viewOf('developer', 'orders', 'dev', ACCOUNT, { admin: [], update: [] });
    expect(dev.roleArn).toBe(UPDATE);
    expect(withGroupRole(cli, dev.adminRoleArn, dev.roleArn).context['cloudformation:RoleArn']).toBe(UPDATE);
    expect(withGroupRole(pass, dev.adminRoleArn, dev.roleArn).resource).toBe(UPDATE);
    const admin = viewOf('admin', 'orders', 'dev', ACCOUNT, { admin: [], update: [] });
    expect(withGroupRole(cli, admin.adminRoleArn, admin.roleArn)).toBe(cli);
  });

  it("makes CloudFormation's calls the role's own session", () => {
    const r = asServiceRole(
      {
        action: 'lambda:CreateFunction',
        resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-dev-hello`,
        context: {
          'aws:ViaAWSService': 'true',
          'aws:CalledVia': ['cloudformation.amazonaws.com'],
          'aws:CalledViaFirst': 'cloudformation.amazonaws.com',
          'aws:CalledViaLast': 'cloudformation.amazonaws.com',
        },
        via: 'cloudformation',
        origin: 'AWS::Lambda::Function Hello (create)',
        mapId: 'cfn:AWS::Lambda::Function.create',
      },
      UPDATE,
    );
    expect(r.context).toEqual({ 'aws:ViaAWSService': 'false', 'aws:PrincipalArn': UPDATE });
  });

  it("derives CloudFormation's calls of a step that passed a role only in this mode", () => {
    const template = {
      Resources: {
        HelloLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/orders-dev-hello' } },
      },
    };
    const after = { template, physical: { HelloLogGroup: '/aws/lambda/orders-dev-hello' }, stackId: stack };
    const step = {
      kind: 'deploy-create',
      argv: ['deploy'],
      exitCode: 0,
      calls: [
        { seq: 1, service: 'CloudFormation', op: 'createStack', input: { StackName: 'orders-dev', RoleARN: ADMIN } },
      ],
      before: undefined,
      after,
      emulated: [],
      durationMs: 0,
      output: '',
    } as unknown as StepRecord;
    const facts = { service: 'orders', stage: 'dev', region: 'us-east-1', stackName: 'orders-dev' } as ServiceFacts;
    const onBehalf = (on: boolean) =>
      stepRequests(step, facts, [after], on).requests.filter((r) => r.via === 'cloudformation');
    expect(onBehalf(false)).toEqual([]);
    expect(onBehalf(true).map((r) => r.action)).toContain('logs:CreateLogGroup');
  });
});
