/**
 * The permissions boundary of one service and stage (issue 11): one managed policy, `<prefix>-<stage>-boundary`,
 * that every IAM role the service's stack creates must carry. Admin's role writes require it
 * (`iam:PermissionsBoundary`, functions/catalog/iam.ts), so whatever admin (or anyone through the stack) puts
 * into a role of the service, that role can never do more than this policy allows: the service's own
 * functions, queues, topics, tables, streams, buses, logs, traces, parameters and secrets (by name), what the
 * Access resource declares (BoundaryStatements), what the macro itself grants the execution role (the
 * `lambda` entries of the catalog and submodules), and, for the framework's custom-resource role only, the
 * narrow calls the framework's custom resources make (custom-resources/resources/* of osls 3 and 4).
 *
 * Its statements are catalog-style data (id, actions, resources, condition, reason, source) so a reviewer reads
 * them like the group grants; `docs/catalog.md` lists them under "boundary". The policy lives in the Access
 * stack, which no group can update; no group holds any write on managed policies
 * (CreatePolicyVersion, SetDefaultPolicyVersion, DeletePolicy) nor DeleteRolePermissionsBoundary.
 */
import type { CatalogEntry, ConditionBlock } from '../catalog/types';
import { SAR } from '../catalog/types';
import { ARN } from '../catalog/arns';
import { applies as appliesTo } from '../catalog/applicability';
import type { AccessConfig } from './config';
import { InvalidResourceError } from './errors';
import { renderEntry, type RenderedStatement } from './iam/render';
import { MANAGED_POLICY_QUOTA, pack, type PackedPolicy } from './iam/pack';
import { boundaryPolicyName, type Tokens } from './naming';

const R = ['lambda'] as const;

/** The service's functions by name: <service>-<stage>-* and functions.<fn>.name (custom-resource functions run no service code). */
const FUNCTIONS = [
  'arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-*',
  'arn:{Partition}:lambda:{Region}:{Account}:function:{FunctionNames}',
];

/** The role the framework's custom resources run as (CloudFormation names it `<stack head>-IamRoleCustomResourcesLambdaExec-<suffix>`). */
const CUSTOM_RESOURCE_ROLE: ConditionBlock = {
  ArnLike: { 'aws:PrincipalArn': 'arn:{Partition}:iam::{Account}:role/*-IamRoleCustomResources*' },
};
/** The account-wide role the API Gateway CloudWatch custom resource creates (api-gateway-cloud-watch-role/handler.js). */
const APIGW_CLOUDWATCH_ROLE = 'arn:{Partition}:iam::{Account}:role/serverlessApiGatewayCloudWatchRole';

/**
 * What code of the service and stage may reasonably do: its own resources, by the names the framework gives them.
 * One pattern per resource name: IAM's `*` also spans `/` and `:`, so `table/<service>-<stage>-*` covers the
 * tables' indexes and streams, and `function:<service>-<stage>-*` their versions and aliases.
 */
