/**
 * Every result of `npm run prove` that differs from the expectation and is nonetheless accepted, with
 * the reason. The report prints each one that was used and how often, so a green run is green only
 * through these visible, reasoned exceptions. Two kinds:
 *
 *  - 'non-scopable': by design, documented (README "isolation"): names the
 *    framework does not control (random API ids, user-named topics, queues, buses and buckets, foreign log
 *    groups) cannot be told apart by ARN, so the neighbour's resource matches too. Most of these are only
 *    reachable through CloudFormation (aws:CalledVia), that is through a stack the group may update.
 *  - 'gap': a defect or limit of the policies the proof found, reported to the macro's owner with a
 *    proposed fix (functions/ is not edited by the proof). Remove the entry when the fix lands: the run
 *    then checks the fix.
 *  - 'intended': the fixture does what the policies refuse on purpose (a rule the README states); the
 *    denial is the policy working.
 */
import { bucketPrefixesCollide } from '../../../functions/core/deployment-bucket';
import type { Framework } from './frameworks';
import type { GroupRole, IamRequest, ServiceFacts, StepKind, Target } from './types';

export interface MatchContext {
  readonly own: ServiceFacts;
  readonly step: StepKind;
  readonly framework: Framework;
  readonly neighbour?: ServiceFacts;
  readonly target?: Target;
}

export interface Exception {
  readonly id: string;
  readonly kind: 'non-scopable' | 'gap' | 'intended';
  /** 'allow': explains a Denied request of an allowed command (own); 'deny': an Allowed replay (neighbour). */
  readonly waives: 'allow' | 'deny';
  readonly targets: readonly Target[];
  readonly roles?: readonly GroupRole[];
  readonly reason: string;
  /** For gaps: the catalog entry involved and the proposed fix. */
  readonly catalogEntry?: string;
  readonly fix?: string;
  readonly match: (r: IamRequest, m: MatchContext) => boolean;
}

const NEIGHBOURS: readonly Target[] = ['other-stage', 'other-service'];
const viaCfn = (r: IamRequest) => r.via === 'cloudformation';
const arnService = (r: IamRequest) => r.resource.split(':')[2];
/** The stack part of a CloudFormation-generated name cut to n characters (a trailing '-' dropped). */
const cut = (stack: string, n: number) => stack.slice(0, n).replace(/-+$/, '');


