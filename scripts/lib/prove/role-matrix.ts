/**
 * What each group MUST be able to do, written as data: the role line of the product, for both proofs. Two
 * levels of the same line: COMMAND_MATRIX, which framework commands each group may run on its own service
 * and stage (`npm run prove` judges each recorded command by it), and MATRIX, per recorded call of
 * test/fixtures/recorded/sls-api-calls.json (the allow/deny proof judges each request by it).
 * test/proof/role-matrix.test.ts checks that the two levels agree.
 *
 *   admin      creates, updates and deletes the app: first deploy, remove, metrics, everything below.
 *   developer  changes code and configuration of what already exists: update deploys (new Lambda
 *   ci         versions, new API Gateway deployments, new layer versions), deploy function, info, logs,
 *              invoke, rollback, rollback function, deploy list. Creating or deleting the stack,
 *              functions, log groups, event rules, mappings, topics, queues or buckets, and any IAM change
 *              (roles, role policies, trust, boundaries) is admin's, and so is passing the framework's
 *              custom-resource role (an update deploy that changes a custom-resource function's
 *              configuration needs admin). developer and ci are identical (ci is a separate group
 *              for assignment and audit only).
 *   everyone   no reach beyond the own service and stage (ISOLATION below).
 *
 * Rows are matched in order, first match wins; every row says why. `Unasserted` is used for the
 * non-decisive actions of a create/delete handler a role may not run: they are only reached after the
 * handler's create/delete call, which is asserted Denied, and the same request is often legitimately
 * Allowed for the update handler.
 */
import type { GroupRole } from '../../../functions/catalog/types';
import { groupOf, type CatalogCall, type ConcreteCall } from './calls';
import type { StepKind } from './types';

export type CommandExpectation = 'allow' | 'deny';

/**
 * Which commands each group may run on its own service+stage. A command "may run" when every request it
 * makes is Allowed (requests whose denial the framework tolerates excepted); "may not" when at least one is
 * Denied. Creating the stack (first deploy), removing it and metrics are admin's.
 */
export const COMMAND_MATRIX: Readonly<Record<StepKind, Readonly<Record<GroupRole, CommandExpectation>>>> = (() => {
  const all: Record<GroupRole, CommandExpectation> = { admin: 'allow', developer: 'allow', ci: 'allow' };
  const adminOnly: Record<GroupRole, CommandExpectation> = { admin: 'allow', developer: 'deny', ci: 'deny' };
  return {
    package: all,
    'deploy-create': adminOnly,
    'deploy-nochange': all,
    'deploy-update': all,
    'deploy-update-other-method': all,
    'deploy-function': all,
    info: all,
    logs: all,
    invoke: all,
    'deploy-list': all,
    rollback: all,
    'rollback-function': all,
    metrics: adminOnly,
    remove: adminOnly,
  };
})();

export type Expect = 'Allowed' | 'Denied' | 'Unasserted';

export interface RowMatch {
  readonly via?: CatalogCall['via'];
  readonly ids?: readonly string[];
  readonly commands?: readonly string[];
  /** `resourceType|logicalId` group keys (see calls.ts GROUPS); prefix match. */
  readonly groups?: readonly string[];
  readonly handlers?: readonly NonNullable<CatalogCall['handler']>[];
  /** `service:Action`; a trailing `*` matches a prefix. */
  readonly actions?: readonly string[];
  /** Only with this HTTP path kind (API Gateway): the API itself, not a sub-resource. */
  readonly predicate?: (e: CatalogCall) => boolean;
  /** Only for concrete requests like this (when the expectation depends on the instance, e.g. its principal). */
  readonly concrete?: (c: ConcreteCall) => boolean;
}

export interface MatrixRow {
  readonly id: string;
  readonly match: RowMatch;
  readonly admin: Expect;
  /** developer and ci. */
  readonly developer: Expect;
  readonly reason: string;
}