export const BOUNDARY_CODE: readonly CatalogEntry[] = [
  {
    id: 'boundary.logs',
    roles: R,
    source: `${SAR}list_amazoncloudwatchlogs.html`,
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:TagResource'],
    resources: [
      'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{Service}-{Stage}-*',
      'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{FunctionNames}:*',
    ],
    reason: "Functions (and the framework's custom resources with logs.frameworkLambda) write their own log groups.",
  },
  {
    id: 'boundary.traces',
    roles: R,
    source: `${SAR}list_awsx-ray.html`,
    actions: [
      'xray:GetSamplingRules',
      'xray:GetSamplingStatisticSummaries',
      'xray:GetSamplingTargets',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ],
    resources: ['*'],
    reason:
      'tracing.lambda: the X-Ray SDK sends segments and reads sampling rules; the actions accept no resource ARN.',
  },
  {
    id: 'boundary.functions',
    roles: R,
    source: `${SAR}list_awslambda.html`,
    actions: ['lambda:InvokeFunction'],
    resources: FUNCTIONS,
    reason: "Functions invoke the service's other functions (and Scheduler invokes them as the execution role).",
  },
  {
    id: 'boundary.queues',
    roles: R,
    source: `${SAR}list_amazonsqs.html`,
    actions: [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ],
    resources: ['arn:{Partition}:sqs:{Region}:{Account}:{Service}-{Stage}-*'],
    reason:
      "sqs events poll as the execution role; code sends to the service's queues. Data plane only: no queue policy.",
  },
  {
    id: 'boundary.topics',
    roles: R,
    source: `${SAR}list_amazonsns.html`,
    actions: ['sns:Publish'],
    resources: ['arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-*'],
    reason: "Code publishes to the service's topics; no topic policy, no subscriptions.",
  },
  {
    id: 'boundary.tables',
    roles: R,
    source: `${SAR}list_amazondynamodb.html`,
    actions: [
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:DescribeStream',
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ],
    resources: ['arn:{Partition}:dynamodb:{Region}:{Account}:table/{Service}-{Stage}-*'],
    reason: "Items, indexes and streams (stream events) of the service's tables; no table, backup or policy changes.",
  },
  {
    id: 'boundary.streams',
    roles: R,
    source: `${SAR}list_amazonkinesis.html`,
    actions: [
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamConsumer',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
      'kinesis:PutRecord',
      'kinesis:PutRecords',
      'kinesis:SubscribeToShard',
    ],
    resources: ['arn:{Partition}:kinesis:{Region}:{Account}:stream/{Service}-{Stage}-*'],
    reason: "stream events read the service's Kinesis streams (and consumers); code writes records to them.",
  },
  {
    id: 'boundary.event-buses',
    roles: R,
    source: `${SAR}list_amazoneventbridge.html`,
    actions: ['events:PutEvents'],
    resources: ['arn:{Partition}:events:{Region}:{Account}:event-bus/{Service}-{Stage}-*'],
    reason:
      "Code puts events on the service's own buses; other buses (the default one too) only by BoundaryStatements.",
  },
  {
    id: 'boundary.parameters',
    roles: R,
    source: `${SAR}list_awssystemsmanager.html`,
    actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
    resources: [
      'arn:{Partition}:ssm:{Region}:{Account}:parameter/{Service}/{Stage}',
      'arn:{Partition}:ssm:{Region}:{Account}:parameter/{Service}/{Stage}/*',
      'arn:{Partition}:ssm:{Region}:{Account}:parameter/{Service}-{Stage}-*',
    ],
    reason: 'Code reads its parameters by name: /<service>/<stage>/... or <service>-<stage>-...; read-only.',
  },
  {
    id: 'boundary.secrets',
    roles: R,
    source: `${SAR}list_awssecretsmanager.html`,
    actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
    resources: [
      'arn:{Partition}:secretsmanager:{Region}:{Account}:secret:{Service}/{Stage}/*',
      'arn:{Partition}:secretsmanager:{Region}:{Account}:secret:{Service}-{Stage}-*',
    ],
    reason: 'Code reads its secrets by name: <service>/<stage>/... or <service>-<stage>-...; read-only.',
  },
  {
    id: 'boundary.buckets',
    roles: R,
    source: `${SAR}list_amazons3.html`,
    actions: ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
    resources: ['arn:{Partition}:s3:::{Service}-{Stage}-*'],
    // S3 ARNs carry no account: without it, another account's bucket of that name would match. The Service
    // Authorization Reference documents s3:ResourceAccount on every S3 action; IfExists because the merged
    // statement (boundary.own-resources) also holds other services' actions, which never carry the key.
    condition: { StringLikeIfExists: { 's3:ResourceAccount': '{Account}' } },
    reason: "Objects of this account's buckets named <service>-<stage>-*; no bucket policy, ACL or configuration.",
  },
  {
    id: 'boundary.state-machines',
    roles: R,
    source: `${SAR}list_awsstepfunctions.html`,
    actions: ['states:StartExecution', 'states:StartSyncExecution'],
    resources: ['arn:{Partition}:states:{Region}:{Account}:stateMachine:{Service}-{Stage}-*'],
    reason: "Code starts the service's state machines; nothing else of Step Functions.",
  },
  {
    // F9: the interfaces go only into the service's network (VpcSubnetIds, VpcSecurityGroupIds, and the Vpc
    // submodule's, whose own grants, scoped the same way, are part of the boundary when it is on):
    // CreateNetworkInterface is authorized on the new interface, its subnet and each of its security groups.
    id: 'boundary.vpc-interface-placement',
    roles: R,
    source: `${SAR}list_amazonec2.html`,
    when: { property: 'VpcSubnetIds', nonEmpty: true },
    actions: ['ec2:CreateNetworkInterface'],
    resources: [
      'arn:{Partition}:ec2:{Region}:{Account}:network-interface/*',
      // Any account: a subnet shared through RAM (a shared VPC) carries its owner's account; the ids pin it.
      'arn:{Partition}:ec2:{Region}:*:subnet/{VpcSubnetIds}',
      'arn:{Partition}:ec2:{Region}:*:security-group/{VpcSecurityGroupIds}',
    ],
    reason:
      "provider.vpc: Lambda creates the functions' interfaces as the role, only in the service's subnets and security groups.",
  },
  {
    id: 'boundary.vpc-interface-cleanup',
    roles: R,
    source: `${SAR}list_amazonec2.html`,
    when: { property: 'VpcSubnetIds', nonEmpty: true },
    actions: ['ec2:DeleteNetworkInterface'],
    resources: ['arn:{Partition}:ec2:{Region}:{Account}:network-interface/*'],
    condition: { ArnLike: { 'ec2:Subnet': 'arn:{Partition}:ec2:{Region}:*:subnet/{VpcSubnetIds}' } },
    reason: "provider.vpc: Lambda deletes the functions' interfaces as the role: only those in the service's subnets.",
  },
  {
    id: 'boundary.vpc-describe',
    roles: R,
    source: `${SAR}list_amazonec2.html`,
    when: { property: 'VpcSubnetIds', nonEmpty: true },
    actions: ['ec2:DescribeNetworkInterfaces'],
    resources: ['*'],
    reason: 'provider.vpc: Lambda lists the interfaces as the role; the action accepts no resource ARN.',
  },
];

