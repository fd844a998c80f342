/**
 * The allow/deny and escalation proof of the submodules. The kitchen-sink Access resource
 * (test/golden/input/kitchen-sink.yaml, every submodule on) is expanded for service tapir stage dev (own),
 * for stage prod and for service tapir2 stage dev, and once more with Canary's plugin role. For every
 * statement of every group's managed policies and of the execution role's policy whose Sid is a submodule
 * entry's (SUBMODULES' `entries(options, config)`), and of the CodeDeploy role Canary creates, submodule-
 * requests.ts derives one concrete request per action and resource pattern (the resource types of iam-data
 * decide which action goes with which pattern), with the context its Condition needs. Then:
 *
 *   - own:            Allowed for the own role's policies;
 *   - other stage:    the request built from prod's statement, made by the dev role, is Denied;
 *   - other service:  the request built from tapir2's statement, made by tapir's role, is Denied;
 *     except statements whose resource is `*` (STAR_EXEMPTIONS, each with its catalog reason);
 *   - escalation:     developer and ci (and admin where the design confines it too) are Denied the
 *                     submodule-specific escalation attempts of escalationCases().
 *
 * KMS requests carry the key's own key policy (KMS counts IAM policies only through it). Mismatches listed in
 * EXPECTED_FAILURES are findings against functions/ (the suite stays green, the gap stays visible); any other
 * mismatch fails, and so does a listed one that no longer occurs. PROOF_REPORT=1 prints counts and findings.
 */
import type { GroupRole } from '../../functions/catalog/types';
import type { AccessConfig } from '../../functions/core/config';
import { arnTokens } from '../../functions/core/naming';
import { SUBMODULES } from '../../functions/submodules';
import { canaryArns, codeDeployRoleName } from '../../functions/submodules/canary';
import { alarmName, dashboardName } from '../../functions/submodules/cloudwatch';
import { kmsAliasName } from '../../functions/submodules/kms';
import { secretName } from '../../functions/submodules/secrets-manager';
import { ACCOUNT_ID, type Decision, type SimRequest } from '../../scripts/lib/prove/simulate';
import {
  CLI_CONTEXT,
  concreteArn,
  derive,
  expand,
  kitchenSinkProperties,
  PROOF_ROLES,
  resourcePolicyFor,
  rolesOf,
  simulateOn,
  submoduleStatements,
  viaCloudFormation,
  type Expanded,
  type PolicyStatement,
  type ProofRole,
  type SubmoduleStatement,
} from './submodule-requests';

