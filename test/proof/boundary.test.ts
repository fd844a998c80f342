/**
 * The boundary tier of privilege escalation (issue 11), with the real evaluator, for the default expansion (the
 * macro's boundary) and with a deployment role (DeploymentRoleArn):
 * - no group (admin included) can mint a role of the service without the boundary, attach an administrator policy
 *   to one, change the execution role's trust or inline policy without the boundary, remove or swap the boundary,
 *   touch the boundary policy or the Access stack that holds it, pass a role that is not the deployment role to
 *   CloudFormation, or run a stack operation with a role it was not given (or without its role);
 * - the boundary itself, evaluated as the ceiling of the service's roles: the service's own resources only, and the
 *   framework's custom-resource calls for the custom-resource role only.
 * Positive controls keep each block honest: what the framework needs stays Allowed.
 */
import { GROUP_ROLES } from '../../functions/catalog/types';
import { macroBoundaryArn } from '../../functions/core/boundary';
import { cfnGeneratedName } from '../../functions/core/generated-names';
import { OWN_SUFFIXES, PARTITION } from '../../scripts/lib/prove/calls';
import { ACCESS_LOGICAL_ID, policiesFor, type ProofPolicies } from '../../scripts/lib/prove/policies';
import { ACCOUNT_ID, simulate, type Decision, type PolicyDoc, type SimRequest } from '../../scripts/lib/prove/simulate';
import {
  cliContext,
  describeWrong,
  iamArn,
  passRole,
  stackArn,
  viaCloudFormation,
  wrongDecisions,
  type RequestContext,
} from './cases';

const SERVICE = 'orders';
const STAGE = 'dev';
const REGION = 'us-east-1';
const STACK = `${SERVICE}-${STAGE}`;
const BOUNDARY = macroBoundaryArn({ resourcePrefix: `cf-${SERVICE}`, stage: STAGE }, PARTITION, ACCOUNT_ID);
const OTHER_BOUNDARY = `arn:${PARTITION}:iam::${ACCOUNT_ID}:policy/another-boundary`;
const ADMIN_POLICY = `arn:${PARTITION}:iam::aws:policy/AdministratorAccess`;
const DEPLOYMENT_ROLE = `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/acme-cfn-orders-dev`;
const FRAMEWORK_ROLE = `${STACK}-${REGION}-lambdaRole`;
const PER_FUNCTION_ROLE = `${STACK}-create-${REGION}-lambdaRole`;
const MACRO_ROLE = `cf-${SERVICE}-${STAGE}-lambda-execution`;
const CR_ROLE = cfnGeneratedName(STACK, 'IamRoleCustomResourcesLambdaExecution', 64, OWN_SUFFIXES.generatedSuffix);

const cli: RequestContext = cliContext(REGION);
const ways = [
  ['cli', cli],
  ['cloudformation', viaCloudFormation(cli)],
] as const;

interface Case {
  readonly id: string;
  readonly request: SimRequest;
  /** Expected for every group unless `admin` says otherwise for admin. */
  readonly expected: Decision;
  readonly admin?: Decision;
}

