/**
 * Privilege escalation: what a member of a group could do to get more than the role line gives, simulated
 * against the macro's policies. developer and ci must be Denied every case; admin is checked where the role
 * line confines it too (IAM outside the own stack, other stacks, other services). Mismatches listed in
 * known-gaps.ts (suite 'escalation') are expected failures; a listed gap that no longer occurs fails.
 * Fixed escalation findings stay here as ordinary cases (custom-resource-role-pass: iam-pass-custom-resource-role-*).
 */
import { generatedBucketName } from '../../functions/core/deployment-bucket';
import { GROUP_ROLES, type GroupRole } from '../../functions/catalog/types';
import { macroBoundaryArn } from '../../functions/core/boundary';
import { cfnGeneratedName } from '../../functions/core/generated-names';
import { ARTIFACT_DIR, OWN_SUFFIXES, PARTITION } from '../../scripts/lib/prove/calls';
import { EXPECTED_MISMATCHES, knownGapFor, type Mismatch } from '../../scripts/lib/prove/known-gaps';
import { ACCESS_LOGICAL_ID, policiesFor, type ProofPolicies } from '../../scripts/lib/prove/policies';
import { ACCOUNT_ID, PRINCIPAL, type Decision, type SimRequest } from '../../scripts/lib/prove/simulate';
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

interface Service {
  readonly fixture: string;
  readonly service: string;
  readonly stage: string;
  readonly region: string;
  readonly bucket: string;
  readonly customBucket?: boolean;
  readonly deploymentPrefix?: string;
  /** Access property PermissionsBoundary (provider.iam.role.permissionsBoundary of the service). */
  readonly permissionsBoundary?: string;
}

const SERVICES: readonly Service[] = [
  {
    fixture: '01-basic',
    service: 'orders',
    stage: 'dev',
    region: 'us-east-1',
    bucket: generatedBucketName('orders-dev', OWN_SUFFIXES.bucketSuffix),
  },
  {
    fixture: '09-custom-deployment-bucket',
    service: 'uploads',
    stage: 'dev',
    region: 'us-east-1',
    bucket: 'acme-serverless-deployments-us-east-1',
    customBucket: true,
    deploymentPrefix: 'deployments',
  },
  {
    fixture: '08-tracing-iam',
    service: 'billing',
    stage: 'dev',
    region: 'us-east-1',
    bucket: generatedBucketName('billing-dev', OWN_SUFFIXES.bucketSuffix),
    permissionsBoundary: `arn:${PARTITION}:iam::${ACCOUNT_ID}:policy/acme-lambda-boundary`,
  },
];
const OTHER_BOUNDARY = `arn:${PARTITION}:iam::${ACCOUNT_ID}:policy/another-boundary`;

/** Another service in the same account, whose resources must stay out of reach. */
const OTHER = {
  service: 'payments',
  stage: 'dev',
  role: 'payments-dev-us-east-1-lambdaRole',
  fn: 'payments-dev-charge',
  stack: 'payments-dev',
};
const ADMIN_POLICY = `arn:${PARTITION}:iam::aws:policy/AdministratorAccess`;

interface Case {
  readonly id: string;
  readonly why: string;
  readonly request: SimRequest;
  /** Expected per role; developer and ci are always Denied. admin: when the role line confines admin too. */
  readonly admin?: Decision;
}