const SERVICE = 'tapir';
const STAGE = 'dev';
const OTHER_STAGE = 'prod';
const OTHER_SERVICE = 'tapir2';
const REGION = 'us-east-1';
const PLUGIN_BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/codedeploy-boundary`;

/** The kitchen sink as committed, and with the plugin's own CodeDeploy role (the entries only it adds). */
const CONFIGURATIONS: readonly { label: string; overrides: Record<string, unknown> }[] = [
  { label: 'kitchen-sink', overrides: {} },
  {
    label: 'kitchen-sink, Canary.ServiceRole plugin',
    overrides: { Canary: { ServiceRole: 'plugin', PermissionsBoundary: PLUGIN_BOUNDARY } },
  },
];

type VariantKind = 'other-stage' | 'other-service';
/** The groups, the execution role, and the CodeDeploy role the Canary submodule creates (ServiceRole macro). */
type Principal = ProofRole | 'codedeploy-role';
type Suite = 'own' | VariantKind | 'escalation' | 'derivation';

// ---------------------------------------------------------------------------------------------------------
// Statements whose resource is `*`: no name to scope, so another stage's or service's request is the same
// request. Each is listed with its catalog entry's reason (checked to be the catalog's, word for word).

const STAR_EXEMPTIONS: Readonly<Record<string, string>> = {
  'xray.lambda-put-traces':
    "tracing.lambda: functions send trace segments (as the framework's own role); the actions accept no resource ARN.",
  'xray.read-traces':
    "Console trace map and search, for the groups in Readers only: the reads accept no resource ARN or key (every service's traces).",
  'canary.codedeploy-stop':
    'A cancelled or failed update stops the traffic shift through the stack; the action accepts no resource ARN.',
  'vpc.lambda-eni-describe':
    'Lambda looks up the interfaces and subnets it manages; the actions accept no resource ARN.',
  'vpc.describe':
    "Removing a function with vpc: waits for its network interfaces (CloudFormation's delete); the action accepts no resource ARN.",
  'dashboard.metrics-read':
    "The alarm and dashboard graphs read the functions' and API's metrics; metrics accept no resource ARN.",
};

/**
 * Actions the simulator cannot decide (never a finding against functions/): iam-data gives them only resource types
 * of one ARN shape, so every ARN the statement covers is ambiguous. Listed so that the gap in the proof is visible.
 */
const SIMULATOR_LIMITS: readonly { sid: string; action: string; reason: string }[] = [
  {
    sid: 'CodedeployRoleShiftAlias',
    action: 'lambda:GetProvisionedConcurrencyConfig',
    reason:
      "iam-data lists only `function alias` and `function version` (both function:<name>:<qualifier>), so iam-simulate answers multiple.resource.types for any qualified ARN; the statement's function:<service>-<stage>-* covers both.",
  },
];

// ---------------------------------------------------------------------------------------------------------
// Findings: mismatches of the proof against functions/ (not fixed here). Each one matches only what it was
// written for; a listed one that no longer occurs fails the suite, so fixing functions/ forces this list to shrink.

interface Mismatch {
  readonly configuration: string;
  readonly suite: Suite;
  readonly role: Principal;
  /** Catalog entry id, the escalation case id, or (CodeDeploy role) the statement's Sid. */
  readonly id: string;
  readonly action: string;
  readonly resource: string;
  readonly expected: Decision | 'derivable';
  readonly actual: Decision | string;
  readonly sids: readonly string[];
}

interface ExpectedFailure {
  readonly id: string;
  readonly match: {
    readonly suites: readonly Suite[];
    readonly roles: readonly Principal[];
    readonly ids: readonly string[];
    readonly actions?: readonly string[];
    /** A substring of the request's resource. */
    readonly resource?: string;
    readonly configurations?: readonly string[];
  };
  readonly reason: string;
  readonly proposedFix: string;
}

const EXPECTED_FAILURES: readonly ExpectedFailure[] = [
  {
    id: 'canary-hook-status-needs-star',
    match: {
      suites: ['own', 'derivation'],
      roles: ['lambda'],
      ids: ['canary.lambda-hook-status'],
      actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
    },
    reason:
      'The Service Authorization Reference (iam-data) lists no resource type for codedeploy:PutLifecycleEventHookExecutionStatus, so IAM ' +
      "evaluates it against `*`, which the statement's deploymentgroup ARN never matches: pre/postTrafficHook functions would be " +
      'denied their verdict and every canary deploy would wait for the hook timeout and roll back. (CDK scopes the grant to the ' +
      'deployment group ARN; if AWS does authorize it per deployment group, iam-data is out of date: confirm on AWS.)',
    proposedFix:
      'functions/submodules/canary.ts canary.lambda-hook-status: resources [\'*\'] with the reason "the action accepts no resource ARN", or keep the ARN and add `*` only after an AWS test shows it is needed.',
  },
  {
    id: 'vpc-eni-any-subnet',
    match: {
      suites: ['other-stage', 'other-service'],
      roles: ['lambda'],
      // vpc.lambda-eni-created-vpc's CreateNetworkInterface on the interface pattern meets the same statement
      ids: ['vpc.lambda-eni', 'vpc.lambda-eni-created-vpc'],
      actions: ['ec2:CreateNetworkInterface'],
      resource: ':network-interface/',
    },
    reason:
      'CreateNetworkInterface is authorized on the new interface (network-interface/*, a random id: nothing to tell ' +
      'stages apart) and on the subnet and security groups it goes into; those are scoped (vpc.lambda-eni-listed-placement: ' +
      'the listed ids; vpc.lambda-eni-created-vpc: ec2:Vpc of the created VPC), so the request on the interface alone is ' +
      'Allowed while the call as a whole is not. Deleting and re-addressing interfaces are scoped by ec2:Vpc / ec2:Subnet ' +
      '(vpc.lambda-eni-manage-listed, vpc.lambda-eni-created-vpc), no longer listed here.',
    proposedFix:
      'None on the interface ARN; the proof would need multi-resource requests (interface + subnet) to show the call Denied.',
  },
  {
    id: 'codedeploy-default-configs-shared',
    match: {
      suites: ['other-stage', 'other-service'],
      roles: ['admin', 'developer', 'ci'],
      ids: ['canary.codedeploy-read'],
      actions: ['codedeploy:GetDeploymentConfig'],
      resource: ':deploymentconfig:CodeDeployDefault.Lambda',
    },
    reason:
      'deploymentconfig:CodeDeployDefault.Lambda* are the AWS-owned built-in configurations, the same for every service and stage; ' +
      'GetDeploymentConfig is read-only. Not scopable by name, and harmless.',
    proposedFix: 'None needed; accept as an exemption (a non-`*` resource shared by design), like the `*` reads.',
  },
  {
    id: 'stack-alarm-pattern-covers-alarms-submodule',
    match: {
      suites: ['escalation'],
      roles: ['developer', 'ci'],
      ids: [
        'cloudwatch-delete-alarms-submodule-alarm-cloudformation',
        'cloudwatch-put-alarm-without-actions-submodule-alarm-cloudformation',
      ],
    },
    reason:
      'canary.stack-alarms-delete (ManyLambdas: developer, ci) and canary.stack-alarms-put grant DeleteAlarms and PutMetricAlarm via ' +
      'CloudFormation on alarm:<StackName>-*, and the Alarms submodule names its alarms <service>-<stage>-*, which is the same prefix ' +
      "with the default StackName (<service>-<stage>). Through a stack, developer and ci may delete the macro stack's alarms, or " +
      'overwrite one with no actions (ForAllValues:ArnLike holds for an empty AlarmActions), silencing it. Only CloudFormation ' +
      'makes the calls, and it only touches alarms its own stack declares, but IAM does not know that.',
    proposedFix:
      "Name the Alarms submodule's alarms outside the framework stack's namespace (e.g. <service>-<stage>-access-<what>, and exclude " +
      "it from canary's pattern), or scope canary.stack-alarms* with aws:ResourceTag/aws:cloudformation:stack-name = the framework " +
      'stack (CloudWatch alarms support aws:ResourceTag), and require cloudwatch:AlarmActions to be present (Null false).',
  },
  {
    id: 'codedeploy-role-reads-every-alarm',
    match: {
      suites: ['other-stage', 'other-service'],
      roles: ['codedeploy-role'],
      ids: ['CodedeployRoleAlarms'],
      actions: ['cloudwatch:DescribeAlarms'],
    },
    reason:
      'codedeploy-role.alarms: the CodeDeploy role the macro creates may describe every alarm of the account (alarm:*), because ' +
      'deploymentSettings.alarms may name any alarm. Read-only, and only CodeDeploy acts with the role (it trusts ' +
      'codedeploy.amazonaws.com, and the groups may pass it to CodeDeploy only).',
    proposedFix:
      'Accept (read-only), or narrow to alarm:{StackName}-* and alarm:{Service}-{Stage}-* with an option for extra alarm names, as Alarms/canary.stack-alarms already assume.',
  },
  {
    id: 'plugin-role-inside-framework-role-pattern',
    match: {
      suites: ['escalation'],
      roles: ['admin'],
      ids: [
        'iam-create-role-plugin-cloudformation',
        'iam-create-role-plugin-without-boundary-cloudformation',
        'iam-put-role-policy-plugin-cloudformation',
        'iam-attach-role-policy-plugin-cloudformation',
        'iam-update-assume-role-policy-plugin-cloudformation',
        'iam-pass-plugin-codedeploy-role-to-lambda-cloudformation',
      ],
    },
    reason:
      "The plugin's role is named <stack>-CodeDeployServiceRole-<suffix>, and with the default StackName (<service>-<stage>) the core's " +
      'framework-role pattern role/{Service}-{Stage}-* matches it. iam.execution-roles-lifecycle (admin, via CloudFormation) then ' +
      'grants every role write on it: CreateRole without the boundary canary.plugin-role-create requires, AttachRolePolicy of any ' +
      "policy (canary.plugin-role-policies allows only the plugin's three), PutRolePolicy and UpdateAssumeRolePolicy; and " +
      'iam.pass-framework-roles lets admin pass it to Lambda through the stack (a function running with AWSLambda_FullAccess once ' +
      'its trust is changed). With ServiceRole macro admin may still create a plugin-named role through the stack. The Canary ' +
      "submodule's restrictions on that role are moot (the underlying core gap is known-gaps.ts's AttachRolePolicy finding on " +
      "the framework's roles). developer and ci are not affected since ARN.executionRoles became role/{Service}-{Stage}-*-lambdaRole.",
    proposedFix:
      'Narrow ARN.frameworkRoles (functions/catalog/arns.ts) the way ARN.executionRoles already is: role/{Service}-{Stage}-*-lambdaRole ' +
      '(the region is the only variable part) plus role/{StackNameHead}-IamRoleCustomResources*, so no other <stack>-* role (the ' +
      "plugin's, or any other the stack creates) falls under iam.execution-roles-lifecycle/-bounded/-tags and iam.pass-framework-roles.",
  },
];

function expectedFailureFor(m: Mismatch): ExpectedFailure | undefined {
  return EXPECTED_FAILURES.find(
    (f) =>
      f.match.suites.includes(m.suite) &&
      f.match.roles.includes(m.role) &&
      f.match.ids.includes(m.id) &&
      (!f.match.actions || f.match.actions.includes(m.action)) &&
      (!f.match.resource || m.resource.includes(f.match.resource)) &&
      (!f.match.configurations || f.match.configurations.includes(m.configuration)),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Bookkeeping

const mismatches: { m: Mismatch; expected?: string }[] = [];
type Counts = { own: number; 'other-stage': number; 'other-service': number; exempt: number };
/** configuration -> submodule -> role -> counts of requests decided as expected. */
const counts = new Map<string, Map<string, Map<Principal, Counts>>>();
/** configuration -> group -> escalation cases asserted, and how many came out as expected. */
const escalations = new Map<string, Map<GroupRole, { asserted: number; asExpected: number }>>();
let completeTests = 0;
// Per configuration: own (one per role), other stage and other service (two per role), escalation (admin, developer,
// ci), and the CodeDeploy role.
const TESTS_PER_CONFIGURATION = PROOF_ROLES.length * 3 + 3 + 1;

function count(configuration: string, module: string, role: Principal, what: keyof Counts) {
  const byModule = counts.get(configuration) ?? new Map<string, Map<Principal, Counts>>();
  counts.set(configuration, byModule);
  const byRole = byModule.get(module) ?? new Map<Principal, Counts>();
  byModule.set(module, byRole);
  const c = byRole.get(role) ?? { own: 0, 'other-stage': 0, 'other-service': 0, exempt: 0 };
  byRole.set(role, c);
  c[what]++;
}

/** Records a mismatch; returns its description unless it is an expected failure. */
function record(m: Mismatch): string | undefined {
  const hit = expectedFailureFor(m);
  mismatches.push({ m, expected: hit?.id });
  if (hit) return undefined;
  return `${m.configuration} ${m.suite} ${m.role} ${m.id}: ${m.action} ${m.resource} expected ${m.expected}, got ${m.actual}${m.sids.length ? ` (${m.sids.join(', ')})` : ''}`;
}

const isStar = (s: Pick<SubmoduleStatement, 'resources'>) => s.resources.length === 1 && s.resources[0] === '*';

/** A catalog pattern with this expansion's tokens, made concrete (wildcards filled as in the requests). */
function arnOf(pattern: string, config: AccessConfig): string {
  const tokens = arnTokens(config);
  return concreteArn(
    pattern.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
      const v = tokens[name];
      if (typeof v !== 'string') throw new Error(`${pattern}: token ${whole} is not a literal`);
      return v;
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Escalation cases

interface EscalationCase {
  readonly id: string;
  readonly why: string;
  readonly request: SimRequest;
  /** Per role; a role left out is not asserted (its own requests cover it). developer and ci are always set. */
  readonly expect: Partial<Record<GroupRole, Decision>> & { developer: Decision; ci: Decision };
}

const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
const denyAll = { admin: 'Denied', developer: 'Denied', ci: 'Denied' } as const;
const denyGroups = { developer: 'Denied', ci: 'Denied' } as const;

function escalationCases(x: Expanded, plugin: boolean): EscalationCase[] {
  const c = x.config;
  const cli = { ...CLI_CONTEXT };
  const cfn = viaCloudFormation(cli);
  const both = (
    f: (via: 'cli' | 'cloudformation', ctx: Record<string, string | string[]>) => EscalationCase,
  ): EscalationCase[] => [f('cli', cli), f('cloudformation', cfn)];
  const iam = (path: string) => `arn:aws:iam::${ACCOUNT_ID}:${path}`;
  const macroRole = iam(`role/${codeDeployRoleName(c)}`);
  const pluginRole = arnOf(canaryArns(c).pluginRole, c);
  const key = arnOf('arn:{Partition}:kms:{Region}:{Account}:key/*', c);
  const alias = { 'kms:ResourceAliases': [kmsAliasName(c)] };
  const via = (service: string) => ({
    ...cli,
    ...alias,
    'aws:ViaAWSService': 'true',
    'kms:ViaService': `${service}.${REGION}.amazonaws.com`,
  });
  const secret = `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${secretName(c, 'db-password')}-AbC123`;
  const alarm = `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:${alarmName(c, 'hello-errors')}`;
  const dashboard = `arn:aws:cloudwatch::${ACCOUNT_ID}:dashboard/${dashboardName(c)}`;
  const ec2 = (path: string) => `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:${path}`;
  const application = arnOf(canaryArns(c).application, c);
  const deploymentGroup = arnOf(canaryArns(c).deploymentGroup, c);

  const roleCases = (name: string, role: string): EscalationCase[] => [
    ...both((v, ctx) => ({
      id: `iam-create-role-${name}-${v}`,
      why: `creating the ${name} CodeDeploy role (a role CodeDeploy would act with)`,
      request: {
        action: 'iam:CreateRole',
        resource: role,
        context: plugin && name === 'plugin' ? { ...ctx, 'iam:PermissionsBoundary': PLUGIN_BOUNDARY } : ctx,
      },
      // With the plugin's role, admin creates it through the stack under the boundary (canary.plugin-role-create).
      expect: plugin && name === 'plugin' && v === 'cloudformation' ? denyGroups : denyAll,
    })),
    ...(plugin && name === 'plugin'
      ? [
          {
            id: 'iam-create-role-plugin-without-boundary-cloudformation',
            why: "the plugin's role without the permissions boundary",
            request: { action: 'iam:CreateRole', resource: role, context: cfn },
            expect: denyAll,
          },
        ]
      : []),
    ...both((v, ctx) => ({
      id: `iam-put-role-policy-${name}-${v}`,
      why: `an inline *:* policy on the ${name} CodeDeploy role`,
      request: { action: 'iam:PutRolePolicy', resource: role, context: ctx },
      expect: denyAll,
    })),
    ...both((v, ctx) => ({
      id: `iam-attach-role-policy-${name}-${v}`,
      why: `AdministratorAccess on the ${name} CodeDeploy role`,
      request: { action: 'iam:AttachRolePolicy', resource: role, context: { ...ctx, 'iam:PolicyARN': ADMIN_POLICY } },
      expect: denyAll,
    })),
    ...both((v, ctx) => ({
      id: `iam-update-assume-role-policy-${name}-${v}`,
      why: `trusting oneself to assume the ${name} CodeDeploy role`,
      request: { action: 'iam:UpdateAssumeRolePolicy', resource: role, context: ctx },
      expect: denyAll,
    })),
    ...['lambda.amazonaws.com', 'ec2.amazonaws.com', 'cloudformation.amazonaws.com', 'ecs-tasks.amazonaws.com'].map(
      (service): EscalationCase => ({
        id: `iam-pass-${name}-codedeploy-role-to-${service.split('.')[0]}`,
        why: `the ${name} CodeDeploy role given to ${service}, which would act with it`,
        request: { action: 'iam:PassRole', resource: role, context: { ...cli, 'iam:PassedToService': service } },
        expect: denyAll,
      }),
    ),
    {
      id: `iam-pass-${name}-codedeploy-role-to-lambda-cloudformation`,
      why: `a function of the stack running as the ${name} CodeDeploy role`,
      request: {
        action: 'iam:PassRole',
        resource: role,
        context: { ...cfn, 'iam:PassedToService': 'lambda.amazonaws.com' },
      },
      expect: denyAll,
    },
  ];

  return [
    // Canary: the CodeDeploy role is the macro's (or, with ServiceRole plugin, admin's through the stack).
    ...roleCases('macro', macroRole),
    ...roleCases('plugin', pluginRole),
    ...(plugin
      ? []
      : [
          {
            id: 'iam-pass-plugin-role-to-codedeploy-in-macro-mode',
            why: 'ServiceRole macro: no plugin role may be passed',
            request: {
              action: 'iam:PassRole',
              resource: pluginRole,
              context: { ...cli, 'iam:PassedToService': 'codedeploy.amazonaws.com' },
            },
            expect: denyAll,
          },
        ]),
    {
      id: 'iam-pass-admin-role-to-codedeploy',
      why: 'a deployment group acting with an administrator role',
      request: {
        action: 'iam:PassRole',
        resource: iam('role/Admin'),
        context: { ...cli, 'iam:PassedToService': 'codedeploy.amazonaws.com' },
      },
      expect: denyAll,
    },
    ...both((v, ctx) => ({
      id: `codedeploy-delete-application-${v}`,
      why: "removing the canary application is admin's",
      request: { action: 'codedeploy:DeleteApplication', resource: application, context: ctx },
      expect: denyGroups,
    })),
    {
      id: 'codedeploy-create-deployment-cli',
      why: 'shifting traffic outside the stack',
      request: { action: 'codedeploy:CreateDeployment', resource: deploymentGroup, context: cli },
      expect: denyAll,
    },

    // Kms: the key is used only through Lambda (and, for writers, Secrets Manager); nobody administers it.
    ...['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKey', 'kms:CreateAlias'].flatMap(
      (action): EscalationCase[] => [
        {
          id: `${action.replace(':', '-').toLowerCase()}-cli`,
          why: "administering the service's key",
          request: { action, resource: key, context: { ...cli, ...alias } },
          expect: denyAll,
        },
        {
          id: `${action.replace(':', '-').toLowerCase()}-via-lambda`,
          why: 'administering the key, claiming Lambda as the caller',
          request: { action, resource: key, context: via('lambda') },
          expect: denyAll,
        },
      ],
    ),
    ...['kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKey'].map(
      (action): EscalationCase => ({
        id: `${action.replace(':', '-').toLowerCase()}-cli`,
        why: 'using the key directly, not through Lambda',
        request: { action, resource: key, context: { ...cli, ...alias } },
        expect: denyAll,
      }),
    ),
    ...['ec2', 'ssm', 'secretsmanager'].map((service): EscalationCase => ({
      id: `kms-creategrant-via-${service}`,
      why: `a grant on the key through ${service} (only Lambda may create grants for the groups)`,
      request: { action: 'kms:CreateGrant', resource: key, context: via(service) },
      expect: denyAll,
    })),
    {
      id: 'kms-decrypt-via-secretsmanager-non-writer',
      why: 'developer is no secret writer: no use of the key through Secrets Manager',
      request: { action: 'kms:Decrypt', resource: key, context: via('secretsmanager') },
      expect: { developer: 'Denied', ci: 'Allowed', admin: 'Allowed' },
    },

    // Secrets: nobody in the groups reads a value; only writers put one; nobody opens or re-keys a secret.
    {
      id: 'secretsmanager-get-secret-value',
      why: 'reading a secret value as a person',
      request: { action: 'secretsmanager:GetSecretValue', resource: secret, context: cli },
      expect: denyAll,
    },
    {
      id: 'secretsmanager-put-secret-value-non-writer',
      why: 'developer is not among Secrets.Writers',
      request: { action: 'secretsmanager:PutSecretValue', resource: secret, context: cli },
      expect: { developer: 'Denied', ci: 'Allowed', admin: 'Allowed' },
    },
    {
      id: 'secretsmanager-put-resource-policy',
      why: 'a resource policy that lets anyone read the secret',
      request: { action: 'secretsmanager:PutResourcePolicy', resource: secret, context: cli },
      expect: denyAll,
    },
    {
      id: 'secretsmanager-update-secret',
      why: 're-keying the secret with a key one controls',
      request: { action: 'secretsmanager:UpdateSecret', resource: secret, context: cli },
      expect: denyAll,
    },
    {
      id: 'secretsmanager-delete-secret',
      why: "deleting a secret the macro's stack owns",
      request: { action: 'secretsmanager:DeleteSecret', resource: secret, context: cli },
      expect: denyAll,
    },

    // Vpc: the network belongs to the macro's stack (or the platform); nobody in the groups changes it.
    ...both((v, ctx) => ({
      id: `ec2-create-vpc-${v}`,
      why: "a VPC of one's own",
      request: { action: 'ec2:CreateVpc', resource: ec2('vpc/vpc-0a1b2c3d4e5f67890'), context: ctx },
      expect: denyAll,
    })),
    ...both((v, ctx) => ({
      id: `ec2-delete-vpc-${v}`,
      why: "deleting the service's VPC",
      request: { action: 'ec2:DeleteVpc', resource: ec2('vpc/vpc-0a1b2c3d4e5f67890'), context: ctx },
      expect: denyAll,
    })),
    ...both((v, ctx) => ({
      id: `ec2-authorize-security-group-ingress-${v}`,
      why: "opening the functions' egress-only security group",
      request: {
        action: 'ec2:AuthorizeSecurityGroupIngress',
        resource: ec2('security-group/sg-0a1b2c3d4e5f67890'),
        context: ctx,
      },
      expect: denyAll,
    })),
    ...both((v, ctx) => ({
      id: `ec2-create-network-interface-${v}`,
      why: "an interface of one's own in the private subnets",
      request: { action: 'ec2:CreateNetworkInterface', resource: ec2('subnet/subnet-0a1b2c3d4e5f67890'), context: ctx },
      expect: denyAll,
    })),

    // Alarms and dashboard: the macro stack's; developer and ci only read them.
    ...both((v, ctx) => ({
      id: `cloudwatch-delete-alarms-submodule-alarm-${v}`,
      why: "deleting the service's alarms",
      request: { action: 'cloudwatch:DeleteAlarms', resource: alarm, context: ctx },
      expect: denyGroups,
    })),
    {
      id: 'cloudwatch-put-alarm-without-actions-submodule-alarm-cloudformation',
      why: 'overwriting an alarm of the Alarms submodule without its actions',
      request: { action: 'cloudwatch:PutMetricAlarm', resource: alarm, context: cfn },
      expect: denyGroups,
    },
    {
      id: 'cloudwatch-put-alarm-ec2-action-cloudformation',
      why: 'an alarm whose action terminates instances',
      request: {
        action: 'cloudwatch:PutMetricAlarm',
        resource: alarm,
        context: { ...cfn, 'cloudwatch:AlarmActions': [`arn:aws:automate:${REGION}:ec2:terminate`] },
      },
      expect: denyAll,
    },
    {
      id: 'cloudwatch-put-alarm-cli',
      why: 'changing an alarm outside any stack',
      request: {
        action: 'cloudwatch:PutMetricAlarm',
        resource: alarm,
        context: { ...cli, 'cloudwatch:AlarmActions': [`arn:aws:sns:${REGION}:${ACCOUNT_ID}:alarms-topic`] },
      },
      expect: denyAll,
    },
    ...['cloudwatch:DisableAlarmActions', 'cloudwatch:SetAlarmState'].map((action): EscalationCase => ({
      id: `${action.replace(':', '-').toLowerCase()}`,
      why: "silencing the alarms is admin's",
      request: { action, resource: alarm, context: cli },
      expect: denyGroups,
    })),
    ...['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'].map((action): EscalationCase => ({
      id: `${action.replace(':', '-').toLowerCase()}`,
      why: "the dashboard belongs to the macro's stack",
      request: { action, resource: dashboard, context: cli },
      expect: denyAll,
    })),
  ];
}

// ---------------------------------------------------------------------------------------------------------

describe.each(CONFIGURATIONS.map((c) => [c.label, c] as const))('%s', (label, configuration) => {
  let own: Expanded;
  let variants: { kind: VariantKind; x: Expanded }[];
  const plugin = Object.keys(configuration.overrides).includes('Canary');

  beforeAll(async () => {
    const properties = { ...kitchenSinkProperties(), ...configuration.overrides };
    own = await expand(SERVICE, STAGE, properties);
    variants = [
      { kind: 'other-stage', x: await expand(SERVICE, OTHER_STAGE, properties) },
      { kind: 'other-service', x: await expand(OTHER_SERVICE, STAGE, properties) },
    ];
  });

  test('every submodule is on, and each of its entries reaches exactly the roles its audience names', () => {
    expect([...new Set([...own.entries.values()].map((e) => e.module))].sort()).toEqual(
      SUBMODULES.map((s) => s.property).sort(),
    );
    const problems: string[] = [];
    for (const [sid, { entry }] of own.entries) {
      const expected = rolesOf(entry, own.config).sort();
      const actual = PROOF_ROLES.filter((r) => submoduleStatements(own, r).some((s) => s.statement.Sid === sid)).sort();
      if (JSON.stringify(expected) !== JSON.stringify(actual))
        problems.push(`${entry.id}: expected in [${expected.join(', ')}], found in [${actual.join(', ')}]`);
    }
    expect(problems).toEqual([]);
  });

  test("statements whose resource is `*` are exactly the listed exemptions, with the catalog's reasons", () => {
    const star = new Map<string, string>();
    for (const role of PROOF_ROLES)
      for (const s of submoduleStatements(own, role)) if (isStar(s)) star.set(s.entry.id, s.entry.reason);
    expect(Object.fromEntries([...star].sort())).toEqual(Object.fromEntries(Object.entries(STAR_EXEMPTIONS).sort()));
  });

  test.each(PROOF_ROLES.map((r) => [r] as const))(
    '%s: every request of its submodule statements is Allowed for its own service and stage',
    async (role) => {
      const unexplained: string[] = [];
      const statements = submoduleStatements(own, role);
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        const d = await derive(s);
        expect(
          d.ambiguousActions.filter((a) => !SIMULATOR_LIMITS.some((l) => l.sid === s.statement.Sid && l.action === a)),
        ).toEqual([]);
        for (const action of [...d.unmatchedActions, ...d.resourcelessActions]) {
          const u = record({
            configuration: label,
            suite: 'derivation',
            role,
            id: s.entry.id,
            action,
            resource: s.resources.join(' '),
            expected: 'derivable',
            actual: d.unmatchedActions.includes(action)
              ? 'no resource type of the action matches'
              : 'the action accepts no resource ARN (only *)',
            sids: [],
          });
          if (u) unexplained.push(u);
        }
        // A pattern no action of the statement accepts grants nothing (unless a resourceless action explains it, above).
        if (!d.resourcelessActions.length) {
          for (const pattern of d.unusedPatterns) {
            const u = record({
              configuration: label,
              suite: 'derivation',
              role,
              id: s.entry.id,
              action: '(none)',
              resource: pattern,
              expected: 'derivable',
              actual: 'no action of the statement accepts this resource',
              sids: [],
            });
            if (u) unexplained.push(u);
          }
        }
        for (const r of d.requests) {
          const result = await simulateOn(own.policies[role], r.request, resourcePolicyFor(own, r.request));
          if (result.decision === 'Allowed') {
            count(label, s.module, role, 'own');
            continue;
          }
          const u = record({
            configuration: label,
            suite: 'own',
            role,
            id: s.entry.id,
            action: r.action,
            resource: r.request.resource,
            expected: 'Allowed',
            actual: result.decision,
            sids: result.allowSids,
          });
          if (u) unexplained.push(u);
        }
      }
      completeTests++;
      expect(unexplained).toEqual([]);
    },
  );

  test.each(PROOF_ROLES.flatMap((r) => (['other-stage', 'other-service'] as const).map((k) => [r, k] as const)))(
    "%s: requests built from the %s's statements are Denied",
    async (role, kind) => {
      const unexplained: string[] = [];
      const variant = variants.find((v) => v.kind === kind) as { kind: VariantKind; x: Expanded };
      const theirs = submoduleStatements(variant.x, role);
      // The same submodule statements exist on both sides.
      expect(theirs.map((s) => s.statement.Sid).sort()).toEqual(
        submoduleStatements(own, role)
          .map((s) => s.statement.Sid)
          .sort(),
      );
      for (const s of theirs) {
        if (isStar(s)) {
          if (kind === 'other-stage') count(label, s.module, role, 'exempt');
          continue;
        }
        const d = await derive(s);
        // A resourceless action of a statement that names ARNs is requested on `*` (the own test flags it): nothing of theirs to deny.
        for (const r of d.requests.filter((x) => x.index >= 0)) {
          // The resource is theirs: a KMS request carries their key's policy.
          const result = await simulateOn(own.policies[role], r.request, resourcePolicyFor(variant.x, r.request));
          if (result.decision === 'Denied') {
            count(label, s.module, role, kind);
            continue;
          }
          const u = record({
            configuration: label,
            suite: kind,
            role,
            id: s.entry.id,
            action: r.action,
            resource: r.request.resource,
            expected: 'Denied',
            actual: result.decision,
            sids: result.allowSids,
          });
          if (u) unexplained.push(u);
        }
      }
      completeTests++;
      expect(unexplained).toEqual([]);
    },
  );

  test.each((['admin', 'developer', 'ci'] as const).map((r) => [r] as const))(
    '%s: the submodules open no escalation path',
    async (role) => {
      const unexplained: string[] = [];
      const list = escalationCases(own, plugin);
      expect(new Set(list.map((c) => c.id)).size).toBe(list.length);
      for (const c of list) {
        const expected = c.expect[role];
        if (!expected) continue;
        const result = await simulateOn(own.policies[role], c.request, resourcePolicyFor(own, c.request));
        const tally = escalations.get(label) ?? new Map<GroupRole, { asserted: number; asExpected: number }>();
        escalations.set(label, tally);
        const t = tally.get(role) ?? { asserted: 0, asExpected: 0 };
        tally.set(role, t);
        t.asserted++;
        if (result.decision === expected) {
          t.asExpected++;
          continue;
        }
        const u = record({
          configuration: label,
          suite: 'escalation',
          role,
          id: c.id,
          action: c.request.action,
          resource: c.request.resource,
          expected,
          actual: result.decision,
          sids: result.allowSids,
        });
        if (u) unexplained.push(`${u} — ${c.why}`);
      }
      completeTests++;
      expect(unexplained).toEqual([]);
    },
  );

  test("the CodeDeploy role (ServiceRole macro) reaches the own service's functions and topics, not the other stage's or service's", async () => {
    if (plugin) {
      expect(own.codeDeployRole).toBeUndefined(); // the plugin creates its own role
      completeTests++;
      return;
    }
    const unexplained: string[] = [];
    const statementsOf = (x: Expanded) =>
      (x.codeDeployRole ?? [])
        .flatMap((d) => (d.document as { Statement: PolicyStatement[] }).Statement)
        .map((st) => ({ statement: st, actions: [st.Action].flat(), resources: [st.Resource].flat() }));
    const mine = own.codeDeployRole ?? [];
    expect(statementsOf(own).length).toBeGreaterThan(0);
    const ambiguous: string[] = [];
    for (const s of statementsOf(own)) {
      const d = await derive(s);
      ambiguous.push(...d.ambiguousActions.map((a) => `${s.statement.Sid} ${a}`));
      for (const action of [...d.unmatchedActions, ...d.resourcelessActions]) {
        const u = record({
          configuration: label,
          suite: 'derivation',
          role: 'codedeploy-role',
          id: s.statement.Sid,
          action,
          resource: s.resources.join(' '),
          expected: 'derivable',
          actual: 'no resource type of the action matches',
          sids: [],
        });
        if (u) unexplained.push(u);
      }
      for (const r of d.requests) {
        const result = await simulateOn(mine, r.request);
        if (result.decision === 'Allowed') count(label, 'Canary', 'codedeploy-role', 'own');
        else {
          const u = record({
            configuration: label,
            suite: 'own',
            role: 'codedeploy-role',
            id: s.statement.Sid,
            action: r.action,
            resource: r.request.resource,
            expected: 'Allowed',
            actual: result.decision,
            sids: [],
          });
          if (u) unexplained.push(u);
        }
      }
    }
    expect(ambiguous.sort()).toEqual(SIMULATOR_LIMITS.map((l) => `${l.sid} ${l.action}`).sort());
    for (const { kind, x } of variants) {
      for (const s of statementsOf(x)) {
        if (isStar(s))
          throw new Error(`the CodeDeploy role's ${s.statement.Sid} names *: list it with the star exemptions`);
        for (const r of (await derive(s)).requests.filter((q) => q.index >= 0)) {
          const result = await simulateOn(mine, r.request);
          if (result.decision === 'Denied') count(label, 'Canary', 'codedeploy-role', kind);
          else {
            const u = record({
              configuration: label,
              suite: kind,
              role: 'codedeploy-role',
              id: s.statement.Sid,
              action: r.action,
              resource: r.request.resource,
              expected: 'Denied',
              actual: result.decision,
              sids: result.allowSids,
            });
            if (u) unexplained.push(u);
          }
        }
      }
    }
    completeTests++;
    expect(unexplained).toEqual([]);
  });
});

