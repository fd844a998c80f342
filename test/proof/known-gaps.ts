/**
 * EXPECTED FAILURES of the proof: calls our policies wrongly deny or wrongly allow today.
 *
 * Each entry is a finding for the catalog's owner (functions/catalog/*), with the entries of
 * sls-api-calls.json it concerns, what the role line expects, what the policies do, and a proposed fix.
 * The proof suites treat a mismatch listed here as expected (the suite stays green and prints it with
 * PROOF_REPORT=1), and FAIL when a listed gap no longer occurs, so that fixing the catalog forces this list
 * to shrink. The goal is an empty list.
 *
 * kind:
 * - catalog-fix            the catalog misses or mis-scopes an action; a precise fix exists.
 * - design-limitation      the catalog's documented naming assumption excludes a framework default.
 * - iam-indistinguishable  the create and the update of a resource are the same IAM request; one of the two
 *                          expectations must give (decide, then move the row into role-matrix.ts).
 * - isolation              a group reaches another service's or stage's resource.
 */
import type { GroupRole } from '../../functions/catalog/types';
import type { VariantKind } from './calls';
import type { Decision } from './simulate';

export type GapKind = 'catalog-fix' | 'design-limitation' | 'iam-indistinguishable' | 'isolation';

export interface Mismatch {
  readonly suite: 'allow-deny' | 'escalation';
  readonly fixture: string;
  readonly bucketMode: string;
  readonly role: GroupRole;
  readonly variant: VariantKind;
  readonly variantLabel: string;
  /** Catalog entry id, or the escalation case id. */
  readonly entry: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  readonly expected: Decision;
  readonly actual: Decision;
  /** Allow statements that matched (Sids). */
  readonly sids: readonly string[];
}

export interface KnownGap {
  readonly id: string;
  readonly kind: GapKind;
  readonly suite: Mismatch['suite'];
  readonly match: {
    readonly entries?: readonly string[];
    readonly roles: readonly GroupRole[];
    readonly variants: readonly VariantKind[];
    readonly fixtures?: readonly string[];
    readonly actions?: readonly string[];
    readonly bucketModes?: readonly string[];
    readonly resource?: RegExp;
    readonly expected: Decision;
  };
  readonly finding: string;
  readonly proposedFix: string;
}

const ALL: readonly GroupRole[] = ['admin', 'developer', 'ci'];
const DEV: readonly GroupRole[] = ['developer', 'ci'];
const OTHER: readonly VariantKind[] = ['other-stage', 'other-service'];

