/**
 * DeploymentRoles (issue 11), with the real evaluator (iam-simulate):
 * - the groups: each runs its own stack only with its own role (an update or change set with the other group's
 *   role, a stranger's, or none, which CloudFormation would run as the role the stack remembers, is denied), passes
 *   its role to CloudFormation only, holds no through-the-stack grant, and keeps its own CLI calls;
 * - the roles: admin's creates and deletes functions, log groups and bounded roles of its service and stage; the
 *   update role changes what exists and nothing else; neither writes IAM outside the boundary or reaches another
 *   stage or service;
 * - one source of truth: for every resource handler of every fixture service's template (scripts/lib/prove/
 *   cfn-on-behalf.json), the admin role decides as the admin group decided through the stack in classic mode, and
 *   the update role as the developer group did: the roles carry exactly the catalog's through-the-stack reach.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP_ROLES, type GroupRole } from '../../functions/catalog/types';
import { macroBoundaryArn } from '../../functions/core/boundary';
import {
  deploymentRoleName,
  GROUP_DEPLOYMENT_ROLE,
  type DeploymentRoleKind,
} from '../../functions/core/deployment-role';
import { logicalIds } from '../../functions/core/naming';
import { PARTITION } from '../../scripts/lib/prove/calls';
import { handlerRequests, type Handler } from '../../scripts/lib/prove/on-behalf';
import { rolePolicies } from '../../scripts/lib/prove/deployment-roles';
import { ACCESS_LOGICAL_ID, policiesFor, type ProofPolicies } from '../../scripts/lib/prove/policies';
import { ACCOUNT_ID, simulate, type Decision, type PolicyDoc, type SimRequest } from '../../scripts/lib/prove/simulate';
import { physicalIds } from '../../scripts/lib/prove/template';
import type { CfnTemplate, IamRequest } from '../../scripts/lib/prove/types';

const SERVICE = 'orders';
const STAGE = 'dev';
const REGION = 'us-east-1';
const STACK = `${SERVICE}-${STAGE}`;
const BOUNDARY = macroBoundaryArn({ resourcePrefix: `cf-${SERVICE}`, stage: STAGE }, PARTITION, ACCOUNT_ID);
const iam = (path: string) => `arn:${PARTITION}:iam::${ACCOUNT_ID}:${path}`;
const roleArn = (kind: DeploymentRoleKind, stage = STAGE) =>
  iam(`role/${deploymentRoleName({ resourcePrefix: `cf-${SERVICE}`, stage }, kind)}`);
const stackArn = (name: string) =>
  `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${name}/6f1e1f3c-0000-4000-8000-00000000abcd`;
const fnArn = (name: string) => `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
const logGroupArn = (name: string) => `arn:${PARTITION}:logs:${REGION}:${ACCOUNT_ID}:log-group:${name}`;

const cli: Record<string, string | string[]> = {
  'aws:RequestedRegion': REGION,
  'aws:SecureTransport': 'true',
  'aws:ViaAWSService': 'false',
};
const viaCfn = {
  ...cli,
  'aws:ViaAWSService': 'true',
  'aws:CalledVia': ['cloudformation.amazonaws.com'],
  'aws:CalledViaFirst': 'cloudformation.amazonaws.com',
  'aws:CalledViaLast': 'cloudformation.amazonaws.com',
};
/** A call CloudFormation makes as a service role: the role's own session, no aws:CalledVia. */
const asRole = (kind: DeploymentRoleKind, extra: Record<string, string | string[]> = {}) => ({
  ...cli,
  'aws:PrincipalArn': roleArn(kind),
  ...extra,
});

let modePolicies: ProofPolicies;
let roles: Record<DeploymentRoleKind, PolicyDoc[]>;
beforeAll(async () => {
  modePolicies = await policiesFor({
    serviceName: SERVICE,
    stage: STAGE,
    region: REGION,
    extraProperties: { DeploymentRoles: true },
  });
  roles = rolePolicies(modePolicies);
});