test('every expected failure still occurs (remove the ones functions/ has fixed)', () => {
  if (completeTests < CONFIGURATIONS.length * TESTS_PER_CONFIGURATION) return; // a filtered run cannot tell
  const hit = new Set(mismatches.map((x) => x.expected).filter(Boolean));
  expect(EXPECTED_FAILURES.filter((f) => !hit.has(f.id)).map((f) => f.id)).toEqual([]);
});

afterAll(() => {
  if (!process.env.PROOF_REPORT) return;
  const lines: string[] = ['', 'Submodule proof: requests decided as expected, per configuration, submodule and role'];
  for (const [configuration, byModule] of counts) {
    lines.push(`  ${configuration}`);
    for (const [module, byRole] of byModule) {
      for (const [role, c] of byRole)
        lines.push(
          `    ${module.padEnd(10)} ${role.padEnd(10)} own Allowed ${String(c.own).padStart(3)}  other stage Denied ${String(c['other-stage']).padStart(3)}  other service Denied ${String(c['other-service']).padStart(3)}  star statements exempt ${c.exempt}`,
        );
    }
  }
  lines.push('', 'Escalation cases (asserted / decided as expected):');
  for (const [configuration, tally] of escalations)
    lines.push(`  ${configuration}: ${[...tally].map(([r, t]) => `${r} ${t.asExpected}/${t.asserted}`).join(', ')}`);
  lines.push('', 'Expected failures (findings):');
  for (const f of EXPECTED_FAILURES) {
    const hits = mismatches.filter((x) => x.expected === f.id);
    lines.push(`  ${f.id}: ${hits.length} mismatch(es)`);
    for (const { m } of hits)
      lines.push(
        `    ${m.configuration} ${m.suite} ${m.role} ${m.id}: ${m.action} ${m.resource} expected ${m.expected}, got ${m.actual}${m.sids.length ? ` via ${m.sids.join(', ')}` : ''}`,
      );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
});