export const EXCEPTIONS: readonly Exception[] = [
  // ------------------------------------------------------------------------------------ gaps (open)
  {
    id: 'truncated-custom-resource-role-prefix',
    kind: 'gap',
    waives: 'deny',
    targets: NEIGHBOURS,
    roles: ['admin'],
    reason:
      'CloudFormation names the framework\'s custom-resource role <stack cut to 24 or 25 characters>-IamRoleCustomResources...-<suffix>. ' +
      'Two stacks that share that cut (10-long-names: both stages and the neighbour service) share the pattern, so admin\'s IAM writes ' +
      'through its own stack (iam.execution-roles-*, iam.pass-framework-roles) also match the sibling\'s role. Developer and ci cannot ' +
      'pass or write it at all.',
    catalogEntry: 'ARN.frameworkRoles ({CustomResourceRoleHeads}-IamRoleCustomResources*)',
    fix: 'Have the resolver custom resource also read the role\'s physical name (DescribeStackResource IamRoleCustomResourcesLambdaExecution) once the stack exists, as it does for the bucket.',
    match: (r, m) =>
      !!m.neighbour &&
      r.action.startsWith('iam:') &&
      /:role\/[^/]*-IamRoleCustomResources/.test(r.resource) &&
      [24, 25].some((n) => cut(m.own.stackName, n) === cut(m.neighbour?.stackName ?? '', n)),
  },
  {
    id: 'truncated-custom-resource-role-prefix-reads',
    kind: 'non-scopable',
    waives: 'deny',
    targets: NEIGHBOURS,
    roles: ['developer', 'ci'],
    reason:
      'The same shared name prefix as truncated-custom-resource-role-prefix, for the read-only role look-ups developer and ci keep ' +
      '(iam.read-execution-roles: GetRole, GetRolePolicy, List*): they see the sibling\'s generated role, they cannot change or pass it.',
    match: (r, m) =>
      !!m.neighbour &&
      /^iam:(Get|List)/.test(r.action) &&
      /:role\/[^/]*-IamRoleCustomResources/.test(r.resource) &&
      [24, 25].some((n) => cut(m.own.stackName, n) === cut(m.neighbour?.stackName ?? '', n)),
  },
  {
    id: 'truncated-generated-rule-prefix',
    kind: 'gap',
    waives: 'deny',
    targets: NEIGHBOURS,
    reason:
      'CloudFormation names a schedule rule without schedule.name <stack cut to 24 or 25 characters>-<LogicalId>-<suffix> (the same ' +
      'generator as the custom-resource role). Two stacks that share that cut (test/fixtures/long-service: stages performance-testing ' +
      'and performance-testing2, service hippopotamus-migration-orchestrator2) share the pattern rule/{GeneratedNameHeads}-*, so every ' +
      'group\'s rule writes through its own stack (events.rules-update, admin\'s events.rules-lifecycle) also match the sibling\'s rules.',
    catalogEntry: 'events.rules-update, events.rules-lifecycle (rule/{GeneratedNameHeads}-*)',
    fix: 'Name schedule rules in serverless.yml (schedule.name: <service>-<stage>-...), which rule/{Service}-{Stage}-* scopes exactly; or have the resolver read the rules\' physical names once the stack exists and narrow the pattern.',
    match: (r, m) =>
      !!m.neighbour &&
      r.action.startsWith('events:') &&
      [24, 25].some((n) => cut(m.own.stackName, n) === cut(m.neighbour?.stackName ?? '', n) && r.resource.includes(`:rule/${cut(m.own.stackName, n)}-`)),
  },

  // --------------------------------------------------------------------------------------------- intended
  {
    id: 'role-without-permissions-boundary',
    kind: 'intended',
    waives: 'allow',
    targets: ['own'],
    roles: ['admin'],
    reason:
      'With PermissionsBoundary (fixture 08: provider.iam.role.permissionsBoundary), admin may write the service\'s roles only ' +
      'while they carry that boundary (iam.execution-roles-bounded). Fixture 08\'s own AuditRole (resources:) has none, so ' +
      'CloudFormation cannot create or delete it with admin\'s credentials: the service must give AuditRole the boundary too.',
    match: (r, m) =>
      typeof m.own.accessProperties.PermissionsBoundary === 'string' &&
      /^iam:(CreateRole|DeleteRole|PutRolePolicy|DeleteRolePolicy|AttachRolePolicy|DetachRolePolicy|UpdateAssumeRolePolicy|PutRolePermissionsBoundary)$/.test(r.action) &&
      r.context['iam:PermissionsBoundary'] === undefined,
  },

  // ----------------------------------------------------------------------------- non-scopable, by design
  {
    id: 'apigateway-random-ids',
    kind: 'non-scopable',
    waives: 'deny',
    targets: NEIGHBOURS,
    reason:
      'API Gateway REST/HTTP API, resource, authorizer, deployment, key and usage-plan ids are random: no ARN names ' +
      'this service\'s API in advance (catalog apigateway.*: reads span the region; writes only through CloudFormation).',
    match: (r) => r.action.startsWith('apigateway:') && /::\/(restapis|apis|apikeys|usageplans|tags)\//.test(r.resource),
  },
  {
    id: 'event-source-mapping-uuids',
    kind: 'non-scopable',
    waives: 'deny',
    targets: NEIGHBOURS,
    reason: 'Event source mappings are named by random UUIDs; reads of them are not scopable (writes are, by lambda:FunctionArn).',
    match: (r) => r.action === 'lambda:GetEventSourceMapping',
  },
  {
    id: 'user-named-via-cloudformation',
    kind: 'non-scopable',
    waives: 'deny',
    targets: NEIGHBOURS,
    reason:
      'SNS topics, SQS queues, EventBridge buses, Kinesis consumers and the buckets of s3 events keep the names the ' +
      'user wrote in serverless.yml, so the catalog grants them on any name, only through CloudFormation (aws:CalledVia; ' +
      'sns.*, sqs.*, events.buses-lifecycle, kinesis.stream-consumers, s3.event-buckets-*). CloudFormation acts only on ' +
      'resources of a stack the group may change, and import is refused, so a neighbour\'s resource is reachable only by ' +
      'name collision, which AWS rejects for topics, queues, buses and buckets.',
    match: (r) =>
      viaCfn(r) &&
      (['sns', 'sqs', 'kinesis'].includes(arnService(r)) ||
        /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\//.test(r.resource) ||
        (arnService(r) === 's3' && /^arn:[^:]+:s3:::[^/]+$/.test(r.resource))),
  },
  {
    id: 'random-ids-via-cloudformation',
    kind: 'non-scopable',
    waives: 'deny',
    targets: NEIGHBOURS,
    reason:
      'CloudFront distributions and cache policies, Cognito user pools, IoT topic rules and provisioning templates get ' +
      'random ids or CloudFormation-generated names, and AWS documents no resource-tag condition on their writes; ELBv2 ' +
      'target groups are named by an md5 and carry no tag before they exist. The catalog grants them on any id, only ' +
      'through CloudFormation (cloudfront.*, cognito.*, iot.*, elbv2.target-groups-create): CloudFormation updates and ' +
      'deletes only resources of a stack the group may change, and import is refused.',
    match: (r) =>
      viaCfn(r) &&
      (['cloudfront', 'cognito-idp', 'iot'].includes(arnService(r)) ||
        (/^elasticloadbalancing:(CreateTargetGroup|RegisterTargets)$/.test(r.action) && / \(create\)$/.test(r.origin))),
  },
  {
    id: 'foreign-log-group-subscriptions',
    kind: 'non-scopable',
    waives: 'deny',
    targets: NEIGHBOURS,
    reason: 'cloudwatchLog events subscribe to a log group another owner names; filters are granted on any log group (reads directly, writes through CloudFormation).',
    match: (r) => /^logs:(DescribeSubscriptionFilters|PutSubscriptionFilter|DeleteSubscriptionFilter)$/.test(r.action),
  },
  {
    id: 'truncated-bucket-prefix',
    kind: 'non-scopable',
    waives: 'deny',
    targets: NEIGHBOURS,
    reason:
      'Stacks longer than 22 characters share CloudFormation\'s truncated bucket prefix (lower(stack[:24])-serverlessdeploymentbuck-); ' +
      'until the resolver has seen the stack (Token change after the first deploy), bucket-level actions match the neighbour\'s bucket. ' +
      'Object keys stay service- and stage-exact.',
    match: (r, m) =>
      !!m.neighbour &&
      !m.own.deploymentBucket &&
      r.action.startsWith('s3:') &&
      /^arn:[^:]+:s3:::[^/]+$/.test(r.resource) &&
      bucketPrefixesCollide(m.own.stackName, m.neighbour.stackName),
  },
  {
    id: 'shared-custom-deployment-bucket',
    kind: 'non-scopable',
    waives: 'deny',
    targets: NEIGHBOURS,
    reason: 'A custom deployment bucket (provider.deploymentBucket) is shared by design; bucket-level reads match every service using it. Object keys stay exact.',
    match: (r, m) => !!m.own.deploymentBucket && m.own.deploymentBucket === m.neighbour?.deploymentBucket && /^arn:[^:]+:s3:::[^/]+$/.test(r.resource),
  },
];

export const EXCEPTION_BY_ID: ReadonlyMap<string, Exception> = new Map(EXCEPTIONS.map((x) => [x.id, x]));