describe('the deployment roles themselves', () => {
  it('trust CloudFormation only, carry no inline policy, and are named by fitName', () => {
    const resources = modePolicies.fragment.Resources as Record<string, { Properties: Record<string, unknown> }>;
    for (const kind of ['admin', 'update'] as const) {
      const props = resources[logicalIds.deploymentRole(ACCESS_LOGICAL_ID, kind)].Properties;
      expect(props.RoleName).toBe(`cf-${SERVICE}-${STAGE}-deploy-${kind}`);
      expect(props.Policies).toBeUndefined();
      expect(props.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      });
    }
    const outputs = Object.keys(modePolicies.fragment.Outputs as object);
    for (const o of [
      'AdminDeploymentRoleArn',
      'AdminDeploymentRoleName',
      'UpdateDeploymentRoleArn',
      'UpdateDeploymentRoleName',
    ])
      expect(outputs).toContain(`${ACCESS_LOGICAL_ID}${o}`);
  });
});

interface Case {
  readonly id: string;
  readonly request: SimRequest;
  readonly expected: Readonly<Record<GroupRole, Decision>>;
}
const all = (d: Decision) => ({ admin: d, developer: d, ci: d });
const adminOnly = { admin: 'Allowed', developer: 'Denied', ci: 'Denied' } as const;
const updatersOnly = { admin: 'Denied', developer: 'Allowed', ci: 'Allowed' } as const;