const G = {
  deploymentBucket: 'AWS::S3::Bucket|ServerlessDeploymentBucket',
  bucketPolicy: 'AWS::S3::BucketPolicy|ServerlessDeploymentBucketPolicy',
  fnLogGroup: 'AWS::Logs::LogGroup|<Function>LogGroup',
  apiLogGroup: 'AWS::Logs::LogGroup|HttpApiLogGroup',
  execRole: 'AWS::IAM::Role|IamRoleLambdaExecution',
  crRole: 'AWS::IAM::Role|IamRoleCustomResourcesLambdaExecution',
  fn: 'AWS::Lambda::Function|<Function>LambdaFunction',
  crFn: 'AWS::Lambda::Function|CustomDashresource',
  version: 'AWS::Lambda::Version|',
  url: 'AWS::Lambda::Url|',
  permission: 'AWS::Lambda::Permission|',
  esm: 'AWS::Lambda::EventSourceMapping|',
  layer: 'AWS::Lambda::LayerVersion|',
  layerPermission: 'AWS::Lambda::LayerVersionPermission|',
  scheduleRule: 'AWS::Events::Rule|<Function>EventsRuleSchedule',
  eventBridgeRule: 'AWS::Events::Rule|<Name>EventBridgeRule',
  scheduler: 'AWS::Scheduler::Schedule|',
  eventBus: 'AWS::Events::EventBus|',
  topic: 'AWS::SNS::Topic|',
  subscription: 'AWS::SNS::Subscription|',
  queuePolicy: 'AWS::SQS::QueuePolicy|',
  subscriptionFilter: 'AWS::Logs::SubscriptionFilter|',
  streamConsumer: 'AWS::Kinesis::StreamConsumer|',
  eventBucket: 'AWS::S3::Bucket|S3Bucket',
  restApi: 'AWS::ApiGateway::RestApi|',
  restSub: 'AWS::ApiGateway::Method|',
  apiKey: 'AWS::ApiGateway::ApiKey|',
  usagePlan: 'AWS::ApiGateway::UsagePlan|',
  usagePlanKey: 'AWS::ApiGateway::UsagePlanKey|',
  httpApi: 'AWS::ApiGatewayV2::Api|',
  httpSub: 'AWS::ApiGatewayV2::Route|',
  custom: 'Custom::*|',
} as const;

const isRead = (e: CatalogCall) => /^(Get|List|Describe)/.test(e.action) || e.action === 'GET';

/**
 * The action of a create (delete) handler that creates (deletes) the resource. A role that may not
 * create or delete the resource is Denied exactly these.
 */
const DECISIVE: readonly { group: string; create: readonly string[]; delete: readonly string[] }[] = [
  { group: G.fnLogGroup, create: ['logs:CreateLogGroup'], delete: ['logs:DeleteLogGroup'] },
  { group: G.apiLogGroup, create: ['logs:CreateLogGroup'], delete: ['logs:DeleteLogGroup'] },
  { group: G.fn, create: ['lambda:CreateFunction'], delete: ['lambda:DeleteFunction'] },
  { group: G.crFn, create: ['lambda:CreateFunction'], delete: ['lambda:DeleteFunction'] },
  { group: G.url, create: ['lambda:CreateFunctionUrlConfig'], delete: ['lambda:DeleteFunctionUrlConfig'] },
  { group: G.esm, create: ['lambda:CreateEventSourceMapping'], delete: ['lambda:DeleteEventSourceMapping'] },
  { group: G.scheduleRule, create: ['events:PutRule'], delete: ['events:DeleteRule'] },
  { group: G.eventBridgeRule, create: ['events:PutRule'], delete: ['events:DeleteRule'] },
  { group: G.scheduler, create: ['scheduler:CreateSchedule'], delete: ['scheduler:DeleteSchedule'] },
  { group: G.eventBus, create: ['events:CreateEventBus'], delete: ['events:DeleteEventBus'] },
  { group: G.topic, create: ['sns:CreateTopic'], delete: ['sns:DeleteTopic'] },
  { group: G.subscription, create: ['sns:Subscribe'], delete: ['sns:Unsubscribe'] },
  { group: G.subscriptionFilter, create: ['logs:PutSubscriptionFilter'], delete: ['logs:DeleteSubscriptionFilter'] },
  { group: G.streamConsumer, create: ['kinesis:RegisterStreamConsumer'], delete: ['kinesis:DeregisterStreamConsumer'] },
  { group: G.eventBucket, create: ['s3:CreateBucket'], delete: ['s3:DeleteBucket'] },
  { group: G.restApi, create: ['apigateway:POST'], delete: ['apigateway:DELETE'] },
  { group: G.httpApi, create: ['apigateway:POST'], delete: ['apigateway:DELETE'] },
  { group: G.apiKey, create: ['apigateway:POST'], delete: ['apigateway:DELETE'] },
  { group: G.usagePlan, create: ['apigateway:POST'], delete: ['apigateway:DELETE'] },
  { group: G.usagePlanKey, create: ['apigateway:POST'], delete: ['apigateway:DELETE'] },
];