function cases(s: Service, p: ProofPolicies): Case[] {
  const r = p.fragment.Resources as Record<string, { Properties?: Record<string, unknown> }>;
  const groupName = (role: GroupRole) =>
    String(r[`${ACCESS_LOGICAL_ID}${role.charAt(0).toUpperCase()}${role.slice(1)}Group`]?.Properties?.GroupName);
  const macroRole = String(r[`${ACCESS_LOGICAL_ID}LambdaRole`]?.Properties?.RoleName);
  const frameworkRole = `${s.service}-${s.stage}-${s.region}-lambdaRole`;
  const stack = `${s.service}-${s.stage}`;
  const crRole = cfnGeneratedName(stack, 'IamRoleCustomResourcesLambdaExecution', 64, OWN_SUFFIXES.generatedSuffix);
  // The stack that holds the Access resource (the groups themselves).
  const ACCESS_STACK = p.accessStackName;
  const cli: RequestContext = cliContext(s.region);
  const iamCli = { ...cli, 'aws:RequestedRegion': 'us-east-1' };
  const templateUrl = `https://s3.amazonaws.com/${s.bucket}/${s.deploymentPrefix ?? 'serverless'}/${s.service}/${s.stage}/${ARTIFACT_DIR}/compiled-cloudformation-template.json`;
  const list: Case[] = [
    {
      id: 'iam-create-user',
      why: 'a new user with its own keys escapes the groups',
      request: { action: 'iam:CreateUser', resource: iamArn('user/mallory'), context: iamCli },
      admin: 'Denied',
    },
    {
      id: 'iam-create-access-key-other-user',
      why: 'keys of another (admin) user',
      request: { action: 'iam:CreateAccessKey', resource: iamArn('user/alice-admin'), context: iamCli },
      admin: 'Denied',
    },
    {
      id: 'iam-create-access-key-self',
      why: 'own keys are managed by the platform, not by the group policies',
      request: { action: 'iam:CreateAccessKey', resource: PRINCIPAL, context: iamCli },
      admin: 'Denied',
    },
    {
      id: 'iam-attach-user-policy-self',
      why: 'AdministratorAccess on oneself',
      request: {
        action: 'iam:AttachUserPolicy',
        resource: PRINCIPAL,
        context: { ...iamCli, 'iam:PolicyARN': ADMIN_POLICY },
      },
      admin: 'Denied',
    },
    ...GROUP_ROLES.flatMap((g): Case[] => [
      {
        id: `iam-attach-group-policy-${g}-group`,
        why: `AdministratorAccess on the ${g} group`,
        request: {
          action: 'iam:AttachGroupPolicy',
          resource: iamArn(`group/${groupName(g)}`),
          context: { ...iamCli, 'iam:PolicyARN': ADMIN_POLICY },
        },
        admin: 'Denied',
      },
      {
        id: `iam-put-group-policy-${g}-group`,
        why: `an inline policy on the ${g} group`,
        request: { action: 'iam:PutGroupPolicy', resource: iamArn(`group/${groupName(g)}`), context: iamCli },
        admin: 'Denied',
      },
    ]),
    {
      id: 'iam-add-user-to-admin-group',
      why: 'joining the admin group',
      request: { action: 'iam:AddUserToGroup', resource: iamArn(`group/${groupName('admin')}`), context: iamCli },
      admin: 'Denied',
    },
    // The execution roles: the framework's and the one the macro creates for provider.iam.role.
    ...[frameworkRole, macroRole].flatMap((role): Case[] =>
      (['cli', 'cloudformation'] as const).flatMap((via): Case[] => {
        const ctx = via === 'cli' ? iamCli : viaCloudFormation(iamCli);
        // admin may change the framework's role through its own stack (the role line gives IAM to admin);
        // directly, and on the macro's role (the Access stack's), never. Even through the stack admin must
        // not make it an administrator or lift its boundary: that reaches beyond the service.
        // With PermissionsBoundary those writes need the boundary on the role (these requests carry none).
        // Every service is bounded (the macro's boundary by default, or its own PermissionsBoundary): admin's
        // writes need that boundary on the role, so these requests (which carry none) are Denied.
        const adminChanges: Decision = 'Denied';
        const boundary =
          s.permissionsBoundary ??
          macroBoundaryArn({ resourcePrefix: `cf-${s.service}`, stage: s.stage }, PARTITION, ACCOUNT_ID);
        const bounded = (c: Record<string, string | string[]>, b: string) => ({ ...c, 'iam:PermissionsBoundary': b });
        const boundaryCases: Case[] =
          role !== frameworkRole
            ? []
            : [
                // The boundary caps whatever is attached: admin may change the bounded framework role through the stack,
                // but never attach an administrator policy to it (iam.execution-roles-bounded-attach).
                {
                  id: `iam-attach-role-policy-${role}-${via}-bounded`,
                  why: 'AdministratorAccess on the bounded execution role',
                  request: {
                    action: 'iam:AttachRolePolicy',
                    resource: iamArn(`role/${role}`),
                    context: { ...bounded(ctx, boundary), 'iam:PolicyARN': ADMIN_POLICY },
                  },
                  admin: 'Denied',
                },
                {
                  id: `iam-attach-role-policy-${role}-${via}-bounded-vpc`,
                  why: 'the VPC access policy on the bounded execution role (provider.vpc)',
                  request: {
                    action: 'iam:AttachRolePolicy',
                    resource: iamArn(`role/${role}`),
                    context: {
                      ...bounded(ctx, boundary),
                      'iam:PolicyARN': `arn:${PARTITION}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
                    },
                  },
                  admin: via === 'cloudformation' ? 'Allowed' : 'Denied',
                },
                {
                  id: `iam-create-role-${role}-${via}-bounded`,
                  why: 'recreating the execution role with its boundary',
                  request: {
                    action: 'iam:CreateRole',
                    resource: iamArn(`role/${role}`),
                    context: bounded(ctx, boundary),
                  },
                  admin: via === 'cloudformation' ? 'Allowed' : 'Denied',
                },
                {
                  id: `iam-create-role-${role}-${via}-other-boundary`,
                  why: 'recreating the execution role with a weaker boundary',
                  request: {
                    action: 'iam:CreateRole',
                    resource: iamArn(`role/${role}`),
                    context: bounded(ctx, OTHER_BOUNDARY),
                  },
                  admin: 'Denied',
                },
                {
                  id: `iam-put-role-permissions-boundary-${role}-${via}-other-boundary`,
                  why: 'swapping the boundary for a weaker one',
                  request: {
                    action: 'iam:PutRolePermissionsBoundary',
                    resource: iamArn(`role/${role}`),
                    context: bounded(ctx, OTHER_BOUNDARY),
                  },
                  admin: 'Denied',
                },
                {
                  id: `iam-delete-role-permissions-boundary-${role}-${via}-bounded`,
                  why: "lifting the execution role's boundary",
                  request: {
                    action: 'iam:DeleteRolePermissionsBoundary',
                    resource: iamArn(`role/${role}`),
                    context: bounded(ctx, boundary),
                  },
                  admin: 'Denied',
                },
              ];
        return [
          ...boundaryCases,
          {
            id: `iam-attach-role-policy-${role}-${via}`,
            why: 'AdministratorAccess on the execution role, then run code as it',
            request: {
              action: 'iam:AttachRolePolicy',
              resource: iamArn(`role/${role}`),
              context: { ...ctx, 'iam:PolicyARN': ADMIN_POLICY },
            },
            admin: 'Denied',
          },
          {
            id: `iam-put-role-policy-${role}-${via}`,
            why: 'an inline *:* policy on the execution role',
            request: { action: 'iam:PutRolePolicy', resource: iamArn(`role/${role}`), context: ctx },
            admin: adminChanges,
          },
          {
            id: `iam-update-assume-role-policy-${role}-${via}`,
            why: 'trusting oneself to assume the execution role',
            request: { action: 'iam:UpdateAssumeRolePolicy', resource: iamArn(`role/${role}`), context: ctx },
            admin: adminChanges,
          },
          {
            id: `iam-create-role-${role}-${via}`,
            why: 'recreating the execution role with another trust or policy',
            request: { action: 'iam:CreateRole', resource: iamArn(`role/${role}`), context: ctx },
            admin: adminChanges,
          },
          {
            id: `iam-delete-role-permissions-boundary-${role}-${via}`,
            why: "lifting the execution role's boundary",
            request: { action: 'iam:DeleteRolePermissionsBoundary', resource: iamArn(`role/${role}`), context: ctx },
            admin: 'Denied',
          },
        ];
      }),
    ),
    // The framework's custom-resource role (<stack>-IamRoleCustomResourcesLambdaExec-<suffix>, generated by
    // CloudFormation); for the API Gateway CloudWatch-role resource it holds iam:AttachRolePolicy on role/*.
    // Fixed finding custom-resource-role-pass: developer and ci pass it neither directly nor through the stack
    // (an own function run as it would be an account administrator); admin only through the stack, only to
    // Lambda (iam.pass-framework-roles: the framework's custom-resource functions).
    ...(['cli', 'cloudformation'] as const).flatMap((via): Case[] => {
      const ctx = via === 'cli' ? iamCli : viaCloudFormation(iamCli);
      const role = iamArn(`role/${crRole}`);
      return [
        {
          id: `iam-pass-custom-resource-role-${via}`,
          why:
            via === 'cli'
              ? 'an own function run as the custom-resource role (update-function-configuration --role)'
              : 'a stack update that gives an own function `role: IamRoleCustomResourcesLambdaExecution`',
          request: passRole(role, 'lambda.amazonaws.com', ctx),
          // admin through the stack: by design (the framework's custom-resource functions); with PermissionsBoundary
          // the role admin can create carries the boundary (iam.execution-roles-bounded), without it (PermissionsBoundary: none) admin can
          // give the execution role any inline policy.
          admin: via === 'cli' ? 'Denied' : 'Allowed',
        },
        {
          id: `iam-pass-custom-resource-role-${via}-scheduler`,
          why: 'a schedule run as the custom-resource role',
          request: passRole(role, 'scheduler.amazonaws.com', ctx),
          admin: 'Denied',
        },
        // A role named <service>-<stage>-* that is not an execution role (the pattern developers passed before).
        {
          id: `iam-pass-service-prefixed-role-${via}`,
          why: 'an own function run as another role of the own stack (role/<service>-<stage>-Admin)',
          request: passRole(iamArn(`role/${stack}-Admin`), 'lambda.amazonaws.com', ctx),
          admin: via === 'cli' ? 'Denied' : undefined,
        },
      ];
    }),
    {
      id: 'iam-pass-admin-role',
      why: 'a Lambda running as an admin role',
      request: passRole(iamArn('role/Admin'), 'lambda.amazonaws.com', iamCli),
      admin: 'Denied',
    },
    {
      id: 'iam-pass-other-service-role',
      why: "a Lambda running as another service's role",
      request: passRole(iamArn(`role/${OTHER.role}`), 'lambda.amazonaws.com', iamCli),
      admin: 'Denied',
    },
    {
      id: 'iam-pass-own-role-to-ec2',
      why: 'an instance profile with the execution role',
      request: passRole(iamArn(`role/${frameworkRole}`), 'ec2.amazonaws.com', iamCli),
      admin: 'Denied',
    },
    {
      id: 'iam-pass-own-role-to-cloudformation',
      why: 'a stack run with the execution role as service role',
      request: passRole(iamArn(`role/${frameworkRole}`), 'cloudformation.amazonaws.com', iamCli),
      admin: 'Denied',
    },
    {
      id: 'iam-pass-macro-role-to-cloudformation',
      why: "a stack run with the macro's execution role as service role",
      request: passRole(iamArn(`role/${macroRole}`), 'cloudformation.amazonaws.com', iamCli),
      admin: 'Denied',
    },
    {
      id: 'sts-assume-admin-role',
      why: 'assuming a foreign admin role',
      request: { action: 'sts:AssumeRole', resource: iamArn('role/Admin'), context: iamCli },
      admin: 'Denied',
    },
    {
      id: 'sts-assume-other-service-role',
      why: "assuming another service's role",
      request: { action: 'sts:AssumeRole', resource: iamArn(`role/${OTHER.role}`), context: iamCli },
      admin: 'Denied',
    },
    {
      id: 'sts-assume-own-execution-role',
      why: 'assuming the execution role directly',
      request: { action: 'sts:AssumeRole', resource: iamArn(`role/${frameworkRole}`), context: iamCli },
      admin: 'Denied',
    },
    ...[ACCESS_STACK, OTHER.stack].flatMap((name): Case[] => [
      {
        id: `cfn-update-stack-${name}`,
        why: name === ACCESS_STACK ? 'rewriting the groups themselves' : "another service's stack",
        request: {
          action: 'cloudformation:UpdateStack',
          resource: stackArn(s.region, name),
          context: { ...cli, 'cloudformation:TemplateUrl': templateUrl },
        },
        admin: 'Denied',
      },
      {
        id: `cfn-delete-stack-${name}`,
        why: name === ACCESS_STACK ? 'deleting the groups' : "another service's stack",
        request: { action: 'cloudformation:DeleteStack', resource: stackArn(s.region, name), context: cli },
        admin: 'Denied',
      },
      {
        id: `cfn-create-change-set-${name}`,
        why: 'a change set named like the own one on a foreign stack',
        request: {
          action: 'cloudformation:CreateChangeSet',
          resource: stackArn(s.region, name),
          context: {
            ...cli,
            'cloudformation:ChangeSetName': `${stack}-change-set`,
            'cloudformation:TemplateUrl': templateUrl,
          },
        },
        admin: 'Denied',
      },
      {
        id: `cfn-create-change-set-${name}-own-name`,
        why: "a change set with the stack's own framework name",
        request: {
          action: 'cloudformation:CreateChangeSet',
          resource: stackArn(s.region, name),
          context: {
            ...cli,
            'cloudformation:ChangeSetName': `${name}-change-set`,
            'cloudformation:TemplateUrl': templateUrl,
          },
        },
        admin: 'Denied',
      },
    ]),
    {
      id: 'cfn-create-change-set-own-stack-template-body',
      why: 'creating the stack (first deploy) from a template body, which only admin may',
      request: {
        action: 'cloudformation:CreateChangeSet',
        resource: stackArn(s.region, stack),
        context: { ...cli, 'cloudformation:ChangeSetName': `${stack}-change-set` },
      },
    },
    {
      id: 'cfn-import-into-own-stack',
      why: 'adopting a foreign resource into the own stack (import change set)',
      request: {
        action: 'cloudformation:CreateChangeSet',
        resource: stackArn(s.region, stack),
        context: {
          ...cli,
          'cloudformation:ChangeSetName': `${stack}-change-set`,
          'cloudformation:TemplateUrl': templateUrl,
          'cloudformation:ImportResourceTypes': ['AWS::S3::Bucket'],
        },
      },
      admin: 'Denied',
    },
    {
      id: 'lambda-update-other-service-code',
      why: "another service's function code",
      request: {
        action: 'lambda:UpdateFunctionCode',
        resource: `arn:${PARTITION}:lambda:${s.region}:${ACCOUNT_ID}:function:${OTHER.fn}`,
        context: cli,
      },
      admin: 'Denied',
    },
    // The framework's custom-resource functions run as its custom-resource role: nobody changes or invokes them
    // directly, and no event source may be pointed at them (lambda.custom-resource-functions-*).
    ...(['custom-resource-apigw-cw-role', 'custom-resource-existing-s3'] as const).flatMap((kind): Case[] => {
      const fn = `arn:${PARTITION}:lambda:${s.region}:${ACCOUNT_ID}:function:${stack}-${kind}`;
      return [
        {
          id: `lambda-update-code-${kind}-cli`,
          why: 'own code run as the custom-resource role',
          request: { action: 'lambda:UpdateFunctionCode', resource: fn, context: cli },
          admin: 'Denied',
        },
        {
          id: `lambda-update-configuration-${kind}-cli`,
          why: 'a foreign layer or handler run as the custom-resource role',
          request: { action: 'lambda:UpdateFunctionConfiguration', resource: fn, context: cli },
          admin: 'Denied',
        },
        {
          id: `lambda-invoke-${kind}-cli`,
          why: 'a crafted custom-resource event makes the function use its role',
          request: { action: 'lambda:InvokeFunction', resource: fn, context: cli },
          admin: 'Denied',
        },
        {
          id: `lambda-add-permission-${kind}-cloudformation`,
          why: 'an AWS::Lambda::Permission that lets an event source invoke it',
          request: {
            action: 'lambda:AddPermission',
            resource: fn,
            context: { ...viaCloudFormation(cli), 'lambda:Principal': 'events.amazonaws.com' },
          },
          admin: 'Denied',
        },
        {
          id: `lambda-create-mapping-${kind}-cloudformation`,
          why: 'a queue that feeds it crafted events',
          request: {
            action: 'lambda:CreateEventSourceMapping',
            resource: '*',
            context: { ...viaCloudFormation(cli), 'lambda:FunctionArn': fn },
          },
          admin: 'Denied',
        },
      ];
    }),
    // API Gateway: the stack tag CloudFormation stamps on REST APIs (inherited by their children), keys and plans.
    ...((): Case[] => {
      const ag = (path: string) => `arn:${PARTITION}:apigateway:${s.region}::${path}`;
      const foreign = { 'aws:ResourceTag/aws:cloudformation:stack-name': OTHER.stack };
      return [
        {
          id: 'apigateway-put-method-other-api-cloudformation',
          why: "an unauthenticated method on another service's REST API through the own stack",
          request: {
            action: 'apigateway:PUT',
            resource: ag('/restapis/a1b2c3d4e5/resources/abc123/methods/GET'),
            context: { ...viaCloudFormation(cli), ...foreign },
          },
          admin: 'Denied',
        },
        {
          id: 'apigateway-post-deployment-other-api-cloudformation',
          why: "redeploying another service's REST API through the own stack",
          request: {
            action: 'apigateway:POST',
            resource: ag('/restapis/a1b2c3d4e5/deployments'),
            context: { ...viaCloudFormation(cli), ...foreign },
          },
          admin: 'Denied',
        },
        {
          id: 'apigateway-put-rest-api-other-cloudformation',
          why: 'overwriting another REST API from an OpenAPI body',
          request: {
            action: 'apigateway:PUT',
            resource: ag('/restapis/a1b2c3d4e5'),
            context: { ...viaCloudFormation(cli), ...foreign },
          },
          admin: 'Denied',
        },
        {
          id: 'apigateway-patch-other-stage-cli',
          why: "throttling 0 or logging off on another API's stage",
          request: {
            action: 'apigateway:PATCH',
            resource: ag(`/restapis/a1b2c3d4e5/stages/${s.stage}`),
            context: { ...cli, ...foreign },
          },
          admin: 'Denied',
        },
        {
          id: 'apigateway-list-api-keys-cli',
          why: 'every API key value of the region in one call',
          request: { action: 'apigateway:GET', resource: ag('/apikeys'), context: cli },
          admin: 'Denied',
        },
        {
          id: 'apigateway-get-other-api-key-cli',
          why: "another service's API key value",
          request: { action: 'apigateway:GET', resource: ag('/apikeys/k1l2m3n4o5'), context: { ...cli, ...foreign } },
          admin: 'Denied',
        },
        {
          id: 'apigateway-patch-other-usage-plan-cli',
          why: "quotas of another service's usage plan",
          request: { action: 'apigateway:PATCH', resource: ag('/usageplans/p1q2r3'), context: { ...cli, ...foreign } },
          admin: 'Denied',
        },
      ];
    })(),
    // Resource policies and wiring through the own stack, toward what another owner holds.
    ...((): Case[] => {
      const cfn = viaCloudFormation(cli);
      const own = `arn:${PARTITION}:lambda:${s.region}:${ACCOUNT_ID}:function:${stack}-worker`;
      const sns = (name: string) => `arn:${PARTITION}:sns:${s.region}:${ACCOUNT_ID}:${name}`;
      const events = (path: string) => `arn:${PARTITION}:events:${s.region}:${ACCOUNT_ID}:${path}`;
      return [
        {
          id: 'sns-set-topic-attributes-foreign-topic-cloudformation',
          why: "an AWS::SNS::TopicPolicy that opens another owner's topic",
          request: { action: 'sns:SetTopicAttributes', resource: sns('acme-billing-alerts'), context: cfn },
          admin: 'Denied',
        },
        {
          id: 'sns-subscribe-https-own-topic-cloudformation',
          why: "an https endpoint that receives the own topic's messages",
          request: {
            action: 'sns:Subscribe',
            resource: sns(`${stack}-alerts`),
            context: { ...cfn, 'sns:Protocol': 'https', 'sns:Endpoint': 'https://attacker.example/hook' },
          },
          admin: 'Denied',
        },
        {
          id: 'sns-subscribe-foreign-queue-cloudformation',
          why: "another account's queue subscribed to the own topic",
          request: {
            action: 'sns:Subscribe',
            resource: sns(`${stack}-alerts`),
            context: { ...cfn, 'sns:Protocol': 'sqs', 'sns:Endpoint': 'arn:aws:sqs:us-east-1:210987654321:exfil' },
          },
          admin: 'Denied',
        },
        {
          id: 'events-put-targets-foreign-bus-cloudformation',
          why: "the default bus (CloudTrail events) forwarded to another account's bus",
          request: {
            action: 'events:PutTargets',
            resource: events(`rule/${stack}-forward`),
            context: { ...cfn, 'events:TargetArn': ['arn:aws:events:us-east-1:210987654321:event-bus/default'] },
          },
          admin: 'Denied',
        },
        {
          id: 'events-put-rule-foreign-bus-cloudformation',
          why: "a rule on another owner's custom bus",
          request: { action: 'events:PutRule', resource: events(`rule/acme-org-bus/${stack}-copy`), context: cfn },
          admin: 'Denied',
        },
        {
          id: 'lambda-add-permission-account-cloudformation',
          why: 'another account may invoke an own function',
          request: {
            action: 'lambda:AddPermission',
            resource: own,
            context: { ...cfn, 'lambda:Principal': '210987654321' },
          },
          admin: 'Denied',
        },
        {
          id: 'logs-put-subscription-filter-cloudtrail-cloudformation',
          why: "CloudTrail's log group streamed to an own function",
          request: {
            action: 'logs:PutSubscriptionFilter',
            resource: `arn:${PARTITION}:logs:${s.region}:${ACCOUNT_ID}:log-group:aws-cloudtrail-logs-123456789012`,
            context: cfn,
          },
          admin: 'Denied',
        },
        {
          id: 's3-put-bucket-notification-deployment-bucket-cloudformation',
          why: "another stage's deployment bucket wired to an own function",
          request: {
            action: 's3:PutBucketNotification',
            resource: `arn:${PARTITION}:s3:::${s.service}-prod-serverlessdeploymentbucket-q7r8s9t0u1v2`,
            context: cfn,
          },
          admin: 'Denied',
        },
        {
          id: 's3-delete-foreign-bucket-cloudformation',
          why: 'deleting any bucket through the own stack',
          request: { action: 's3:DeleteBucket', resource: `arn:${PARTITION}:s3:::acme-finance-exports`, context: cfn },
          admin: 'Denied',
        },
        {
          id: 'lambda-get-foreign-layer',
          why: "another service's layer code",
          request: {
            action: 'lambda:GetLayerVersion',
            resource: `arn:${PARTITION}:lambda:${s.region}:${ACCOUNT_ID}:layer:${OTHER.service}-dev-secrets:1`,
            context: cli,
          },
          admin: 'Denied',
        },
      ];
    })(),
    {
      id: 'lambda-add-permission-cli',
      why: 'letting anyone invoke an own function, bypassing the stack',
      request: {
        action: 'lambda:AddPermission',
        resource: `arn:${PARTITION}:lambda:${s.region}:${ACCOUNT_ID}:function:${stack}-anything`,
        context: cli,
      },
      admin: 'Denied',
    },
    ...['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'].flatMap((action): Case[] => [
      {
        id: `${action}-other-service-deployment-bucket-cloudformation`,
        why: "an AWS::S3::BucketPolicy in the own stack on another service's deployment bucket",
        request: {
          action,
          resource: `arn:${PARTITION}:s3:::${OTHER.stack}-serverlessdeploymentbucket-q7r8s9t0u1v2`,
          context: viaCloudFormation(cli),
        },
        admin: 'Denied',
      },
      {
        id: `${action}-foreign-bucket-cloudformation`,
        why: 'an AWS::S3::BucketPolicy in the own stack on any bucket of the account',
        request: { action, resource: `arn:${PARTITION}:s3:::acme-finance-exports`, context: viaCloudFormation(cli) },
        admin: 'Denied',
      },
    ]),
    {
      id: 's3-put-deployment-bucket-policy-cli',
      why: 'opening the deployment bucket',
      request: { action: 's3:PutBucketPolicy', resource: `arn:${PARTITION}:s3:::${s.bucket}`, context: cli },
      admin: s.customBucket ? 'Denied' : undefined,
    },
    {
      id: 's3-put-deployment-bucket-policy-cloudformation',
      why: 'opening the deployment bucket through the own stack',
      request: {
        action: 's3:PutBucketPolicy',
        resource: `arn:${PARTITION}:s3:::${s.bucket}`,
        context: viaCloudFormation(cli),
      },
    },
  ];
  return list;
}

const mismatches: { m: Mismatch; gap?: string }[] = [];
let complete = 0;

describe.each(SERVICES.map((s) => [s.fixture, s] as const))('%s', (_fixture, s) => {
  let policies: ProofPolicies;
  beforeAll(async () => {
    policies = await policiesFor({
      serviceName: s.service,
      stage: s.stage,
      region: s.region,
      deploymentBucket: s.customBucket ? s.bucket : undefined,
      deploymentPrefix: s.deploymentPrefix,
      observedBucketName: s.customBucket ? undefined : s.bucket,
      extraProperties: s.permissionsBoundary ? { PermissionsBoundary: s.permissionsBoundary } : undefined,
    });
  });

  test.each(GROUP_ROLES.map((r) => [r] as const))('%s cannot escalate', async (role) => {
    const unexplained: string[] = [];
    const wrong = await wrongDecisions(policies.groups[role], cases(s, policies), (c) =>
      role === 'admin' ? c.admin : 'Denied',
    );
    for (const w of wrong) {
      const { c, expected, result: r } = w;
      const m: Mismatch = {
        suite: 'escalation',
        fixture: s.fixture,
        bucketMode: s.customBucket ? 'custom' : 'observed',
        role,
        variant: 'own',
        variantLabel: 'own',
        entry: c.id,
        action: c.request.action,
        resource: c.request.resource,
        context: c.request.context,
        expected,
        actual: r.decision,
        sids: r.allowSids,
      };
      const gap = knownGapFor(m);
      mismatches.push({ m, gap: gap?.id });
      if (!gap) unexplained.push(`${s.fixture} ${role} ${c.id} (${c.why}): ${describeWrong(w)}`);
    }
    complete++;
    expect(unexplained).toEqual([]);
  });
});

test('every known escalation gap still occurs (remove the ones the catalog has fixed)', () => {
  if (complete < SERVICES.length * GROUP_ROLES.length) return; // a filtered run cannot tell
  const hit = new Set(mismatches.map((x) => x.gap).filter(Boolean));
  expect(
    EXPECTED_MISMATCHES.filter((g) => g.suite === 'escalation' && !hit.has(g.id)).map((g) => `${g.status} ${g.id}`),
  ).toEqual([]);
});