function groupCases(): Case[] {
  const own = stackArn(STACK);
  const templateUrl = `https://s3.amazonaws.com/bucket/serverless/${SERVICE}/${STAGE}/1/compiled-cloudformation-template.json`;
  const changeSet = {
    'cloudformation:ChangeSetName': `${STACK}-change-set`,
    'cloudformation:TemplateUrl': templateUrl,
  };
  const role = (arn?: string): Record<string, string> => (arn ? { 'cloudformation:RoleArn': arn } : {});
  const list: Case[] = [];
  const withRoles: Array<[string, string | undefined, Readonly<Record<GroupRole, Decision>>]> = [
    ['admin-role', roleArn('admin'), adminOnly],
    ['update-role', roleArn('update'), updatersOnly],
    ['no-role', undefined, all('Denied')],
    ['stranger-role', iam('role/Admin'), all('Denied')],
    ['other-stage-update-role', roleArn('update', 'prod'), all('Denied')],
    ['execution-role', iam(`role/${STACK}-${REGION}-lambdaRole`), all('Denied')],
  ];
  for (const [label, arn, expected] of withRoles) {
    list.push(
      {
        id: `update-stack-${label}`,
        request: {
          action: 'cloudformation:UpdateStack',
          resource: own,
          context: { ...cli, 'cloudformation:TemplateUrl': templateUrl, ...role(arn) },
        },
        expected,
      },
      {
        id: `change-set-${label}`,
        request: {
          action: 'cloudformation:CreateChangeSet',
          resource: own,
          context: { ...cli, ...changeSet, ...role(arn) },
        },
        expected,
      },
      {
        id: `continue-rollback-${label}`,
        request: { action: 'cloudformation:ContinueUpdateRollback', resource: own, context: { ...cli, ...role(arn) } },
        // No framework command continues a rollback (recovery is an operator's console action): granted to nobody.
        expected: all('Denied'),
      },
      {
        id: `delete-stack-${label}`,
        request: { action: 'cloudformation:DeleteStack', resource: own, context: { ...cli, ...role(arn) } },
        // Deleting the stack is admin's, with its own role only.
        expected: label === 'admin-role' ? adminOnly : all('Denied'),
      },
      {
        id: `create-stack-${label}`,
        request: {
          action: 'cloudformation:CreateStack',
          resource: own,
          context: { ...cli, 'cloudformation:TemplateUrl': templateUrl, ...role(arn) },
        },
        expected: label === 'admin-role' ? adminOnly : all('Denied'),
      },
    );
  }
  // Another stage's stack, even with the own role.
  list.push({
    id: 'update-other-stage-stack',
    request: {
      action: 'cloudformation:UpdateStack',
      resource: stackArn(`${SERVICE}-prod`),
      context: { ...cli, 'cloudformation:TemplateUrl': templateUrl, ...role(roleArn('update')) },
    },
    expected: all('Denied'),
  });
  // Passing the roles.
  for (const kind of ['admin', 'update'] as const) {
    const mine = kind === 'admin' ? adminOnly : updatersOnly;
    for (const [service, expected] of [
      ['cloudformation.amazonaws.com', mine],
      ['lambda.amazonaws.com', all('Denied')],
      ['ec2.amazonaws.com', all('Denied')],
    ] as const) {
      list.push({
        id: `pass-${kind}-role-to-${service}`,
        request: {
          action: 'iam:PassRole',
          resource: roleArn(kind),
          context: { ...cli, 'iam:PassedToService': service },
        },
        expected,
      });
    }
    list.push({
      id: `pass-other-stage-${kind}-role`,
      request: {
        action: 'iam:PassRole',
        resource: roleArn(kind, 'prod'),
        context: { ...cli, 'iam:PassedToService': 'cloudformation.amazonaws.com' },
      },
      expected: all('Denied'),
    });
  }
  // No write on the roles themselves.
  for (const action of ['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRole']) {
    for (const kind of ['admin', 'update'] as const) {
      list.push({
        id: `${action}-${kind}-deployment-role`,
        request: {
          action,
          resource: roleArn(kind),
          context: {
            ...viaCfn,
            'iam:PermissionsBoundary': BOUNDARY,
            ...(action === 'iam:AttachRolePolicy'
              ? { 'iam:PolicyARN': `arn:${PARTITION}:iam::aws:policy/AdministratorAccess` }
              : {}),
          },
        },
        expected: all('Denied'),
      });
    }
  }
  // The through-the-stack grants are gone: nobody holds the stack's resource writes in person.
  list.push(
    {
      id: 'through-stack-put-role-policy',
      request: {
        action: 'iam:PutRolePolicy',
        resource: iam(`role/${STACK}-${REGION}-lambdaRole`),
        context: { ...viaCfn, 'iam:PermissionsBoundary': BOUNDARY },
      },
      expected: all('Denied'),
    },
    {
      id: 'through-stack-add-permission',
      request: {
        action: 'lambda:AddPermission',
        resource: fnArn(`${STACK}-hello`),
        context: { ...viaCfn, 'lambda:Principal': 'apigateway.amazonaws.com' },
      },
      expected: all('Denied'),
    },
    {
      id: 'through-stack-create-queue',
      request: {
        action: 'sqs:CreateQueue',
        resource: `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${STACK}-jobs`,
        context: viaCfn,
      },
      expected: all('Denied'),
    },
    {
      id: 'create-function-in-person',
      request: { action: 'lambda:CreateFunction', resource: fnArn(`${STACK}-hello`), context: cli },
      expected: all('Denied'),
    },
    {
      id: 'create-log-group-in-person',
      request: { action: 'logs:CreateLogGroup', resource: logGroupArn(`/aws/lambda/${STACK}-hello`), context: cli },
      expected: all('Denied'),
    },
  );
  // What the CLI does with the caller's own credentials stays (deploy function, invoke, logs).
  list.push(
    {
      id: 'deploy-function',
      request: { action: 'lambda:UpdateFunctionCode', resource: fnArn(`${STACK}-hello`), context: cli },
      expected: all('Allowed'),
    },
    {
      id: 'invoke',
      request: { action: 'lambda:InvokeFunction', resource: fnArn(`${STACK}-hello`), context: cli },
      expected: all('Allowed'),
    },
    {
      id: 'logs',
      request: { action: 'logs:FilterLogEvents', resource: logGroupArn(`/aws/lambda/${STACK}-hello`), context: cli },
      expected: all('Allowed'),
    },
    {
      id: 'deploy-function-other-stage',
      request: { action: 'lambda:UpdateFunctionCode', resource: fnArn(`${SERVICE}-prod-hello`), context: cli },
      expected: all('Denied'),
    },
  );
  return list;
}

