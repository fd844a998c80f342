/**
 * Every result of `npm run prove` that differs from the expectation and is nonetheless accepted, with
 * the reason. The report prints each one that was used and how often, so a green run is green only
 * through these visible, reasoned exceptions. Two kinds:
 *
 *  - 'non-scopable': by design, documented (ground truth 0.4 and 3.3, README "isolation"): names the
 *    framework does not control (random API ids, user-named topics, queues, buses and buckets, foreign log
 *    groups) cannot be told apart by ARN, so the neighbour's resource matches too. Most of these are only
 *    reachable through CloudFormation (aws:CalledVia), that is through a stack the group may update.
 *  - 'gap': a defect or limit of the policies the proof found, reported to the macro's owner with a
 *    proposed fix (functions/ is not edited by the proof). Remove the entry when the fix lands: the run
 *    then checks the fix.
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
  readonly kind: 'non-scopable' | 'gap';
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

/** `<service>-<stage>-`: the prefix the catalog scopes functions, log groups, layers and roles by. */
const servicePrefix = (f: ServiceFacts) => `${f.service}-${f.stage}-`;
const nameAfter = (resource: string, marker: RegExp) => (marker.exec(resource)?.[1] ?? '');

export const EXCEPTIONS: readonly Exception[] = [
  // ------------------------------------------------------------------------------------ gaps (open)
  {
    id: 'deployment-role-pass',
    kind: 'gap',
    waives: 'allow',
    targets: ['own'],
    reason:
      'provider.iam.deploymentRole (fixture 11): every stack call carries RoleARN, so the caller needs iam:PassRole on that role ' +
      'with iam:PassedToService = cloudformation.amazonaws.com; no Access property names the role, and iam.pass-execution-roles ' +
      'passes only execution roles, only to Lambda and Scheduler. Every deploy, rollback and remove of such a service is denied.',
    catalogEntry: 'iam.pass-execution-roles (none for a deployment role)',
    fix:
      'Access property DeploymentRoleArn (serverless.yml provider.iam.deploymentRole); catalog entry iam.pass-deployment-role for admin, ' +
      'developer and ci: iam:PassRole on exactly that ARN with StringEquals iam:PassedToService cloudformation.amazonaws.com ' +
      '(and, optionally, cloudformation:RoleArn = that ARN on the stack and change-set statements).',
    match: (r, m) => r.action === 'iam:PassRole' && r.context['iam:PassedToService'] === 'cloudformation.amazonaws.com' && !!m.own.deploymentRole && r.resource === m.own.deploymentRole,
  },
  {
    id: 'custom-function-names',
    kind: 'gap',
    waives: 'allow',
    targets: ['own'],
    reason:
      'functions.<f>.name outside <service>-<stage>- (fixture 11: acme-inventory-<stage>-sync, under provider.stackName): ' +
      'lambda.* and logs.* grant only function:<service>-<stage>-* and /aws/lambda/<service>-<stage>-*, so deploy ' +
      '(change detection), deploy function, invoke, logs and rollback function are denied on that function.',
    catalogEntry: 'lambda.function-read, lambda.function-update, lambda.function-lifecycle, logs.read, logs.log-groups-* (ARN.functions, ARN.logGroups)',
    fix:
      'When StackName is set, also grant function:{StackName}-* and log-group:/aws/lambda/{StackName}-* (the framework\'s custom names ' +
      'usually start with the stack name), or an Access property FunctionNamePrefixes for names the user chose.',
    match: (r, m) => {
      const fn = nameAfter(r.resource, /:function:([^:]+)/) || nameAfter(r.resource, /:log-group:\/aws\/lambda\/([^:]+)/);
      return !!fn && !fn.startsWith(servicePrefix(m.own)) && Object.values(m.own.functions).some((f) => f.name === fn);
    },
  },
  {
    id: 'default-layer-names',
    kind: 'gap',
    waives: 'allow',
    targets: ['own'],
    roles: ['admin'],
    reason:
      'A layer without layers.<key>.name is published under its bare key (fixture 06: layer:sharp), which no service or stage ' +
      'scopes; lambda.layers grants layer:<service>-<stage>-* only, so the first deploy and remove of such a service are denied ' +
      '(the catalog\'s reason already asks for <service>-<stage>- names).',
    catalogEntry: 'lambda.layers',
    fix:
      'Keep the rule but fail early: the macro cannot see serverless.yml, so document it in the README\'s isolation rules and ' +
      'offer an Access property LayerNames (extra layer:<name> and layer:<name>:* grants) for services that cannot rename.',
    match: (r, m) => /^lambda:(PublishLayerVersion|DeleteLayerVersion|GetLayerVersion|AddLayerVersionPermission|RemoveLayerVersionPermission|GetLayerVersionPolicy)$/.test(r.action) && !nameAfter(r.resource, /:layer:([^:]+)/).startsWith(servicePrefix(m.own)),
  },
  {
    id: 'truncated-custom-resource-role',
    kind: 'gap',
    waives: 'allow',
    targets: ['own'],
    reason:
      'The custom-resource role has a CloudFormation-generated name; past 22 characters of stack name it is cut to ' +
      '<stack[:24-25]>-IamRoleCustomResourcesLam…-<suffix> (fixture 10), which role/<service>-<stage>-* does not match: ' +
      'admin cannot create or delete it, and nobody can pass it when the custom-resource function is updated.',
    catalogEntry: 'iam.execution-roles-lifecycle, iam.pass-execution-roles, iam.read-execution-roles (ARN.frameworkRoles, ARN.executionRoles)',
    fix:
      'Add arn:{Partition}:iam::{Account}:role/{StackNameHead}*-IamRoleCustomResources* (and the same with a 25-character head) ' +
      'to ARN.frameworkRoles and ARN.executionRoles, as events.ts already does for generated rule names.',
    match: (r, m) => r.action.startsWith('iam:') && /:role\/[^/]*-IamRoleCustomResources/.test(r.resource) && !nameAfter(r.resource, /:role\/(.+)$/).startsWith(servicePrefix(m.own)),
  },
  {
    id: 'user-declared-dynamodb-tables',
    kind: 'gap',
    waives: 'allow',
    targets: ['own'],
    roles: ['admin'],
    reason:
      'Resources the user declares under resources: are created by CloudFormation with the caller\'s credentials too; the catalog ' +
      'has nothing for DynamoDB, so fixture 05\'s table (ingest-<stage>-records, the usual companion of a stream event) cannot be ' +
      'created or deleted by admin.',
    catalogEntry: 'none (no dynamodb entry)',
    fix:
      'Catalog entries dynamodb.tables-lifecycle (admin: CreateTable, DeleteTable, DescribeTable, UpdateTable, TagResource, ' +
      'UpdateTimeToLive, UpdateContinuousBackups) and dynamodb.tables-update (all: DescribeTable, UpdateTable) on ' +
      'table/{Service}-{Stage}-* with aws:CalledVia cloudformation, or a submodule for user-declared resources.',
    match: (r) => viaCfn(r) && r.action.startsWith('dynamodb:'),
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