function groupCases(deploymentRole: boolean): Case[] {
  const bounded = (c: Record<string, string | string[]>, b = BOUNDARY) => ({ ...c, 'iam:PermissionsBoundary': b });
  const list: Case[] = [];
  for (const [via, ctx] of ways) {
    // Minting roles named like the service.
    list.push(
      {
        id: `create-unbounded-role-${via}`,
        request: { action: 'iam:CreateRole', resource: iamArn(`role/${STACK}-admin`), context: ctx },
        expected: 'Denied',
      },
      {
        id: `create-role-other-boundary-${via}`,
        request: {
          action: 'iam:CreateRole',
          resource: iamArn(`role/${STACK}-admin`),
          context: bounded(ctx, OTHER_BOUNDARY),
        },
        expected: 'Denied',
      },
      {
        id: `attach-admin-policy-bounded-role-${via}`,
        request: {
          action: 'iam:AttachRolePolicy',
          resource: iamArn(`role/${STACK}-admin`),
          context: { ...bounded(ctx), 'iam:PolicyARN': ADMIN_POLICY },
        },
        expected: 'Denied',
      },
      {
        id: `attach-admin-policy-unbounded-role-${via}`,
        request: {
          action: 'iam:AttachRolePolicy',
          resource: iamArn(`role/${STACK}-admin`),
          context: { ...ctx, 'iam:PolicyARN': ADMIN_POLICY },
        },
        expected: 'Denied',
      },
    );
    // The execution roles' trust and inline policy, without the boundary; the macro's role never.
    for (const role of [FRAMEWORK_ROLE, PER_FUNCTION_ROLE, CR_ROLE]) {
      list.push(
        {
          id: `put-role-policy-${role}-${via}`,
          request: { action: 'iam:PutRolePolicy', resource: iamArn(`role/${role}`), context: ctx },
          expected: 'Denied',
        },
        {
          id: `update-trust-${role}-${via}`,
          request: { action: 'iam:UpdateAssumeRolePolicy', resource: iamArn(`role/${role}`), context: ctx },
          expected: 'Denied',
        },
        {
          id: `delete-boundary-${role}-${via}`,
          request: {
            action: 'iam:DeleteRolePermissionsBoundary',
            resource: iamArn(`role/${role}`),
            context: bounded(ctx),
          },
          expected: 'Denied',
        },
        {
          id: `swap-boundary-${role}-${via}`,
          request: {
            action: 'iam:PutRolePermissionsBoundary',
            resource: iamArn(`role/${role}`),
            context: bounded(ctx, OTHER_BOUNDARY),
          },
          expected: 'Denied',
        },
        // Positive control: admin writes the bounded role through the stack (the framework's iam.role.statements).
        {
          id: `put-role-policy-bounded-${role}-${via}`,
          request: { action: 'iam:PutRolePolicy', resource: iamArn(`role/${role}`), context: bounded(ctx) },
          expected: 'Denied',
          admin: via === 'cloudformation' ? 'Allowed' : 'Denied',
        },
      );
    }
    for (const action of [
      'iam:PutRolePolicy',
      'iam:UpdateAssumeRolePolicy',
      'iam:DeleteRolePermissionsBoundary',
      'iam:AttachRolePolicy',
      'iam:DeleteRole',
    ]) {
      list.push({
        id: `${action}-macro-role-${via}`,
        request: {
          action,
          resource: iamArn(`role/${MACRO_ROLE}`),
          context: { ...bounded(ctx), ...(action === 'iam:AttachRolePolicy' ? { 'iam:PolicyARN': ADMIN_POLICY } : {}) },
        },
        expected: 'Denied',
      });
    }
    // The boundary policy itself.
    for (const action of [
      'iam:CreatePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:DeletePolicy',
      'iam:DeletePolicyVersion',
      'iam:TagPolicy',
    ]) {
      list.push({
        id: `${action}-boundary-${via}`,
        request: { action, resource: BOUNDARY, context: ctx },
        expected: 'Denied',
      });
    }
  }
  // The Access stack holds the boundary and the groups: no group may change or delete it.
  const access = stackArn(REGION, `formidable-access-${SERVICE}-${STAGE}`);
  list.push(
    {
      id: 'update-access-stack',
      request: { action: 'cloudformation:UpdateStack', resource: access, context: cli },
      expected: 'Denied',
    },
    {
      id: 'delete-access-stack',
      request: { action: 'cloudformation:DeleteStack', resource: access, context: cli },
      expected: 'Denied',
    },
    {
      id: 'change-set-access-stack',
      request: {
        action: 'cloudformation:CreateChangeSet',
        resource: access,
        context: { ...cli, 'cloudformation:ChangeSetName': `formidable-access-${SERVICE}-${STAGE}-change-set` },
      },
      expected: 'Denied',
    },
    {
      id: 'execute-change-set-access-stack',
      request: {
        action: 'cloudformation:ExecuteChangeSet',
        resource: access,
        context: { ...cli, 'cloudformation:ChangeSetName': `formidable-access-${SERVICE}-${STAGE}-change-set` },
      },
      expected: 'Denied',
    },
  );
  // Passing roles that are not the deployment role to CloudFormation.
  for (const role of [FRAMEWORK_ROLE, PER_FUNCTION_ROLE, MACRO_ROLE, CR_ROLE, `${STACK}-admin`, 'Admin']) {
    list.push({
      id: `pass-${role}-to-cloudformation`,
      request: passRole(iamArn(`role/${role}`), 'cloudformation.amazonaws.com', cli),
      expected: 'Denied',
    });
  }
  // Per-function roles go to Lambda only (developer and ci pass them; admin too).
  list.push(
    {
      id: 'pass-per-function-role-to-lambda',
      request: passRole(iamArn(`role/${PER_FUNCTION_ROLE}`), 'lambda.amazonaws.com', cli),
      expected: 'Allowed',
    },
    {
      id: 'pass-per-function-role-to-ec2',
      request: passRole(iamArn(`role/${PER_FUNCTION_ROLE}`), 'ec2.amazonaws.com', cli),
      expected: 'Denied',
    },
    {
      id: 'pass-short-per-function-role-to-lambda',
      request: passRole(iamArn(`role/${STACK}-a-very-long-function-name-${REGION}`), 'lambda.amazonaws.com', cli),
      expected: 'Allowed',
    },
  );
  // Stack operations with a role they were not given, or without their role.
  const own = stackArn(REGION, STACK);
  const templateUrl = `https://s3.amazonaws.com/bucket/serverless/${SERVICE}/${STAGE}/1/compiled-cloudformation-template.json`;
  const changeSet = {
    'cloudformation:ChangeSetName': `${STACK}-change-set`,
    'cloudformation:TemplateUrl': templateUrl,
  };
  const withRole = (role?: string): Record<string, string> => (role ? { 'cloudformation:RoleArn': role } : {});
  const stranger = iamArn('role/Admin');
  for (const role of [stranger, iamArn(`role/${FRAMEWORK_ROLE}`)]) {
    list.push(
      {
        id: `update-stack-as-${role}`,
        request: {
          action: 'cloudformation:UpdateStack',
          resource: own,
          context: { ...cli, 'cloudformation:TemplateUrl': templateUrl, ...withRole(role) },
        },
        expected: 'Denied',
      },
      {
        id: `change-set-as-${role}`,
        request: {
          action: 'cloudformation:CreateChangeSet',
          resource: own,
          context: { ...cli, ...changeSet, ...withRole(role) },
        },
        expected: 'Denied',
      },
      {
        id: `delete-stack-as-${role}`,
        request: { action: 'cloudformation:DeleteStack', resource: own, context: { ...cli, ...withRole(role) } },
        expected: 'Denied',
      },
      {
        id: `continue-rollback-as-${role}`,
        request: {
          action: 'cloudformation:ContinueUpdateRollback',
          resource: own,
          context: { ...cli, ...withRole(role) },
        },
        expected: 'Denied',
      },
    );
  }
  // The own role (positive control) and no role: with a deployment role, updating without it is denied.
  const ownRole = deploymentRole ? DEPLOYMENT_ROLE : undefined;
  list.push(
    {
      id: 'update-stack-own-way',
      request: {
        action: 'cloudformation:UpdateStack',
        resource: own,
        context: { ...cli, 'cloudformation:TemplateUrl': templateUrl, ...withRole(ownRole) },
      },
      expected: 'Allowed',
    },
    {
      id: 'change-set-own-way',
      request: {
        action: 'cloudformation:CreateChangeSet',
        resource: own,
        context: { ...cli, ...changeSet, ...withRole(ownRole) },
      },
      expected: 'Allowed',
    },
  );
  if (deploymentRole) {
    list.push(
      {
        id: 'update-stack-without-its-role',
        request: {
          action: 'cloudformation:UpdateStack',
          resource: own,
          context: { ...cli, 'cloudformation:TemplateUrl': templateUrl },
        },
        expected: 'Denied',
      },
      {
        id: 'change-set-without-its-role',
        request: { action: 'cloudformation:CreateChangeSet', resource: own, context: { ...cli, ...changeSet } },
        expected: 'Denied',
      },
      {
        id: 'delete-stack-without-its-role',
        request: { action: 'cloudformation:DeleteStack', resource: own, context: cli },
        expected: 'Denied',
      },
      {
        id: 'pass-deployment-role-to-cloudformation',
        request: passRole(DEPLOYMENT_ROLE, 'cloudformation.amazonaws.com', cli),
        expected: 'Allowed',
      },
      {
        id: 'pass-deployment-role-to-lambda',
        request: passRole(DEPLOYMENT_ROLE, 'lambda.amazonaws.com', cli),
        expected: 'Denied',
      },
    );
  }
  return list;
}