describe('groups with DeploymentRoles', () => {
  test.each(GROUP_ROLES.map((r) => [r] as const))(
    '%s: its own role only, no through-the-stack grant',
    async (group) => {
      const list = groupCases();
      expect(new Set(list.map((c) => c.id)).size).toBe(list.length);
      const wrong: string[] = [];
      for (const c of list) {
        const r = await simulate(modePolicies.groups[group], c.request);
        if (r.decision !== c.expected[group])
          wrong.push(`${c.id}: expected ${c.expected[group]}, got ${r.decision} ${r.allowSids.join(',')}`);
      }
      expect(wrong).toEqual([]);
    },
  );

  it('each group passes the role its serverless.yml names (GROUP_DEPLOYMENT_ROLE)', () => {
    expect(GROUP_DEPLOYMENT_ROLE).toEqual({ admin: 'admin', developer: 'update', ci: 'update' });
  });
});

describe('what each deployment role can do', () => {
  const PER_FUNCTION_ROLE = `${STACK}-hello-${REGION}-lambdaRole`;
  const cases: Array<[string, SimRequest & { kind?: never }, Decision, Decision]> = [
    // [label, request (context added per role), admin role, update role]
    [
      'create a function',
      { action: 'lambda:CreateFunction', resource: fnArn(`${STACK}-hello`), context: {} },
      'Allowed',
      'Denied',
    ],
    [
      'delete a function',
      { action: 'lambda:DeleteFunction', resource: fnArn(`${STACK}-hello`), context: {} },
      'Allowed',
      'Denied',
    ],
    [
      'update its code',
      { action: 'lambda:UpdateFunctionCode', resource: fnArn(`${STACK}-hello`), context: {} },
      'Allowed',
      'Allowed',
    ],
    [
      'update its configuration',
      { action: 'lambda:UpdateFunctionConfiguration', resource: fnArn(`${STACK}-hello`), context: {} },
      'Allowed',
      'Allowed',
    ],
    [
      "update another stage's code",
      { action: 'lambda:UpdateFunctionCode', resource: fnArn(`${SERVICE}-prod-hello`), context: {} },
      'Denied',
      'Denied',
    ],
    [
      "create another service's function",
      { action: 'lambda:CreateFunction', resource: fnArn('payments-dev-charge'), context: {} },
      'Denied',
      'Denied',
    ],
    [
      'update a custom-resource function',
      { action: 'lambda:UpdateFunctionCode', resource: fnArn(`${STACK}-custom-resource-existing-s3`), context: {} },
      'Denied',
      'Denied',
    ],
    [
      'create a log group',
      { action: 'logs:CreateLogGroup', resource: logGroupArn(`/aws/lambda/${STACK}-hello`), context: {} },
      'Allowed',
      'Denied',
    ],
    [
      'delete a log group',
      { action: 'logs:DeleteLogGroup', resource: logGroupArn(`/aws/lambda/${STACK}-hello`), context: {} },
      'Allowed',
      'Denied',
    ],
    [
      'set retention',
      { action: 'logs:PutRetentionPolicy', resource: logGroupArn(`/aws/lambda/${STACK}-hello`), context: {} },
      'Allowed',
      'Allowed',
    ],
    [
      "another stage's log group",
      { action: 'logs:DeleteLogGroup', resource: logGroupArn(`/aws/lambda/${SERVICE}-prod-hello`), context: {} },
      'Denied',
      'Denied',
    ],
    [
      'a bounded role of the service',
      {
        action: 'iam:CreateRole',
        resource: iam(`role/${PER_FUNCTION_ROLE}`),
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      },
      'Allowed',
      'Denied',
    ],
    [
      "the bounded role's inline policy",
      {
        action: 'iam:PutRolePolicy',
        resource: iam(`role/${PER_FUNCTION_ROLE}`),
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      },
      'Allowed',
      'Denied',
    ],
    [
      'delete a bounded role',
      {
        action: 'iam:DeleteRole',
        resource: iam(`role/${PER_FUNCTION_ROLE}`),
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      },
      'Allowed',
      'Denied',
    ],
    [
      'an unbounded role of the service',
      { action: 'iam:CreateRole', resource: iam(`role/${PER_FUNCTION_ROLE}`), context: {} },
      'Denied',
      'Denied',
    ],
    [
      'a role under another boundary',
      {
        action: 'iam:CreateRole',
        resource: iam(`role/${PER_FUNCTION_ROLE}`),
        context: { 'iam:PermissionsBoundary': iam('policy/another-boundary') },
      },
      'Denied',
      'Denied',
    ],
    [
      'a bounded role outside the service',
      {
        action: 'iam:CreateRole',
        resource: iam('role/payments-dev-x'),
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      },
      'Denied',
      'Denied',
    ],
    [
      "another stage's bounded role",
      {
        action: 'iam:PutRolePolicy',
        resource: iam(`role/${SERVICE}-prod-${REGION}-lambdaRole`),
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      },
      'Denied',
      'Denied',
    ],
    [
      'AdministratorAccess on a role',
      {
        action: 'iam:AttachRolePolicy',
        resource: iam(`role/${PER_FUNCTION_ROLE}`),
        context: {
          'iam:PermissionsBoundary': BOUNDARY,
          'iam:PolicyARN': `arn:${PARTITION}:iam::aws:policy/AdministratorAccess`,
        },
      },
      'Denied',
      'Denied',
    ],
    [
      'remove the boundary',
      {
        action: 'iam:DeleteRolePermissionsBoundary',
        resource: iam(`role/${PER_FUNCTION_ROLE}`),
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      },
      'Denied',
      'Denied',
    ],
    [
      'write the own deployment role',
      { action: 'iam:PutRolePolicy', resource: roleArn('admin'), context: { 'iam:PermissionsBoundary': BOUNDARY } },
      'Denied',
      'Denied',
    ],
    [
      'change the boundary policy',
      { action: 'iam:CreatePolicyVersion', resource: BOUNDARY, context: {} },
      'Denied',
      'Denied',
    ],
    [
      'pass the execution role to Lambda',
      {
        action: 'iam:PassRole',
        resource: iam(`role/${STACK}-${REGION}-lambdaRole`),
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      },
      'Allowed',
      'Allowed',
    ],
    [
      'pass the execution role to EC2',
      {
        action: 'iam:PassRole',
        resource: iam(`role/${STACK}-${REGION}-lambdaRole`),
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      },
      'Denied',
      'Denied',
    ],
    [
      'pass a deployment role to Lambda',
      {
        action: 'iam:PassRole',
        resource: roleArn('admin'),
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      },
      'Denied',
      'Denied',
    ],
    [
      'pass a deployment role to CloudFormation',
      {
        action: 'iam:PassRole',
        resource: roleArn('admin'),
        context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
      },
      'Denied',
      'Denied',
    ],
    [
      'delete the stack',
      { action: 'cloudformation:DeleteStack', resource: stackArn(STACK), context: {} },
      'Denied',
      'Denied',
    ],
    [
      'update the Access stack',
      {
        action: 'cloudformation:UpdateStack',
        resource: stackArn(`formidable-access-${SERVICE}-${STAGE}`),
        context: {},
      },
      'Denied',
      'Denied',
    ],
    [
      'make a function public',
      { action: 'lambda:AddPermission', resource: fnArn(`${STACK}-hello`), context: { 'lambda:Principal': '*' } },
      'Allowed',
      'Denied',
    ],
    [
      'let an account invoke a function',
      {
        action: 'lambda:AddPermission',
        resource: fnArn(`${STACK}-hello`),
        context: { 'lambda:Principal': '999999999999' },
      },
      'Denied',
      'Denied',
    ],
    [
      'let API Gateway invoke a function',
      {
        action: 'lambda:AddPermission',
        resource: fnArn(`${STACK}-hello`),
        context: { 'lambda:Principal': 'apigateway.amazonaws.com' },
      },
      'Allowed',
      'Allowed',
    ],
    [
      'create a queue',
      {
        action: 'sqs:CreateQueue',
        resource: `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${STACK}-jobs`,
        context: {},
      },
      'Allowed',
      'Denied',
    ],
    [
      'set an own queue attribute',
      {
        action: 'sqs:SetQueueAttributes',
        resource: `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${STACK}-jobs`,
        context: {},
      },
      'Allowed',
      'Allowed',
    ],
    [
      "set another stage's queue attribute",
      {
        action: 'sqs:SetQueueAttributes',
        resource: `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${SERVICE}-prod-jobs`,
        context: {},
      },
      'Denied',
      'Denied',
    ],
    [
      'read the code artifacts',
      {
        action: 's3:GetObject',
        resource: `arn:${PARTITION}:s3:::${STACK}-serverlessdeploymentbuck-abc123/serverless/${SERVICE}/${STAGE}/1/hello.zip`,
        context: {},
      },
      'Allowed',
      'Allowed',
    ],
    [
      'write the code artifacts',
      {
        action: 's3:PutObject',
        resource: `arn:${PARTITION}:s3:::${STACK}-serverlessdeploymentbuck-abc123/serverless/${SERVICE}/${STAGE}/1/hello.zip`,
        context: {},
      },
      'Denied',
      'Denied',
    ],
    [
      "read another stage's artifacts",
      {
        action: 's3:GetObject',
        resource: `arn:${PARTITION}:s3:::${STACK}-serverlessdeploymentbuck-abc123/serverless/${SERVICE}/prod/1/hello.zip`,
        context: {},
      },
      'Denied',
      'Denied',
    ],
  ];
  test.each(cases)('%s: admin role %#', async (_label, request, adminRole, updateRole) => {
    const a = await simulate(roles.admin, {
      ...request,
      context: asRole('admin', request.context as Record<string, string>),
    });
    const u = await simulate(roles.update, {
      ...request,
      context: asRole('update', request.context as Record<string, string>),
    });
    expect([a.decision, u.decision]).toEqual([adminRole, updateRole]);
  });
});