/**
 * The framework's custom resources, for its custom-resource role only (aws:PrincipalArn). Each AWS service's calls
 * share one statement; a key that only some of its actions carry is checked with ...IfExists (or ForAllValues, which
 * holds when the key is absent): AttachRolePolicy always carries iam:PolicyARN, PassRole iam:PassedToService,
 * AddPermission lambda:Principal, PutTargets events:TargetArn.
 */
export const BOUNDARY_CUSTOM_RESOURCES: readonly CatalogEntry[] = [
  {
    id: 'boundary-cr.apigateway-account',
    roles: R,
    source: `${SAR}list_amazonapigatewaymanagement.html`,
    actions: ['apigateway:GET'],
    resources: ['arn:{Partition}:apigateway:{Region}::/account'],
    condition: CUSTOM_RESOURCE_ROLE,
    reason:
      "provider.logs.restApi: the custom resource reads the account's CloudWatch role (GetAccount) and stops when it is already set.",
  },
  {
    id: 'boundary-cr.cloudwatch-role-read',
    roles: R,
    source: `${SAR}list_awsidentityandaccessmanagementiam.html`,
    actions: ['iam:ListAttachedRolePolicies'],
    resources: [APIGW_CLOUDWATCH_ROLE],
    condition: CUSTOM_RESOURCE_ROLE,
    reason:
      'logs.restApi without role: the custom resource checks that the existing serverlessApiGatewayCloudWatchRole has its managed policy.',
  },
  {
    id: 'boundary-cr.apigateway-account-update',
    roles: R,
    source: `${SAR}list_amazonapigatewaymanagement.html`,
    when: { property: 'CreateApiGatewayCloudWatchRole', equals: true },
    actions: ['apigateway:PATCH'],
    resources: ['arn:{Partition}:apigateway:{Region}::/account'],
    condition: CUSTOM_RESOURCE_ROLE,
    reason:
      "Opt-in: the custom resource sets the region's API Gateway CloudWatch role (UpdateAccount); it may also clear it.",
  },
  {
    id: 'boundary-cr.cloudwatch-role-create',
    roles: R,
    source: `${SAR}list_awsidentityandaccessmanagementiam.html`,
    when: { property: 'CreateApiGatewayCloudWatchRole', equals: true },
    actions: ['iam:AttachRolePolicy', 'iam:CreateRole', 'iam:PassRole'],
    resources: [APIGW_CLOUDWATCH_ROLE],
    condition: {
      ArnLike: CUSTOM_RESOURCE_ROLE.ArnLike,
      ArnLikeIfExists: {
        'iam:PolicyARN': 'arn:{Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      },
      StringEqualsIfExists: { 'iam:PassedToService': 'apigateway.amazonaws.com' },
    },
    reason:
      'Opt-in: creates serverlessApiGatewayCloudWatchRole (any trust: no key covers it), push-to-logs policy only, passed to API Gateway.',
  },
  {
    id: 'boundary-cr.function-permissions',
    roles: R,
    source: `${SAR}list_awslambda.html`,
    actions: ['lambda:AddPermission', 'lambda:RemovePermission'],
    resources: FUNCTIONS,
    condition: {
      ...CUSTOM_RESOURCE_ROLE,
      StringEqualsIfExists: {
        'lambda:Principal': ['cognito-idp.amazonaws.com', 'events.amazonaws.com', 's3.amazonaws.com'],
      },
    },
    reason:
      "Existing buckets and user pools, legacy EventBridge rules may invoke the service's functions (permissions.js).",
  },
  {
    id: 'boundary-cr.bucket-notifications',
    roles: R,
    source: `${SAR}list_amazons3.html`,
    when: { property: 'ExistingBuckets', nonEmpty: true },
    actions: ['s3:GetBucketNotification', 's3:PutBucketNotification'],
    resources: ['arn:{Partition}:s3:::{ExistingBuckets}'],
    condition: CUSTOM_RESOURCE_ROLE,
    reason: 's3 events with existing: true: the custom resource edits the notifications of the declared buckets only.',
  },
  {
    id: 'boundary-cr.user-pools',
    roles: R,
    source: `${SAR}list_amazoncognitouserpools.html`,
    when: { property: 'ExistingUserPoolIds', nonEmpty: true },
    actions: ['cognito-idp:DescribeUserPool', 'cognito-idp:UpdateUserPool'],
    resources: ['arn:{Partition}:cognito-idp:{Region}:{Account}:userpool/{ExistingUserPoolIds}'],
    condition: CUSTOM_RESOURCE_ROLE,
    reason:
      'cognitoUserPool events with existing: true: the custom resource sets the triggers of the declared pools only.',
  },
  {
    id: 'boundary-cr.user-pools-list',
    roles: R,
    source: `${SAR}list_amazoncognitouserpools.html`,
    when: { property: 'ExistingUserPoolIds', nonEmpty: true },
    actions: ['cognito-idp:ListUserPools'],
    resources: ['*'],
    condition: CUSTOM_RESOURCE_ROLE,
    reason: 'The custom resource finds the pool by name (ListUserPools); the action accepts no resource ARN.',
  },
  {
    id: 'boundary-cr.legacy-event-bridge',
    roles: R,
    source: `${SAR}list_amazoneventbridge.html`,
    // Only services whose stack holds the custom resource (osls 3, provider.eventBridge.useCloudFormation: false).
    when: { property: 'ResourceTypes', includes: 'Custom::EventBridge' },
    actions: [
      'events:CreateEventBus',
      'events:DeleteEventBus',
      'events:DeleteRule',
      'events:PutRule',
      'events:PutTargets',
      'events:RemoveTargets',
    ],
    // Rules on the default bus (rule/<name>) and on the service's own buses (IAM's `*` spans the `/` of
    // rule/<bus>/<name>), and rules named like the service on the buses of EventBusNames; never another bus.
    resources: [
      'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-*',
      'arn:{Partition}:events:{Region}:{Account}:rule/{EventBusNames}/{Service}-{Stage}-*',
      'arn:{Partition}:events:{Region}:{Account}:event-bus/{Service}-{Stage}-*',
    ],
    // events:TargetArn holds every target of the request (a multivalued key): all of them must be own functions.
    // events:source (PutRule only): a pattern's sources must be the service's (EventSources); a pattern naming none
    // passes (ForAllValues holds on an absent key, and a schedule carries none), the residual of docs/security.md.
    condition: {
      ArnLike: CUSTOM_RESOURCE_ROLE.ArnLike,
      'ForAllValues:ArnLike': { 'events:TargetArn': FUNCTIONS },
      'ForAllValues:StringLike': { 'events:source': ['{EventSources}'] },
    },
    reason:
      'osls 3 eventBridge.useCloudFormation: false: rules on the default, own and EventBusNames buses; own sources, targets.',
  },
];

/**
 * What no role of the service may do, whatever else allows it: invoke the framework's custom-resource functions
 * (they run as the custom-resource role; a crafted CloudFormation event would make them act for the caller).
 * CloudFormation invokes them with the caller's credentials, never as a role of the service; the Deny mirrors the
 * groups' (lambda.custom-resource-functions-direct) and, like it, leaves calls through CloudFormation alone.
 */
export const BOUNDARY_DENIES: readonly CatalogEntry[] = [
  {
    id: 'boundary.custom-resource-functions-invoke',
    effect: 'Deny',
    roles: R,
    source: `${SAR}list_awslambda.html`,
    // The only invoke action the boundary allows (boundary.functions); an Allow of the others is needed first.
    actions: ['lambda:InvokeFunction'],
    // The md5-shortened names (past 64 characters) start inside <service>-<stage>, so no boundary Allow matches them.
    // `-*custom-resource-*` also holds a hyphen-sibling's (<service>-<stage>-eu-custom-resource-<kind>). The stack-tag
    // Deny the groups carry (lambda.other-stack-functions) does not fit the boundary at the longest names; a sibling's
    // md5-shortened name lies inside <service>-<stage>-* only when <service>-<stage>- is under 32 characters and the
    // sibling's suffix makes its name pass 64 (docs/security.md).
    resources: [ARN.customResourceFunctions[0]],
    condition: { 'ForAllValues:StringNotEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } },
    reason:
      "Denied: code of the service invoking the framework's custom-resource functions (they act as the custom-resource role).",
  },
];

/** Execution-role grants a fixed entry already allows in full (lambda-role.logs: boundary.logs), left out for size. */
const COVERED = new Set(['lambda-role.logs']);

/** Every fixed boundary entry, for the catalog checks and docs/catalog.md. */
export const BOUNDARY_CATALOG: readonly CatalogEntry[] = [
  ...BOUNDARY_CODE,
  ...BOUNDARY_CUSTOM_RESOURCES,
  ...BOUNDARY_DENIES,
];

/** The merged statement of the code entries with ARNs (BOUNDARY_CODE minus its '*' entries): its id and reason. */
export const OWN_RESOURCES = {
  id: 'boundary.own-resources',
  reason: "The union of the boundary.* entries with ARNs (docs/catalog.md): the service's own resources, by name.",
} as const;
/** The merged statement of the custom-resource entries: its id and reason. */
export const CUSTOM_RESOURCE_CALLS = {
  id: 'boundary-cr.calls',
  reason: "The union of the boundary-cr.* entries with ARNs (docs/catalog.md): the framework's custom resources only.",
} as const;
/** The merged statement of the code entries whose actions accept no resource ARN ('*', no condition): its id and reason. */
export const UNSCOPED_CALLS = {
  id: 'boundary.unscoped',
  reason: "The union of the boundary.* entries on '*' (docs/catalog.md): calls whose actions accept no resource ARN.",
} as const;
/** The boundary's merged statements: each one's Sid stands for the union of the entries docs/catalog.md lists under it. */
export const BOUNDARY_MERGED = [OWN_RESOURCES, CUSTOM_RESOURCE_CALLS, UNSCOPED_CALLS] as const;

/**
 * Entries that share one statement in the policy: IAM authorises an action only against ARNs of its own resource
 * types, and within one AWS service every entry here names the same resources for all its actions, so the union of
 * actions and resources allows exactly what the entries allow one by one. The conditions must be equal, or keys
 * that only one service's actions carry, checked with ...IfExists (checked here).
 */
function merged(
  target: { id: string; reason: string },
  list: readonly CatalogEntry[],
  tokens: Tokens,
): RenderedStatement | undefined {
  if (!list.length) return undefined;
  const condition: Record<string, Record<string, string | string[]>> = {};
  for (const e of list) {
    for (const [op, keys] of Object.entries(e.condition ?? {})) {
      for (const [key, value] of Object.entries(keys)) {
        const have = condition[op]?.[key];
        if (have !== undefined && JSON.stringify(have) !== JSON.stringify(value))
          throw new Error(`boundary: ${e.id} sets ${op} ${key} differently`);
        (condition[op] ??= {})[key] = value as string | string[];
      }
    }
  }
  for (const e of list) {
    for (const [op, keys] of Object.entries(condition)) {
      if (op.endsWith('IfExists') || op.startsWith('ForAllValues:')) continue; // both hold when the key is absent
      for (const key of Object.keys(keys))
        if (e.condition?.[op]?.[key] === undefined)
          throw new Error(`boundary: ${e.id} lacks ${op} ${key}, so it cannot share ${target.id}`);
    }
  }
  const entry: CatalogEntry = {
    id: target.id,
    reason: target.reason,
    roles: R,
    source: SAR,
    actions: [...new Set(list.flatMap((e) => e.actions))].sort(),
    resources: [...new Set(list.flatMap((e) => e.resources))],
    ...(Object.keys(condition).length ? { condition } : {}),
  };
  return renderEntry(entry, tokens);
}

/**
 * The boundary's statements for this Access resource: the fixed entries that apply, the `lambda` entries the
 * expansion grants the execution role (a boundary that cut the macro's own grants would break them), and
 * BoundaryStatements. Throws (naming the property) when it cannot fit one managed policy.
 */
export function boundaryPolicy(
  config: AccessConfig,
  tokens: Tokens,
  lambdaEntries: readonly CatalogEntry[],
): PackedPolicy {
  const applies = (e: CatalogEntry) => appliesTo(e.when, config);
  const scoped = (e: CatalogEntry) => !e.resources.includes('*');
  // The code entries with ARNs share one statement, with conditions that hold when their key is absent (IfExists:
  // the other actions never carry it); one with any other condition of its own keeps its statement.
  const shared = (e: CatalogEntry) =>
    scoped(e) && Object.keys(e.condition ?? {}).every((op) => op.endsWith('IfExists'));
  const code = BOUNDARY_CODE.filter(applies);
  const cr = BOUNDARY_CUSTOM_RESOURCES.filter(applies);
  const seen = new Set(BOUNDARY_CATALOG.map((e) => e.id));
  const granted = lambdaEntries.filter((e) => !seen.has(e.id) && !COVERED.has(e.id) && applies(e));
  const byId = (a: CatalogEntry, b: CatalogEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const rendered: RenderedStatement[] = [
    merged(OWN_RESOURCES, code.filter(shared), tokens),
    ...code.filter((e) => scoped(e) && !shared(e)).map((e) => renderEntry(e, tokens)),
    // Statements on '*' without a condition share one statement too: the union of their actions on '*'.
    merged(
      UNSCOPED_CALLS,
      code.filter((e) => !scoped(e) && !e.condition),
      tokens,
    ),
    ...code.filter((e) => !scoped(e) && e.condition).map((e) => renderEntry(e, tokens)),
    merged(CUSTOM_RESOURCE_CALLS, cr.filter(scoped), tokens),
    ...cr.filter((e) => !scoped(e)).map((e) => renderEntry(e, tokens)),
    ...[...granted].sort(byId).map((e) => renderEntry(e, tokens)),
    ...BOUNDARY_DENIES.filter(applies).map((e) => renderEntry(e, tokens)),
  ].filter((x): x is RenderedStatement => !!x);
  config.boundaryStatements.forEach((st, i) => {
    const statement = {
      Sid: `BoundaryDeclared${i + 1}`,
      Effect: 'Allow' as const,
      Action: st.Action.length === 1 ? st.Action[0] : [...st.Action],
      Resource: st.Resource.length === 1 ? st.Resource[0] : [...st.Resource],
      ...(st.Condition ? { Condition: st.Condition as Record<string, Record<string, string | string[]>> } : {}),
    };
    const json = JSON.stringify(statement).length;
    rendered.push({
      id: `boundary.declared-${i + 1}`,
      reason: declaredReason(i),
      statement,
      size: json,
      jsonSize: json,
    });
  });
  // A role carries one boundary: everything must fit one managed policy (the full quota, no headroom).
  let packed: PackedPolicy[];
  try {
    packed = pack(rendered, MANAGED_POLICY_QUOTA);
  } catch {
    packed = [];
  }
  if (packed.length !== 1) {
    const size = rendered.reduce((n, x) => n + x.size + 1, 0);
    const network = config.vpcSubnetIds.length > 0;
    throw new InvalidResourceError(
      config.logicalId,
      config.boundaryStatements.length ? 'BoundaryStatements' : network ? 'VpcSubnetIds' : undefined,
      `makes the boundary policy about ${size} characters long; IAM allows ${MANAGED_POLICY_QUOTA} in the one managed policy a role's boundary is. ${network ? 'List only the subnets and security groups the functions use (VpcSubnetIds, VpcSecurityGroupIds: each one is named in the boundary), ' : ''}Merge BoundaryStatements (one statement, several ARNs), use ARN patterns, or shorten ServiceName, Stage and FunctionNames.`,
    );
  }
  return packed[0];
}

/** The Metadata reason of BoundaryStatements[i]. */
export function declaredReason(i: number): string {
  return `BoundaryStatements[${i}] of the Access resource: declared by the platform team.`;
}

export { boundaryPolicyName };

/** The ARN of the boundary the macro creates, as CloudFormation resolves it in the Access stack's account. */
export function macroBoundaryArn(
  c: Pick<AccessConfig, 'resourcePrefix' | 'stage'>,
  partition: string,
  accountId: string,
): string {
  return `arn:${partition}:iam::${accountId}:policy/${boundaryPolicyName(c)}`;
}