describe.each([
  ["the macro's boundary (default)", false],
  ["the macro's boundary with DeploymentRoleArn", true],
] as const)('groups, %s', (_label, deploymentRole) => {
  let policies: ProofPolicies;
  beforeAll(async () => {
    policies = await policiesFor({
      serviceName: SERVICE,
      stage: STAGE,
      region: REGION,
      extraProperties: deploymentRole ? { DeploymentRoleArn: DEPLOYMENT_ROLE } : {},
    });
  });

  test.each(GROUP_ROLES.map((r) => [r] as const))(
    "%s: the boundary tier is denied, the framework's own way allowed",
    async (role) => {
      const wrong = await wrongDecisions(policies.groups[role], groupCases(deploymentRole), (c) =>
        role === 'admin' && c.admin ? c.admin : c.expected,
      );
      expect(wrong.map((w) => `${w.c.id}: ${describeWrong(w)}`)).toEqual([]);
    },
  );
});

describe("the boundary as the ceiling of the service's roles", () => {
  let boundary: PolicyDoc[];
  beforeAll(async () => {
    const p = await policiesFor({
      serviceName: SERVICE,
      stage: STAGE,
      region: REGION,
      extraProperties: {
        ExistingBuckets: ['acme-uploads'],
        EventBusNames: ['partner-bus'],
        EventSources: ['partner.app'],
        // osls 3's legacy EventBridge custom resource (eventBridge.useCloudFormation: false)
        ResourceTypes: ['Custom::EventBridge'],
        BoundaryStatements: [
          { Action: 'dynamodb:GetItem', Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/acme-customers` },
        ],
      },
    });
    const resources = p.fragment.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const policy = resources[`${ACCESS_LOGICAL_ID}Boundary`];
    expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).not.toMatch(/Fn::|"Ref"/);
    boundary = [{ name: 'boundary', document: policy.Properties.PolicyDocument }];
    // The macro's execution role carries it.
    expect(resources[`${ACCESS_LOGICAL_ID}LambdaRole`].Properties.PermissionsBoundary).toEqual({
      Ref: `${ACCESS_LOGICAL_ID}Boundary`,
    });
  });

  const as = (role: string) => ({ ...cli, 'aws:ViaAWSService': 'false', 'aws:PrincipalArn': iamArn(`role/${role}`) });
  const lambdaArn = (fn: string) => `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT_ID}:function:${fn}`;
  const cases: Array<[string, string, SimRequest, Decision]> = [
    // Code of the service: its own resources by name.
    [
      'own queue',
      FRAMEWORK_ROLE,
      {
        action: 'sqs:SendMessage',
        resource: `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${STACK}-jobs`,
        context: as(FRAMEWORK_ROLE),
      },
      'Allowed',
    ],
    [
      "another stage's queue",
      FRAMEWORK_ROLE,
      {
        action: 'sqs:SendMessage',
        resource: `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${SERVICE}-prod-jobs`,
        context: as(FRAMEWORK_ROLE),
      },
      'Denied',
    ],
    [
      'own table',
      PER_FUNCTION_ROLE,
      {
        action: 'dynamodb:PutItem',
        resource: `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT_ID}:table/${STACK}-orders`,
        context: as(PER_FUNCTION_ROLE),
      },
      'Allowed',
    ],
    [
      'declared table (BoundaryStatements)',
      FRAMEWORK_ROLE,
      {
        action: 'dynamodb:GetItem',
        resource: `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT_ID}:table/acme-customers`,
        context: as(FRAMEWORK_ROLE),
      },
      'Allowed',
    ],
    [
      'declared table, undeclared action',
      FRAMEWORK_ROLE,
      {
        action: 'dynamodb:DeleteItem',
        resource: `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT_ID}:table/acme-customers`,
        context: as(FRAMEWORK_ROLE),
      },
      'Denied',
    ],
    [
      "another service's table",
      FRAMEWORK_ROLE,
      {
        action: 'dynamodb:GetItem',
        resource: `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT_ID}:table/payments-dev-charges`,
        context: as(FRAMEWORK_ROLE),
      },
      'Denied',
    ],
    [
      'own parameter',
      FRAMEWORK_ROLE,
      {
        action: 'ssm:GetParameter',
        resource: `arn:${PARTITION}:ssm:${REGION}:${ACCOUNT_ID}:parameter/${SERVICE}/${STAGE}/db-url`,
        context: as(FRAMEWORK_ROLE),
      },
      'Allowed',
    ],
    [
      "another stage's parameter",
      FRAMEWORK_ROLE,
      {
        action: 'ssm:GetParameter',
        resource: `arn:${PARTITION}:ssm:${REGION}:${ACCOUNT_ID}:parameter/${SERVICE}/prod/db-url`,
        context: as(FRAMEWORK_ROLE),
      },
      'Denied',
    ],
    [
      'IAM from code',
      FRAMEWORK_ROLE,
      { action: 'iam:CreateRole', resource: iamArn('role/evil'), context: as(FRAMEWORK_ROLE) },
      'Denied',
    ],
    [
      'a queue policy',
      FRAMEWORK_ROLE,
      {
        action: 'sqs:SetQueueAttributes',
        resource: `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${STACK}-jobs`,
        context: as(FRAMEWORK_ROLE),
      },
      'Denied',
    ],
    // The custom-resource calls belong to the custom-resource role only.
    [
      'CloudWatch role, execution role',
      FRAMEWORK_ROLE,
      {
        action: 'iam:CreateRole',
        resource: iamArn('role/serverlessApiGatewayCloudWatchRole'),
        context: as(FRAMEWORK_ROLE),
      },
      'Denied',
    ],
    // F1 (red team): by default the custom resource only reads: the account's CloudWatch role is set up once, outside
    // the service (provider.logs.restApi.roleManagedExternally); creating it is CreateApiGatewayCloudWatchRole.
    [
      'the account settings read, custom-resource role',
      CR_ROLE,
      { action: 'apigateway:GET', resource: `arn:${PARTITION}:apigateway:${REGION}::/account`, context: as(CR_ROLE) },
      'Allowed',
    ],
    [
      'the existing CloudWatch role checked, custom-resource role',
      CR_ROLE,
      {
        action: 'iam:ListAttachedRolePolicies',
        resource: iamArn('role/serverlessApiGatewayCloudWatchRole'),
        context: as(CR_ROLE),
      },
      'Allowed',
    ],
    [
      'CloudWatch role created without the opt-in, custom-resource role',
      CR_ROLE,
      { action: 'iam:CreateRole', resource: iamArn('role/serverlessApiGatewayCloudWatchRole'), context: as(CR_ROLE) },
      'Denied',
    ],
    [
      'its managed policy without the opt-in',
      CR_ROLE,
      {
        action: 'iam:AttachRolePolicy',
        resource: iamArn('role/serverlessApiGatewayCloudWatchRole'),
        context: {
          ...as(CR_ROLE),
          'iam:PolicyARN': `arn:${PARTITION}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
        },
      },
      'Denied',
    ],
    [
      'the account settings changed without the opt-in',
      CR_ROLE,
      { action: 'apigateway:PATCH', resource: `arn:${PARTITION}:apigateway:${REGION}::/account`, context: as(CR_ROLE) },
      'Denied',
    ],
    [
      'it passed to API Gateway without the opt-in',
      CR_ROLE,
      {
        action: 'iam:PassRole',
        resource: iamArn('role/serverlessApiGatewayCloudWatchRole'),
        context: { ...as(CR_ROLE), 'iam:PassedToService': 'apigateway.amazonaws.com' },
      },
      'Denied',
    ],
    [
      "declared bucket's notifications",
      CR_ROLE,
      { action: 's3:PutBucketNotification', resource: `arn:${PARTITION}:s3:::acme-uploads`, context: as(CR_ROLE) },
      'Allowed',
    ],
    [
      "another bucket's notifications",
      CR_ROLE,
      {
        action: 's3:PutBucketNotification',
        resource: `arn:${PARTITION}:s3:::acme-finance-exports`,
        context: as(CR_ROLE),
      },
      'Denied',
    ],
    [
      'S3 may invoke an own function',
      CR_ROLE,
      {
        action: 'lambda:AddPermission',
        resource: lambdaArn(`${STACK}-create`),
        context: { ...as(CR_ROLE), 'lambda:Principal': 's3.amazonaws.com' },
      },
      'Allowed',
    ],
    [
      'anyone may invoke an own function',
      CR_ROLE,
      {
        action: 'lambda:AddPermission',
        resource: lambdaArn(`${STACK}-create`),
        context: { ...as(CR_ROLE), 'lambda:Principal': '*' },
      },
      'Denied',
    ],
    [
      "S3 may invoke another service's function",
      CR_ROLE,
      {
        action: 'lambda:AddPermission',
        resource: lambdaArn('payments-dev-charge'),
        context: { ...as(CR_ROLE), 'lambda:Principal': 's3.amazonaws.com' },
      },
      'Denied',
    ],
    [
      'legacy rule targets an own function',
      CR_ROLE,
      {
        action: 'events:PutTargets',
        resource: `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/${STACK}-create-rule-1`,
        context: { ...as(CR_ROLE), 'events:TargetArn': [lambdaArn(`${STACK}-create`)] },
      },
      'Allowed',
    ],
    [
      'legacy rule on a custom bus of EventBusNames, on a listed source',
      CR_ROLE,
      {
        action: 'events:PutRule',
        resource: `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/partner-bus/${STACK}-create-rule-1`,
        context: { ...as(CR_ROLE), 'events:source': ['partner.app'] },
      },
      'Allowed',
    ],
    [
      'legacy rule named like the service on a bus not listed (another service reads there)',
      CR_ROLE,
      {
        action: 'events:PutRule',
        resource: `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/payments-dev-bus/${STACK}-create-rule-1`,
        context: { ...as(CR_ROLE), 'events:source': ['partner.app'] },
      },
      'Denied',
    ],
    [
      'legacy rule on the default bus matching a source not listed',
      CR_ROLE,
      {
        action: 'events:PutRule',
        resource: `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/${STACK}-create-rule-2`,
        context: { ...as(CR_ROLE), 'events:source': ['partner.app', 'aws.s3'] },
      },
      'Denied',
    ],
    [
      'legacy schedule rule on the default bus (no source)',
      CR_ROLE,
      {
        action: 'events:PutRule',
        resource: `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/${STACK}-create-rule-2`,
        context: as(CR_ROLE),
      },
      'Allowed',
    ],
    [
      "another service's rule on a custom bus",
      CR_ROLE,
      {
        action: 'events:PutRule',
        resource: `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/partner-bus/payments-dev-charge-rule-1`,
        context: as(CR_ROLE),
      },
      'Denied',
    ],
    [
      'a bus not named like the service',
      CR_ROLE,
      {
        action: 'events:CreateEventBus',
        resource: `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:event-bus/partner-bus`,
        context: as(CR_ROLE),
      },
      'Denied',
    ],
    [
      'legacy rule targets a foreign bus',
      CR_ROLE,
      {
        action: 'events:PutTargets',
        resource: `arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/${STACK}-create-rule-1`,
        context: {
          ...as(CR_ROLE),
          'events:TargetArn': [
            lambdaArn(`${STACK}-create`),
            `arn:${PARTITION}:events:${REGION}:999999999999:event-bus/default`,
          ],
        },
      },
      'Denied',
    ],
    [
      "the account's API Gateway settings, execution role",
      FRAMEWORK_ROLE,
      {
        action: 'apigateway:PATCH',
        resource: `arn:${PARTITION}:apigateway:${REGION}::/account`,
        context: as(FRAMEWORK_ROLE),
      },
      'Denied',
    ],
  ];
  test.each(cases)('%s (%s): %#', async (_label, _role, request, expected) => {
    const r = await simulate(boundary, request);
    expect(r.decision).toBe(expected);
  });
});