/**
 * The fixture services (test/fixtures/services): every resource handler's requests (cfn-on-behalf.json), as the
 * classic groups make them through the stack and as the roles make them. The role decides as its group did.
 */
const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'services');
const fixtures = readdirSync(FIXTURES_DIR)
  .filter((f) => existsSync(join(FIXTURES_DIR, f, 'serverless.yml')))
  .flatMap((f) => {
    const stage = ['dev', 'development'].find((s) =>
      existsSync(join(FIXTURES_DIR, f, s, 'cloudformation-template-update-stack.json')),
    );
    return stage ? [[f, stage] as const] : [];
  });

describe.each(fixtures)('fixture %s (%s): each role decides as its group did through the stack', (fixture, stage) => {
  const yml = readFileSync(join(FIXTURES_DIR, fixture, 'serverless.yml'), 'utf8');
  const service = /^service:\s*(\S+)/m.exec(yml)?.[1] ?? '';
  const stackName = (/^\s+stackName:\s*(\S+)/m.exec(yml)?.[1] ?? `${service}-${stage}`).replace('${sls:stage}', stage);
  const template = JSON.parse(
    readFileSync(join(FIXTURES_DIR, fixture, stage, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as CfnTemplate;
  const region = /"arn:aws:[a-z-]+:([a-z]{2}-[a-z]+-\d):/.exec(JSON.stringify(template))?.[1] ?? 'us-east-1';
  const stackId = `arn:aws:cloudformation:${region}:${ACCOUNT_ID}:stack/${stackName}/00000000-0000-4000-8000-000000000001`;
  const base = { partition: PARTITION, region, account: ACCOUNT_ID, stackName, stackId };
  const state = { template, physical: physicalIds(template, base, {}), stackId };
  const requests: Array<IamRequest & { handler: Handler }> = [];
  for (const id of Object.keys(template.Resources ?? {}))
    for (const handler of ['create', 'update', 'delete'] as Handler[])
      requests.push(...handlerRequests(id, handler, state, base).map((r) => ({ ...r, handler })));
  const input = {
    serviceName: service,
    stage,
    region,
    ...(stackName !== `${service}-${stage}` ? { stackName } : {}),
  };

  let classic: ProofPolicies;
  let mode: Record<DeploymentRoleKind, PolicyDoc[]>;
  beforeAll(async () => {
    classic = await policiesFor(input);
    mode = rolePolicies(await policiesFor({ ...input, extraProperties: { DeploymentRoles: true } }));
  });

  test.each([
    ['admin', 'admin'],
    ['update', 'developer'],
  ] as const)('the %s role, against the %s group', async (kind, group) => {
    expect(requests.filter((r) => r.noIam)).toEqual([]);
    const differ: string[] = [];
    let allowed = 0;
    for (const r of requests) {
      const viaGroup = await simulate(classic.groups[group], {
        action: r.action,
        resource: r.resource,
        context: r.context,
      });
      const context: Record<string, string | string[]> = { ...r.context, 'aws:ViaAWSService': 'false' };
      for (const k of ['aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast']) delete context[k];
      context['aws:PrincipalArn'] = iam(`role/${deploymentRoleName({ resourcePrefix: `cf-${service}`, stage }, kind)}`);
      const viaRole = await simulate(mode[kind], { action: r.action, resource: r.resource, context });
      // The one intended difference: the group's Deny on the framework's custom-resource functions holds without
      // aws:CalledVia, so no role changes or invokes them (no code may run as a deployment role; creating one
      // fails too: its Role would be the deployment role, which no role may pass to Lambda).
      const guarded = (
        await simulate(classic.groups[group], { action: r.action, resource: r.resource, context })
      ).denySids.includes('LambdaCustomResourceFunctionsDirect');
      const expected = guarded ? 'Denied' : viaGroup.decision;
      if (viaRole.decision !== expected)
        differ.push(`${r.origin} ${r.action} ${r.resource}: group ${viaGroup.decision}, role ${viaRole.decision}`);
      if (viaRole.decision === 'Allowed') allowed++;
    }
    expect(differ).toEqual([]);
    expect(allowed).toBeGreaterThan(0);
  });

  it('the update role creates and deletes none of the lifecycle types', async () => {
    const lifecycle = requests.filter(
      (r) =>
        r.handler !== 'update' &&
        /^(lambda:CreateFunction|logs:CreateLogGroup|logs:DeleteLogGroup|iam:CreateRole|iam:DeleteRole|iam:PutRolePolicy|lambda:DeleteFunction)$/.test(
          r.action,
        ) &&
        !/:function:[^:]+:[^:]+$/.test(r.resource), // a version (qualified ARN) is pruned by developers too
    );
    expect(lifecycle.length).toBeGreaterThan(0);
    const allowed: string[] = [];
    for (const r of lifecycle) {
      const context: Record<string, string | string[]> = { ...r.context, 'aws:ViaAWSService': 'false' };
      for (const k of ['aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast']) delete context[k];
      if ((await simulate(mode.update, { action: r.action, resource: r.resource, context })).decision === 'Allowed')
        allowed.push(`${r.origin} ${r.action} ${r.resource}`);
    }
    expect(allowed).toEqual([]);
  });
});