export const KNOWN_GAPS: readonly KnownGap[] = [
  // ---------------------------------------------------------------- own service+stage: wrongly denied
  {
    id: 'layer-default-name',
    kind: 'design-limitation',
    suite: 'allow-deny',
    match: { entries: ['0432', '0435'], roles: ALL, variants: ['own'], fixtures: ['06-layer'], resource: /:layer:sharp(:|$)/, expected: 'Allowed' },
    finding:
      '06-layer publishes `layers.sharp` under the framework\'s default name `sharp` (no service or stage in it). lambda:PublishLayerVersion on arn:aws:lambda:us-east-1:123456789012:layer:sharp (0432, create of <Layer>LambdaLayer, via CloudFormation) and lambda:DeleteLayerVersion on …:layer:sharp:1 (0435, replaced version) are Denied for every group: lambda.layers only grants layer:{Service}-{Stage}-*. The named layer imaging-dev-shared-utils passes.',
    proposedFix:
      'Either document and validate the requirement (layers.<key>.name: ${self:service}-${sls:stage}-<key>), or add an Access property (e.g. LayerNames) whose names lambda.layers also grants (layer:<name> and layer:<name>:*). A bare key cannot be scoped to the service: every service and stage of the account shares layer `sharp`.',
  },
  {
    id: 'layer-version-policy-read',
    kind: 'catalog-fix',
    suite: 'allow-deny',
    match: { entries: ['0439'], roles: ALL, variants: ['own'], fixtures: ['06-layer'], expected: 'Allowed' },
    finding:
      'Deleting an AWS::Lambda::LayerVersionPermission (0439, also on every deploy that replaces a retained/shared layer version) needs lambda:GetLayerVersionPolicy on arn:aws:lambda:us-east-1:123456789012:layer:imaging-dev-shared-utils:1; no statement grants that action, so it is Denied for every group.',
    proposedFix: 'Add lambda:GetLayerVersionPolicy to lambda.layers (same resources: layer:{Service}-{Stage}-* and :*).',
  },
  {
    id: 'long-stack-custom-resource-role',
    kind: 'catalog-fix',
    suite: 'allow-deny',
    match: { entries: ['0258', '0259', '0260', '0261', '0265', '0276', '0277', '0278', '0279', '0280', '0281', '0344', '0370'], roles: ALL, variants: ['own'], fixtures: ['10-long-names'], expected: 'Allowed' },
    finding:
      'For a stack longer than 24 characters CloudFormation names the custom-resource role <stack[:24]>-<LogicalId[:25]>-<suffix>: analytics-pipeline-proce-IamRoleCustomResourcesLam-A1B2C3D4E5F6G for stack analytics-pipeline-processor-development. iam.execution-roles-lifecycle / iam.read-execution-roles / iam.pass-execution-roles only grant role/{Service}-{Stage}-*, so admin cannot create, change, pass or delete it (0258-0261, 0265, 0276-0281, 0344, 0370 via CloudFormation) and nobody can read or pass it: the first deploy of 10-long-names fails.',
    proposedFix:
      'Grant the generated name the way CloudFormation truncates it: role/{StackNameHead}-IamRoleCustomResourcesLam* when the stack is longer than 24 characters (StackNameHead as for rules, trailing dash dropped), keeping role/{Service}-{Stage}-* otherwise. That pattern is shared by every stack with the same 24 first characters (here: stage integration), so better still let the bucket resolver also read the physical id of IamRoleCustomResourcesLambdaExecution (DescribeStackResource) and narrow to it once the stack exists.',
  },
  {
    id: 'long-name-custom-resource-function',
    kind: 'catalog-fix',
    suite: 'allow-deny',
    match: { entries: ['0342', '0343', '0367', '0368', '0369', '0396', '0397', '0741', '0742', '0743'], roles: ALL, variants: ['own'], fixtures: ['10-long-names'], expected: 'Allowed' },
    finding:
      'When <service>-<stage>-custom-resource-<kind> is longer than 64 characters the framework names the function <first 32 characters><md5 of the full name> (osls custom-resources/index.js): analytics-pipeline-processor-dev625bb24278899e5c9ee978bcad5ec53f. It does not match function:{Service}-{Stage}-*, so lambda:CreateFunction/GetFunction/UpdateFunctionCode/UpdateFunctionConfiguration/DeleteFunction (0342-0397) and the custom resource\'s lambda:InvokeFunction (0741-0743) are Denied for every group.',
    proposedFix:
      'The macro can compute the four possible hashed names exactly (kinds existing-s3, existing-cup, event-bridge, apigw-cw-role; md5 of `${SlsServiceName}-${IamStage}-custom-resource-<kind>`) and add them to ARN.functions whenever the plain name exceeds 64 characters; they stay stage-exact.',
  },
  {
    id: 'custom-function-names',
    kind: 'design-limitation',
    suite: 'allow-deny',
    match: { roles: ALL, variants: ['own'], fixtures: ['11-custom-stack-name'], resource: /function:acme-inventory-dev-sync(:|$)|log-group:\/aws\/lambda\/acme-inventory-dev-sync$/, expected: 'Allowed' },
    finding:
      '11-custom-stack-name names a function itself (functions.sync.name: acme-inventory-${sls:stage}-sync). deploy (0040), deploy function (0078-0081), deploy list functions (0088/0089), logs (0096/0097 on log-group:/aws/lambda/acme-inventory-dev-sync), invoke (0098) and rollback function (0115-0117) are Denied for every group: functions and log groups are only granted as {Service}-{Stage}-*.',
    proposedFix:
      'Add an Access property for extra function names (e.g. FunctionNames: [acme-inventory-dev-sync] or a pattern list), expanded into ARN.functions, ARN.functionVersions and ARN.logGroups (/aws/lambda/<name>); validate that each pattern starts with a literal, stage-bearing prefix.',
  },
  {
    id: 'cloudformation-deployment-role-pass',
    kind: 'catalog-fix',
    suite: 'allow-deny',
    match: { entries: ['0054', '0114', '0133'], roles: ALL, variants: ['own'], fixtures: ['11-custom-stack-name'], expected: 'Allowed' },
    finding:
      'With provider.iam.deploymentRole every deploy, rollback and remove passes arn:aws:iam::123456789012:role/acme-cfn-exec-role to CloudFormation (iam:PassRole, iam:PassedToService=cloudformation.amazonaws.com; 0054, 0114, 0133). No statement grants it, so no group can deploy 11-custom-stack-name at all.',
    proposedFix:
      'Add an Access property (e.g. DeploymentRoleArn) and, when set, an iam:PassRole statement on exactly that role with StringEquals iam:PassedToService=cloudformation.amazonaws.com for all three groups. Document that the role line is then enforced by the deployment role\'s own policy (CloudFormation acts with it, not with the group), so that role must be per service and stage.',
  },
  {
    id: 'sns-topic-update',
    kind: 'catalog-fix',
    suite: 'allow-deny',
    match: { entries: ['0521'], roles: DEV, variants: ['own'], fixtures: ['04-queues-topics-schedule'], expected: 'Allowed' },
    finding:
      'The update handler of the framework\'s SNS topic (0521, sns:SetTopicAttributes on arn:aws:sns:us-east-1:123456789012:notifier-dev-alerts, via CloudFormation) is Denied for developer and ci: only sns.topics-lifecycle (admin) grants it. Changing the topic\'s settings in an update deploy fails for them.',
    proposedFix: 'Add sns:SetTopicAttributes to sns.subscriptions-update (all groups, VIA_CLOUDFORMATION); the handler only acts on the topic its own stack created.',
  },
  {
    id: 'event-bus-update-read',
    kind: 'catalog-fix',
    suite: 'allow-deny',
    match: { entries: ['0495'], roles: DEV, variants: ['own'], fixtures: ['05-streams-s3-eventbridge'], expected: 'Allowed' },
    finding:
      'The update handler of the framework-created event bus (0495, events:DescribeEventBus on arn:aws:events:us-east-1:123456789012:event-bus/ingest-dev-bus, via CloudFormation) is Denied for developer and ci: events.buses-lifecycle (admin) is the only statement with it.',
    proposedFix: 'Grant events:DescribeEventBus (read-only) to all groups, e.g. a new events.buses-read entry on event-bus/* (VIA_CLOUDFORMATION is enough).',
  },
  {
    id: 'api-keys-usage-plans-update',
    kind: 'catalog-fix',
    suite: 'allow-deny',
    match: { entries: ['0630', '0639'], roles: DEV, variants: ['own'], fixtures: ['03-rest-api'], expected: 'Allowed' },
    finding:
      'Update handlers of AWS::ApiGateway::ApiKey (0630, apigateway:PATCH on arn:aws:apigateway:us-east-1::/apikeys/<id>) and AWS::ApiGateway::UsagePlan (0639, PATCH on /usageplans/<id>) are Denied for developer and ci: PATCH on /apikeys/* and /usageplans/* is only in apigateway.api-lifecycle (admin). Changing a key\'s description or the plan\'s quota/throttle needs an admin deploy.',
    proposedFix: 'Add arn:{Partition}:apigateway:{Region}::/apikeys/* and /usageplans/* to apigateway.api-settings (PATCH/PUT, VIA_CLOUDFORMATION); handlers act only on the key and plan their own stack created.',
  },
  {
    id: 'subscription-filter-update',
    kind: 'iam-indistinguishable',
    suite: 'allow-deny',
    match: { entries: ['0549'], roles: DEV, variants: ['own'], fixtures: ['05-streams-s3-eventbridge'], expected: 'Allowed' },
    finding:
      'Changing a cloudwatchLog event\'s filter runs the SubscriptionFilter update handler: logs:PutSubscriptionFilter on arn:aws:logs:us-east-1:123456789012:log-group:/acme/app/dev (0549, via CloudFormation), the same request as creating the filter (0546, admin\'s). The catalog keeps both admin\'s, so developers cannot change a filter pattern.',
    proposedFix:
      'Decide: keep it admin\'s (then move 0549 to an explicit developer: Denied row in role-matrix.ts with that reason), or grant it to all groups via CloudFormation and accept that developers may then subscribe their functions to any log group through their stack.',
  },
  // ---------------------------------------------------------------- own service+stage: wrongly allowed
  {
    id: 'first-deploy-change-set',
    kind: 'catalog-fix',
    suite: 'allow-deny',
    match: { entries: ['0023'], roles: DEV, variants: ['own'], expected: 'Denied' },
    finding:
      'The first deploy\'s CreateChangeSet (0023, ChangeSetType CREATE with the core template as TemplateBody; cloudformation:ChangeSetName=<stack>-change-set, no cloudformation:TemplateUrl) is Allowed for developer and ci by cloudformation.change-sets: they can create the framework stack (it then fails at s3:CreateBucket, which is admin\'s, and is left in ROLLBACK_COMPLETE, which only admin can delete).',
    proposedFix:
      'Split cloudformation.change-sets: for developer and ci add Null {"cloudformation:TemplateUrl": "false"} to CreateChangeSet (update deploys and rollback always pass the compiled template\'s URL; the first deploy passes TemplateBody). It does not stop a CREATE change set from a TemplateURL (custom-bucket first deploy), which still fails at lambda:CreateFunction.',
  },
  {
    id: 'event-rule-create',
    kind: 'iam-indistinguishable',
    suite: 'allow-deny',
    match: { entries: ['0440', '0465'], roles: DEV, variants: ['own'], actions: ['events:PutRule'], expected: 'Denied' },
    finding:
      'Creating a schedule or eventBridge rule (0440/0465: events:PutRule on rule/<name>, via CloudFormation) is the same request as updating it (0445/0470), which events.rules-update grants to all groups. So developer and ci can add event rules to their stack, although the role line gives rule creation to admin.',
    proposedFix:
      'Decide: accept (move 0440/0465 to a developer: Allowed row in role-matrix.ts: adding a schedule to an existing function is configuration), or make events:PutRule admin-only and lose developer schedule changes. IAM has no condition that tells PutRule create from update.',
  },
  // ---------------------------------------------------------------- isolation: reach beyond the own service+stage
  {
    id: 'rule-and-schedule-stack-prefix',
    kind: 'isolation',
    suite: 'allow-deny',
    match: {
      entries: ['0440', '0441', '0442', '0445', '0446', '0447', '0448', '0452', '0453', '0454', '0455', '0457', '0458', '0460', '0461', '0463', '0464', '0465', '0466', '0467', '0470', '0471', '0472', '0473', '0477', '0478', '0479', '0480'],
      roles: ALL, variants: OTHER, fixtures: ['04-queues-topics-schedule', '05-streams-s3-eventbridge', '10-long-names'], expected: 'Denied',
    },
    finding:
      'events.rules-update/-lifecycle grant rule/{StackNameHead}* and scheduler.* grant schedule/default/{StackNameHead}* without a separator: the dev group reaches stage dev2\'s rules and schedules (rule/notifier-dev2-NightlyEventsRuleSchedule1-…, rule/ingest-dev2-bus/ingest-dev2-onOrderEvent-rule-1, schedule/default/notifier-dev2-NightlySchedulerSchedule3-…; events:PutRule/PutTargets/RemoveTargets/DeleteRule, scheduler:UpdateSchedule/DeleteSchedule via CloudFormation). For 10-long-names the 24-character head analytics-pipeline-proce also covers stage integration\'s and service analytics-pipeline-processor2\'s rules (rule/analytics-pipeline-processor-integration-aggregate-rule-1).',
    proposedFix:
      'Write the patterns with the separator CloudFormation puts after the stack part: rule/{StackNameHead}-*, rule/*/{StackNameHead}-* and schedule/default/{StackNameHead}-* (with a head that ends in "-" cut, use the head without it plus "-"). eventBridge rules stay covered by rule/{Service}-{Stage}-*. For stacks longer than 24 characters a generated schedule name still cannot be told from a sibling stack\'s with the same head: document it.',
  },
  {
    id: 'queue-policy-any-queue',
    kind: 'isolation',
    suite: 'allow-deny',
    match: { entries: ['0543', '0544', '0545'], roles: ALL, variants: OTHER, fixtures: ['04-queues-topics-schedule'], actions: ['sqs:SetQueueAttributes'], expected: 'Denied' },
    finding:
      'sqs.queues-update (all groups) and sqs.queues-lifecycle (admin) grant sqs:SetQueueAttributes on arn:aws:sqs:us-east-1:123456789012:* through CloudFormation. An AWS::SQS::QueuePolicy names its queues by property, so a developer can add one to the own stack and rewrite the policy of stage prod\'s or another service\'s queue (replayed: notifier-prod-alerts-dlq, notifier2-dev-alerts-dlq; 0543-0545), e.g. to read its messages.',
    proposedFix:
      'Scope the SQS statements to the service\'s queues: arn:{Partition}:sqs:{Region}:{Account}:{Service}-{Stage}-* (the fixtures name their queues so), and/or require aws:ResourceTag/aws:cloudformation:stack-name = {StackName} (CloudFormation tags the queues it creates). Queues named otherwise then need an admin deploy or a listed name.',
  },
  {
    id: 'api-gateway-sub-resources-any-api',
    kind: 'isolation',
    suite: 'allow-deny',
    match: { entries: ['0618', '0619', '0621', '0622', '0623', '0625', '0661', '0662', '0663', '0664', '0665', '0666'], roles: ALL, variants: OTHER, fixtures: ['02-http-api', '03-rest-api', '08-tracing-iam'], actions: ['apigateway:PUT', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'], expected: 'Denied' },
    finding:
      'apigateway.api-changes grants POST/PUT/PATCH/DELETE on /restapis/*/* and /apis/*/* through CloudFormation to all groups. Methods, resources, deployments, stages, routes, integrations and authorizers name their API by property (RestApiId/ApiId), so a developer can add one to the own stack that rewrites another stage\'s or service\'s API (replayed: PUT/DELETE on arn:aws:apigateway:us-east-1::/restapis/<other id>/resources/…, …/deployments/…, POST/PATCH/DELETE on …/apis/<other id>/routes…).',
    proposedFix:
      'Resolve the API ids like the deployment bucket: let the resolver read the physical ids of ApiGatewayRestApi / HttpApi / WebsocketsApi from the framework stack (DescribeStackResource) and scope /restapis/<id>/* and /apis/<id>/* exactly once the stack exists (the pattern until then); alternatively condition on aws:ResourceTag/STAGE = {Stage}, which the framework\'s stack tags put on the API.',
  },
  {
    id: 'api-gateway-stage-update-any-api',
    kind: 'isolation',
    suite: 'allow-deny',
    match: { entries: ['0065', '0066', '0067', '0068'], roles: ALL, variants: OTHER, fixtures: ['03-rest-api', '08-tracing-iam', '11-custom-stack-name'], expected: 'Denied' },
    finding:
      'apigateway.stage-settings (POST/PATCH on /restapis/*/stages[/*]) and apigateway.tags (PUT/DELETE on /tags/*) are granted to all groups WITHOUT aws:CalledVia: straight from the CLI a developer may create or patch any REST API stage of the region (e.g. PATCH arn:aws:apigateway:us-east-1::/restapis/<prod id>/stages/prod to point it at another deployment or switch off logging) and tag or untag any API Gateway resource (0065-0068 replayed for another stage and service).',
    proposedFix:
      'Same resolver as for api-gateway-sub-resources-any-api: scope to /restapis/<own id>/stages and /restapis/<own id>/stages/{ApiStage} and /tags/<url-encoded own stage ARN>; until resolved, require aws:ResourceTag/STAGE = {Stage} on PATCH (the framework tags the stage with the stack tags).',
  },
  {
    id: 'usage-plan-keys-any-plan',
    kind: 'isolation',
    suite: 'allow-deny',
    match: { entries: ['0120', '0639', '0644', '0645', '0647'], roles: ['admin'], variants: OTHER, fixtures: ['03-rest-api'], expected: 'Denied' },
    finding:
      'admin may PATCH any usage plan straight from the CLI (apigateway.usage-plan-detach on /usageplans/* without aws:CalledVia: 0120, and the replayed UsagePlan handlers 0639/0644 need no CloudFormation) and, through CloudFormation, add or remove keys of any plan (AWS::ApiGateway::UsagePlanKey names the plan by property; 0645 POST /usageplans/<other>/keys, 0647 DELETE …/keys/<id>).',
    proposedFix: 'Scope /usageplans/* with aws:ResourceTag/STAGE = {Stage} (or a resolved plan id); keep the CLI detach on remove admin-only as today.',
  },
  {
    id: 'admin-bucket-policy-any-bucket',
    kind: 'isolation',
    suite: 'allow-deny',
    match: { entries: ['0178', '0179', '0180', '0181', '0182', '0183'], roles: ['admin'], variants: OTHER, expected: 'Denied' },
    finding:
      's3.event-buckets-lifecycle grants admin s3:PutBucketPolicy/DeleteBucketPolicy (and CreateBucket/DeleteBucket/PutEncryptionConfiguration…) on arn:*:s3:::* through CloudFormation. An AWS::S3::BucketPolicy names its bucket by property, so an admin of one service and stage can, through the own stack, replace the policy of another stage\'s or service\'s deployment bucket (replayed 0178/0180/0182 on orders-prod-serverlessdeploymentbucket-q7r8s9t0u1v2, orders2-dev-…), or of any bucket in the account.',
    proposedFix:
      'Keep CreateBucket/DeleteBucket/notification actions for s3 event buckets on s3:::*, but move PutBucketPolicy/DeleteBucketPolicy to bucket names the service owns: the own deployment bucket (already in s3.deployment-bucket-lifecycle) and event buckets named {Service}-{Stage}-* (the fixtures use ingest-${sls:stage}-uploads); or add an explicit Deny of Put/DeleteBucketPolicy on arn:*:s3:::*-serverlessdeploymentbuck* except the own deployment bucket.',
  },
  {
    id: 'long-name-bucket-pattern-lifecycle',
    kind: 'isolation',
    suite: 'allow-deny',
    match: { entries: ['0134', '0135', '0176'], roles: ['admin'], variants: OTHER, fixtures: ['10-long-names'], bucketModes: ['pattern'], expected: 'Denied' },
    finding:
      'Before the resolver has seen the bucket (pattern mode) s3.deployment-bucket-lifecycle grants admin, directly and not only through CloudFormation, s3:CreateBucket/DeleteBucket/PutBucketPolicy/PutEncryptionConfiguration… on analytics-pipeline-proce-serverlessdeploymentbuck*, which is also the name pattern of stage integration\'s and of service analytics-pipeline-processor2\'s buckets.',
    proposedFix:
      'After the first deploy change DeploymentBucketToken so the resolver narrows to the exact name (documented); for the first deploy only CreateBucket/PutEncryptionConfiguration/PutBucketPolicy on a bucket that does not exist yet are needed, so the other lifecycle actions (DeleteBucket, DeleteBucketPolicy, Put* on an existing bucket) could wait for the exact name.',
  },
  {
    id: 'admin-subscription-filter-any-log-group',
    kind: 'isolation',
    suite: 'allow-deny',
    match: { entries: ['0043', '0546', '0549', '0552'], roles: ['admin'], variants: OTHER, fixtures: ['05-streams-s3-eventbridge'], expected: 'Denied' },
    finding:
      'admin may put and delete subscription filters on any log group (logs.subscription-filters-lifecycle through CloudFormation, logs.subscription-filters-cleanup directly; 0043, 0546, 0549, 0552 replayed on log-group:/acme/app/prod): cloudwatchLog events subscribe to log groups the user names, so another stage\'s log group can be streamed into this service\'s function.',
    proposedFix:
      'If cross-stage log subscriptions are not wanted, add an Access property listing the log groups a service may subscribe to (SubscribedLogGroups) and grant only those; otherwise document this as intended admin reach and move it to NON_SCOPABLE with that reason.',
  },
  // ---------------------------------------------------------------- escalation
  {
    id: 'admin-execution-role-unbounded',
    kind: 'isolation',
    suite: 'escalation',
    match: { roles: ['admin'], variants: ['own'], actions: ['iam:AttachRolePolicy', 'iam:DeleteRolePermissionsBoundary'], resource: /:role\/(orders|uploads)-dev-us-east-1-lambdaRole$/, expected: 'Denied' },
    finding:
      'iam.execution-roles-lifecycle lets admin, through the own stack (aws:CalledVia), attach any managed policy to the framework\'s execution role (iam:AttachRolePolicy with iam:PolicyARN=arn:aws:iam::aws:policy/AdministratorAccess on role/orders-dev-us-east-1-lambdaRole is Allowed) and delete its permissions boundary (iam:DeleteRolePermissionsBoundary). PutRolePolicy (inline, any content) is equally open. A function of the service then runs as an administrator of the account: the admin group reaches beyond its service and stage. (developer and ci are Denied all of it.)',
    proposedFix:
      'Enforce a permissions boundary on the framework\'s roles: an Access property (e.g. LambdaPermissionsBoundary, the ARN the service sets as provider.iam.role.permissionsBoundary), a StringEquals iam:PermissionsBoundary condition on iam:CreateRole/PutRolePolicy/AttachRolePolicy/PutRolePermissionsBoundary, and no iam:DeleteRolePermissionsBoundary. Without a boundary, at least refuse well-known admin policies (ArnNotLike iam:PolicyARN arn:aws:iam::aws:policy/AdministratorAccess, IAMFullAccess, PowerUserAccess).',
  },
];

function matches(gap: KnownGap, m: Mismatch): boolean {
  const g = gap.match;
  return (
    gap.suite === m.suite &&
    g.expected === m.expected &&
    g.roles.includes(m.role) &&
    g.variants.includes(m.variant) &&
    (!g.entries || g.entries.includes(m.entry)) &&
    (!g.fixtures || g.fixtures.includes(m.fixture)) &&
    (!g.actions || g.actions.includes(m.action)) &&
    (!g.bucketModes || g.bucketModes.includes(m.bucketMode)) &&
    (!g.resource || g.resource.test(m.resource))
  );
}

export function knownGapFor(m: Mismatch): KnownGap | undefined {
  return KNOWN_GAPS.find((g) => matches(g, m));
}