function decisive(e: CatalogCall): boolean {
  const g = groupOf(e) ?? '';
  const d = DECISIVE.find((x) => g.startsWith(x.group));
  if (!d || (e.handler !== 'create' && e.handler !== 'delete')) return false;
  return d[e.handler].includes(`${e.service}:${e.action}`);
}

export const MATRIX: readonly MatrixRow[] = [
  // ---- CLI ---------------------------------------------------------------------------------------------
  {
    id: 'cli-first-deploy-create-change-set',
    match: { via: 'cli', ids: ['0023'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "The first deploy creates the stack with a CREATE change set of the core template (TemplateBody): creating the stack is admin's.",
  },
  {
    id: 'cli-first-deploy-change-set-follow-up',
    match: { via: 'cli', ids: ['0024', '0025', '0026'] },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      'Describe/Execute/Delete of <stack>-change-set are the very requests an update deploy makes; without 0023 there is no CREATE change set to run.',
  },
  {
    id: 'cli-restore-deployment-bucket-change-set',
    match: { via: 'cli', ids: ['0035'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "A stack that lost its ServerlessDeploymentBucket (a custom bucket setting was removed) gets it back through an UPDATE change set whose TemplateBody is the deployed template plus the core resources (no TemplateURL). Creating the deployment bucket is admin's (cfn-deployment-bucket), and developer/ci may only create change sets from a TemplateURL (cloudformation.change-set-update).",
  },
  {
    id: 'cli-create-stack',
    match: { via: 'cli', actions: ['cloudformation:CreateStack'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "deploymentMethod: direct creates the stack with CreateStack (first deploy, or a custom bucket's first deploy): admin's.",
  },
  {
    id: 'cli-remove-delete-stack',
    match: { via: 'cli', actions: ['cloudformation:DeleteStack'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason: "sls remove deletes the stack: admin's.",
  },
  {
    id: 'cli-remove-usage-plan-detach',
    match: { via: 'cli', ids: ['0120'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason: "sls remove detaches the REST API from usage plans before deleting the stack: part of remove, admin's.",
  },
  {
    id: 'cli-remove-reads-and-cleanup',
    match: { via: 'cli', commands: ['remove'] },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      "The rest of remove (stack and bucket reads, deleting this stage's artifacts, passing the deployment role) are requests deploy and info make as well; remove itself is stopped by DeleteStack (0130).",
  },
  {
    id: 'cli-metrics',
    match: { via: 'cli', commands: ['metrics'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason: "sls metrics is admin's (cloudwatch:GetMetricStatistics reads metrics of the whole account: admin only).",
  },
  {
    id: 'cli-api-log-group-delete',
    match: { via: 'cli', ids: ['0069'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "Deleting a log group is admin's; the CLI swallows the error of this clean-up (errorTolerated), so update deploys still work.",
  },
  {
    id: 'cli-foreign-subscription-filter-cleanup',
    match: { via: 'cli', ids: ['0043'], concrete: (c) => !c.request.resource.includes(':log-group:/aws/lambda/') },
    admin: 'Denied',
    developer: 'Denied',
    reason:
      "The framework's direct cleanup of its own stale filter on a log group another owner names (SubscribedLogGroupNames): logs:DeleteSubscriptionFilter has no key for the filter name, so it would delete the owner's filters too; there the filters go through the stack only (README SubscribedLogGroupNames: remove the event, deploy, add it back).",
  },
  {
    id: 'cli-own-subscription-filter-cleanup',
    match: { via: 'cli', ids: ['0043'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "Removes a stale subscription filter from one of the service's own function log groups before the update; the catalog keeps it admin's, like creating the filter.",
  },
  {
    id: 'cli-developer-commands',
    match: {
      via: 'cli',
      commands: [
        '*',
        'package',
        'deploy',
        'deploy function',
        'deploy list',
        'deploy list functions',
        'info',
        'logs',
        'invoke',
        'rollback',
        'rollback function',
      ],
    },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      'Update deploys, deploy function, deploy list, info, logs, invoke, rollback and rollback function are developer and ci work.',
  },
  // ---- CloudFormation on the caller's behalf -----------------------------------------------------------
  {
    id: 'cfn-template-url-read',
    match: { via: 'cloudformation-on-behalf', predicate: (e) => !e.resourceType },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      "CloudFormation reads TemplateURL (this stage's compiled template) with the caller's credentials on every deploy and rollback.",
  },
  {
    id: 'cfn-deployment-bucket',
    match: { groups: [G.deploymentBucket] },
    admin: 'Allowed',
    developer: 'Denied',
    reason: "The deployment bucket is created by the first deploy and deleted by remove: admin's.",
  },
  {
    id: 'cfn-deployment-bucket-policy',
    match: { groups: [G.bucketPolicy] },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "Whoever may put the deployment bucket's policy may open the bucket (escalation); the framework's policy never changes between deploys, so update deploys do not need it.",
  },
  {
    id: 'cfn-iam-read',
    match: { groups: [G.execRole, G.crRole], predicate: isRead },
    admin: 'Allowed',
    developer: 'Allowed',
    reason: 'Read-only: CloudFormation reads the roles it manages during every update and delete.',
  },
  {
    id: 'cfn-iam-write',
    match: { groups: [G.execRole, G.crRole] },
    admin: 'Allowed',
    developer: 'Denied',
    reason: "Any IAM change (roles, role policies, trust, boundaries, attachments, tags) is admin's.",
  },
  {
    id: 'cfn-every-deploy-makes',
    match: { groups: [G.version, G.layer, G.layerPermission] },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      'Every deploy publishes new Lambda versions and new layer versions (with their permissions) and CloudFormation deletes replaced layer versions.',
  },
  {
    id: 'cfn-api-sub-resources',
    match: { groups: [G.restSub, G.httpSub] },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      'Every deploy creates a new API Gateway deployment and deletes the old one; routes, methods, integrations and authorizers of the existing API are its configuration.',
  },
  {
    id: 'cfn-function-url-public',
    match: { groups: [G.permission], concrete: (c) => c.request.context['lambda:Principal'] === '*' },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "url: true (auth NONE) grants everyone (*) the function URL: making a function public is admin's, like creating its URL.",
  },
  {
    id: 'cfn-function-permission',
    match: { groups: [G.permission] },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      "A function's resource policy (who may invoke it) is part of the existing function's configuration; it is rewritten when an event of the function changes.",
  },
  {
    id: 'cfn-queue-policy',
    match: { groups: [G.queuePolicy] },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      "sqs:SetQueueAttributes is the only action of creating, updating and deleting a DLQ policy; IAM cannot tell them apart, and changing an sns event's redrivePolicy is configuration.",
  },
  {
    id: 'cfn-custom-resource-role-pass',
    match: { groups: [G.crFn], actions: ['iam:PassRole'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "The framework's custom-resource role holds IAM writes on role/* (API Gateway CloudWatch role), so passing it is admin's, only through the stack (iam.pass-framework-roles): a function run as it would give its caller those writes. Creating the custom-resource function (0344) is admin's anyway; an update deploy that changes its configuration (0370: a new runtime or memory after a framework upgrade) now needs admin too, since CloudFormation passes the role again on UpdateFunctionConfiguration.",
  },
  {
    id: 'cfn-custom-resource-invoke',
    match: { groups: [G.custom] },
    admin: 'Allowed',
    developer: 'Allowed',
    reason:
      "CloudFormation invokes the framework's custom-resource Lambda with the same request for create, update and delete; the Lambda itself is created by admin.",
  },
  {
    id: 'cfn-rest-api-delete-on-update',
    match: { groups: [G.restApi], handlers: ['update'], actions: ['apigateway:DELETE'] },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "The registry lists DELETE for the RestApi update handler without a resource; on the API's own ARN it deletes the API (admin's). DELETEs of sub-resources and tags are covered by cfn-api-sub-resources and the CLI stage update.",
  },
  {
    id: 'cfn-lifecycle',
    match: { predicate: decisive },
    admin: 'Allowed',
    developer: 'Denied',
    reason:
      "Creating or deleting functions, function URLs, log groups, event rules, schedules, mappings, topics, subscriptions, buses, buckets, APIs, API keys and usage plans is admin's.",
  },
  {
    id: 'cfn-update',
    match: { handlers: ['update'] },
    admin: 'Allowed',
    developer: 'Allowed',
    reason: 'Update handlers change code and configuration of what already exists.',
  },
  {
    id: 'cfn-create-delete-companions',
    match: { handlers: ['create', 'delete'] },
    admin: 'Allowed',
    developer: 'Unasserted',
    reason:
      "Reached only after the handler's create/delete call (asserted Denied for this role); the same request may be legitimately Allowed for the update handler.",
  },
];

function matches(m: RowMatch, e: CatalogCall): boolean {
  if (m.via && e.via !== m.via) return false;
  if (m.ids && !m.ids.includes(e.id)) return false;
  if (m.commands && !m.commands.includes(e.command)) return false;
  if (m.groups && !m.groups.some((g) => (groupOf(e) ?? '').startsWith(g))) return false;
  if (m.handlers && (!e.handler || !m.handlers.includes(e.handler))) return false;
  if (m.actions && !m.actions.includes(`${e.service}:${e.action}`)) return false;
  if (m.predicate && !m.predicate(e)) return false;
  return true;
}

export interface Expectation {
  readonly row: MatrixRow;
  readonly expect: Expect;
}

export function expectationFor(e: CatalogCall, role: GroupRole, call?: ConcreteCall): Expectation {
  const row = MATRIX.find((r) => matches(r.match, e) && (!r.match.concrete || (!!call && r.match.concrete(call))));
  if (!row)
    throw new Error(
      `role matrix: no row for catalog entry ${e.id} (${e.command} ${e.via} ${groupOf(e) ?? ''} ${e.service}:${e.action}); add one`,
    );
  return { row, expect: role === 'admin' ? row.admin : row.developer };
}

// ---------------------------------------------------------------------------------------------------------
// ISOLATION: every call replayed for another stage or service must be Denied, except:
//  - requests identical to the own one (the request names nothing of the service or stage: `*`-only
//    actions, external resources named in serverless.yml, a shared custom deployment bucket); no policy can
//    tell them apart. They are counted and listed by the test, never silently passed;
//  - the rows below, each with its reason. Writes that reach another service or stage are NOT listed here:
//    they are gaps (known-gaps.ts).

export interface NonScopableRow {
  readonly id: string;
  readonly reason: string;
  readonly applies: (call: ConcreteCall, role: GroupRole, ctx: IsolationContext) => boolean;
}

export interface IsolationContext {
  /** The same request without aws:CalledVia (a direct CLI call) is Denied: only CloudFormation can make it. */
  readonly onlyThroughCloudFormation: boolean;
  readonly bucketMode: 'observed' | 'pattern';
}

const action = (c: ConcreteCall) => c.request.action;

export const NON_SCOPABLE: readonly NonScopableRow[] = [
  {
    id: 'validate-template-any-url',
    reason:
      "cloudformation:ValidateTemplate accepts no resource and changes nothing; the request of another stage differs only in its cloudformation:TemplateUrl. Reading that template is a separate request (CloudFormation fetches TemplateURL with the caller's credentials: s3:GetObject on the other stage's key, asserted Denied).",
    applies: (c) => action(c) === 'cloudformation:ValidateTemplate' && c.request.resource === '*',
  },
  {
    id: 'apigateway-reads',
    reason:
      'Read-only. REST/HTTP API, API key and usage-plan ids are random, so info, the stage update and CloudFormation find them by reading across the region.',
    applies: (c) => action(c) === 'apigateway:GET',
  },
  {
    id: 'event-source-mapping-reads',
    reason:
      "Read-only. Event source mappings are named by random UUIDs; CloudFormation reads them while it updates the service's own.",
    applies: (c) => action(c) === 'lambda:GetEventSourceMapping',
  },
  {
    id: 'foreign-log-group-filter-reads',
    reason: 'Read-only. cloudwatchLog events subscribe to a log group another owner names; deploy reads its filters.',
    applies: (c) => action(c) === 'logs:DescribeSubscriptionFilters',
  },
  {
    id: 'layer-version-reads',
    reason:
      'Read-only. Functions may use layers of any service or account (lambda.external-layer-read); reading a layer version reveals its code location only.',
    applies: (c) => action(c) === 'lambda:GetLayerVersion',
  },
  {
    id: 'user-named-reads-via-cloudformation',
    reason: 'Read-only, and only through CloudFormation: topics and buses keep user-chosen names.',
    applies: (c, _role, ctx) =>
      c.entry.via === 'cloudformation-on-behalf' &&
      /^(sns:GetTopicAttributes|events:DescribeEventBus)$/.test(action(c)) &&
      ctx.onlyThroughCloudFormation,
  },
  {
    id: 'own-stack-resources-via-cloudformation',
    reason:
      "Only through CloudFormation, on a resource type whose handlers act on the physical resource their own stack created (no property can point them at another stack's resource, and importing a foreign one is refused by the change-set statement's Null cloudformation:ImportResourceTypes): the REST/HTTP API itself, API keys, usage plans, SNS topics and subscriptions, event buses, the deployment bucket and s3 event buckets. The replayed names only show that IAM cannot scope these user-chosen or random names.",
    applies: (c, _role, ctx) =>
      c.entry.via === 'cloudformation-on-behalf' &&
      [
        G.restApi,
        G.httpApi,
        G.apiKey,
        G.usagePlan,
        G.topic,
        G.subscription,
        G.eventBus,
        G.deploymentBucket,
        G.eventBucket,
      ].some((g) => (groupOf(c.entry) ?? '').startsWith(g)) &&
      ctx.onlyThroughCloudFormation,
  },
  {
    id: 'generated-bucket-pattern-reads',
    reason:
      "Before the resolver has seen the bucket (pattern mode) the deployment-bucket ARN is the name pattern, which for stacks longer than 24 characters also covers a sibling stage's or service's bucket: HeadBucket/ListBucket without prefix (key names), GetBucketLocation and GetBucketPolicy read it. Objects stay stage-exact by key (asserted Denied).",
    applies: (c, _role, ctx) =>
      ctx.bucketMode === 'pattern' &&
      /^s3:(ListBucket|GetBucketLocation|GetBucketPolicy)$/.test(action(c)) &&
      c.request.context['s3:prefix'] === undefined &&
      !c.request.resource.includes('/'),
  },
];