describe('CreateApiGatewayCloudWatchRole: the custom resource may create the account CloudWatch role (opt-in)', () => {
  let boundary: PolicyDoc[];
  beforeAll(async () => {
    const p = await policiesFor({
      serviceName: SERVICE,
      stage: STAGE,
      region: REGION,
      extraProperties: { CreateApiGatewayCloudWatchRole: true },
    });
    const resources = p.fragment.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    boundary = [{ name: 'boundary', document: resources[`${ACCESS_LOGICAL_ID}Boundary`].Properties.PolicyDocument }];
  });
  const as = (role: string) => ({ ...cli, 'aws:PrincipalArn': iamArn(`role/${role}`) });
  const role = iamArn('role/serverlessApiGatewayCloudWatchRole');
  const push = `arn:${PARTITION}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`;
  const cases: Array<[string, SimRequest, Decision]> = [
    ['CreateRole', { action: 'iam:CreateRole', resource: role, context: as(CR_ROLE) }, 'Allowed'],
    [
      'its managed policy',
      { action: 'iam:AttachRolePolicy', resource: role, context: { ...as(CR_ROLE), 'iam:PolicyARN': push } },
      'Allowed',
    ],
    [
      'AdministratorAccess on it',
      { action: 'iam:AttachRolePolicy', resource: role, context: { ...as(CR_ROLE), 'iam:PolicyARN': ADMIN_POLICY } },
      'Denied',
    ],
    [
      'passed to API Gateway',
      {
        action: 'iam:PassRole',
        resource: role,
        context: { ...as(CR_ROLE), 'iam:PassedToService': 'apigateway.amazonaws.com' },
      },
      'Allowed',
    ],
    [
      'passed to Lambda',
      {
        action: 'iam:PassRole',
        resource: role,
        context: { ...as(CR_ROLE), 'iam:PassedToService': 'lambda.amazonaws.com' },
      },
      'Denied',
    ],
    ['another role', { action: 'iam:CreateRole', resource: iamArn('role/evil'), context: as(CR_ROLE) }, 'Denied'],
    [
      'UpdateAccount',
      { action: 'apigateway:PATCH', resource: `arn:${PARTITION}:apigateway:${REGION}::/account`, context: as(CR_ROLE) },
      'Allowed',
    ],
    [
      'UpdateAccount by the execution role',
      {
        action: 'apigateway:PATCH',
        resource: `arn:${PARTITION}:apigateway:${REGION}::/account`,
        context: as(FRAMEWORK_ROLE),
      },
      'Denied',
    ],
  ];
  test.each(cases)('%s', async (_label, request, expected) => {
    expect((await simulate(boundary, request)).decision).toBe(expected);
  });
});
