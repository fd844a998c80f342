/**
 * The one registry of known gaps and accepted exemptions, for both proofs: the allow/deny and escalation
 * suites of test/proof (each recorded framework call of test/fixtures/recorded/sls-api-calls.json against the
 * expanded policies) and `npm run prove` (the real framework against moto). A finding says what the
 * policies decide against the role line, why, and what would close it; each proof recognises it by its own
 * matcher: `suite` + `match` (test/proof: catalog entry ids, roles, variants, fixtures, bucket modes) and
 * `run` (npm run prove: a predicate over the IAM request, the step and the neighbour). A finding one proof
 * cannot observe has only that proof's matcher.
 *
 * - status 'gap': open, for the catalog's owner (functions/catalog/*), with a proposed fix. The goal is an
 *   empty list. status 'exemption': accepted by design, with the decision and its residual risk.
 * - The test/proof suites treat a listed mismatch as expected and FAIL when a listed gap or exemption no
 *   longer occurs, so fixing the catalog forces this list to shrink; fixed findings are asserted positively
 *   in those suites. `npm run prove` prints every finding it used and how often.
 *
 * kind:
 * - catalog-fix            the catalog misses or mis-scopes an action; a precise fix exists.
 * - design-limitation      the catalog's documented naming assumption excludes a framework default.
 * - iam-indistinguishable  the create and the update of a resource are the same IAM request.
 * - isolation              a group reaches another service's or stage's resource.
 * - escalation             a group can obtain more than the role line gives it.
 * - non-scopable           names the framework does not control (random API ids, user-named topics, queues,
 *                          buses and buckets, foreign log groups) cannot be told apart by ARN; most are only
 *                          reachable through CloudFormation (aws:CalledVia), i.e. a stack the group may update.
 * - intended               the service does what the policies refuse on purpose (a rule the README states).
 */
import { GROUP_ROLES, type GroupRole } from '../../../functions/catalog/types';
import { bucketPrefixesCollide } from '../../../functions/core/deployment-bucket';
import { stackNameHead } from '../../../functions/core/generated-names';
import type { Decision } from './simulate';
import type { Framework } from './frameworks';
import type { IamRequest, ServiceFacts, StepKind, Target } from './types';

export type GapKind =
  | 'catalog-fix'
  | 'design-limitation'
  | 'iam-indistinguishable'
  | 'isolation'
  | 'escalation'
  | 'non-scopable'
  | 'intended';

/** own, or the replay against another stage or service (test/proof variants, npm run prove targets). */
export type VariantKind = Target;

/** A result of the test/proof suites that differs from the role line. */
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

/** What `npm run prove` knows when it asks whether a finding explains a result. */
export interface MatchContext {
  readonly own: ServiceFacts;
  readonly step: StepKind;
  readonly framework: Framework;
  readonly neighbour?: ServiceFacts;
  readonly target?: Target;
}

export interface KnownGap {
  readonly id: string;
  readonly status: 'gap' | 'exemption';
  readonly kind: GapKind;
  readonly finding: string;
  /** gap: the fix proposed to the catalog's owner. exemption: what would close it if the decision changes. */
  readonly proposedFix?: string;
  /** exemption: who decided what, and the residual risk accepted with it. */
  readonly decision?: string;
  /** The catalog statement involved, when the finding is not about one catalog call. */
  readonly catalogEntry?: string;
  /** test/proof: the suite that observes it, and which of its results it explains. */
  readonly suite?: Mismatch['suite'];
  readonly match?: {
    readonly entries?: readonly string[];
    readonly roles: readonly GroupRole[];
    readonly variants: readonly VariantKind[];
    readonly fixtures?: readonly string[];
    readonly actions?: readonly string[];
    readonly bucketModes?: readonly string[];
    readonly resource?: RegExp;
    readonly expected: Decision;
  };
  /** npm run prove: which results it explains. */
  readonly run?: {
    /** 'allow': explains a Denied request of an allowed command (own); 'deny': an Allowed replay (neighbour). */
    readonly waives: 'allow' | 'deny';
    readonly targets: readonly Target[];
    readonly roles?: readonly GroupRole[];
    readonly match: (r: IamRequest, m: MatchContext) => boolean;
  };
}

const ALL: readonly GroupRole[] = GROUP_ROLES;
const DEV: readonly GroupRole[] = ['developer', 'ci'];
const OTHER: readonly VariantKind[] = ['other-stage', 'other-service'];
const NEIGHBOURS: readonly Target[] = OTHER;
const viaCfn = (r: IamRequest) => r.via === 'cloudformation';
const arnService = (r: IamRequest) => r.resource.split(':')[2];

export const KNOWN_GAPS: readonly KnownGap[] = [
  {
    id: 'permissions-boundary-custom-resource-role',
    status: 'gap',
    kind: 'design-limitation',
    suite: 'allow-deny',
    match: {
      entries: ['0258', '0259', '0265', '0276', '0277', '0281'],
      roles: ['admin'],
      variants: ['own'],
      fixtures: ['05-streams-s3-eventbridge'],
      bucketModes: ['observed+PermissionsBoundary'],
      expected: 'Allowed',
    },
    finding:
      "PermissionsBoundary conditions admin's writes on ALL framework roles (iam.execution-roles-bounded on role/{Service}-{Stage}-* and role/{StackNameHead}-IamRoleCustomResources*) on iam:PermissionsBoundary, but the framework puts provider.iam.role.permissionsBoundary on IamRoleLambdaExecution only (osls package/lib/merge-iam-templates.js); the custom-resource role IamRoleCustomResourcesLambdaExecution (osls custom-resources/index.js) never carries one. So a service with custom resources (existing s3 / eventBridge / apigw CloudWatch role; here 05-streams-s3-eventbridge proven with PermissionsBoundary set) cannot be deployed or removed by admin: iam:CreateRole/PutRolePolicy (0258, 0259, 0265) and DeleteRolePolicy/DetachRolePolicy/DeleteRole (0276, 0277, 0281) on role/ingest-dev-IamRoleCustomResourcesLambdaExec-… are Denied.",
    proposedFix:
      "Do NOT exempt the custom-resource role from the boundary (admin could then write any inline policy on it and pass it to a function, escaping the boundary). Document instead that with PermissionsBoundary a service with custom resources must put the same boundary on that role: resources.extensions.IamRoleCustomResourcesLambdaExecution.Properties.PermissionsBoundary: <ARN> (or use provider.iam.deploymentRole, which replaces the custom-resource role); and let the macro's README/validation say so.",
  },
  {
    id: 'api-gateway-stage-update-any-api',
    status: 'gap',
    kind: 'isolation',
    suite: 'allow-deny',
    match: {
      entries: ['0067', '0068'],
      roles: ALL,
      variants: OTHER,
      fixtures: ['03-rest-api', '08-tracing-iam', '11-custom-stack-name'],
      expected: 'Denied',
    },
    finding:
      "The CLI's own REST stage update after each deploy tags the stage (apigateway.tags: PUT/DELETE on /tags/<url-encoded stage ARN>, no aws:CalledVia). Tag ARNs take no aws:ResourceTag key, so the statement names /restapis/*/stages/{ApiStage} inside the encoded ARN: a member may tag or untag the stage of the same name of another service's REST API (0067/0068 replayed for another service). The stage itself (POST/PATCH, 0065/0066) is scoped by the stack tag the stage inherits from the own REST API.",
    proposedFix:
      'Let the resolver read the physical id of ApiGatewayRestApi (DescribeStackResource, like the deployment bucket) and name /tags/<url-encoded own stage ARN> exactly once the stack exists.',
  },
  {
    id: 'long-stack-custom-resource-role-collision',
    status: 'gap',
    kind: 'isolation',
    suite: 'allow-deny',
    match: {
      entries: ['0258', '0259', '0265', '0276', '0277', '0281', '0344', '0370'],
      roles: ['admin'],
      variants: OTHER,
      fixtures: ['10-long-names'],
      expected: 'Denied',
    },
    finding:
      'The custom-resource role of a stack longer than 24 characters is now granted as role/{StackNameHead}-IamRoleCustomResources* (own deploys pass). CloudFormation cuts every such stack to the same 24 characters, so for analytics-pipeline-processor-development the pattern role/analytics-pipeline-proce-IamRoleCustomResources* also names the custom-resource roles of stage integration, of any stage starting with "development" and of service analytics-pipeline-processor2 (role/analytics-pipeline-proce-IamRoleCustomResourcesLam-Q7R8S9T0U1V2W), in both bucket modes (the role is never resolved). admin may, through the own stack, create, rewrite (PutRolePolicy), detach from and delete those roles (0258, 0259, 0265, 0276, 0277, 0281) and pass them to Lambda (iam.pass-framework-roles, 0344/0370), i.e. run an own function as the sibling stack\'s custom-resource role. developer and ci no longer pass any custom-resource role (iam.pass-execution-roles excludes it; asserted in escalation.test.ts). The reads are an accepted exemption (long-stack-custom-resource-role-reads).',
    proposedFix:
      'Narrow the role like the bucket: let the resolver also return the physical id of IamRoleCustomResourcesLambdaExecution (DescribeStackResource on the framework stack) and grant role/<that name> once the stack exists (pattern only before the first deploy, and only for iam:CreateRole/PutRolePolicy/PassRole of the first deploy). The PassRole of 0344/0370 is already admin-only and only through the stack.',
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      roles: ['admin'],
      match: (r, m) =>
        !!m.neighbour &&
        r.action.startsWith('iam:') &&
        /:role\/[^/]*-IamRoleCustomResources/.test(r.resource) &&
        [24, 25].some((n) => stackNameHead(m.own.stackName, n) === stackNameHead(m.neighbour?.stackName ?? '', n)),
    },
  },
  {
    id: 'truncated-generated-rule-prefix',
    status: 'gap',
    kind: 'isolation',
    finding:
      'CloudFormation names a schedule rule without schedule.name <stack cut to 24 or 25 characters>-<LogicalId>-<suffix> (the same ' +
      'generator as the custom-resource role). Two stacks that share that cut (test/fixtures/long-service: stages performance-testing ' +
      'and performance-testing2, service hippopotamus-migration-orchestrator2) share the pattern rule/{GeneratedNameHeads}-*, so every ' +
      "group's rule writes through its own stack (events.rules-update, admin's events.rules-lifecycle) also match the sibling's rules.",
    catalogEntry: 'events.rules-update, events.rules-lifecycle (rule/{GeneratedNameHeads}-*)',
    proposedFix:
      "Name schedule rules in serverless.yml (schedule.name: <service>-<stage>-...), which rule/{Service}-{Stage}-* scopes exactly; or have the resolver read the rules' physical names once the stack exists and narrow the pattern.",
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      match: (r, m) =>
        !!m.neighbour &&
        r.action.startsWith('events:') &&
        [24, 25].some(
          (n) =>
            stackNameHead(m.own.stackName, n) === stackNameHead(m.neighbour?.stackName ?? '', n) &&
            r.resource.includes(`:rule/${stackNameHead(m.own.stackName, n)}-`),
        ),
    },
  },
];

/** Accepted by design: visible, narrowly matched, and (test/proof) required to keep occurring like the gaps. */
export const EXEMPTIONS: readonly KnownGap[] = [
  {
    id: 'generated-function-role-pass',
    status: 'exemption',
    kind: 'design-limitation',
    suite: 'allow-deny',
    match: {
      entries: ['0313'],
      roles: DEV,
      variants: ['own'],
      fixtures: ['08-tracing-iam'],
      actions: ['iam:PassRole'],
      resource: /:role\/billing-dev-AuditRole-[A-Z0-9]+$/,
      expected: 'Allowed',
    },
    finding:
      "Function audit of 08-tracing-iam runs as AuditRole, an AWS::IAM::Role of the service's resources: section without RoleName, so CloudFormation names it billing-dev-AuditRole-<suffix>. An update deploy that changes audit's configuration makes CloudFormation pass that role again (0313: iam:PassRole to lambda.amazonaws.com on role/billing-dev-AuditRole-A1B2C3D4E5F6G), which is Denied for developer and ci: iam.pass-execution-roles names only the macro's role, <service>-<stage>-*-lambdaRole and ExecutionRoleNames, and a generated name is not known before the first deploy. admin passes it through the stack (iam.pass-framework-roles: role/<service>-<stage>-*, only via CloudFormation, only to Lambda), as admin created it.",
    proposedFix:
      'Give the role a name and list it: AuditRole.Properties.RoleName: billing-${sls:stage}-audit plus ExecutionRoleNames: [billing-<stage>-audit] on the Access resource (asserted in "fixed findings stay fixed": then developer and ci pass it to Lambda, and nothing of another stage). Or list the generated physical name in ExecutionRoleNames after the first deploy.',
    decision:
      "Accepted: developer and ci pass only roles named in advance. Widening iam.pass-execution-roles back to role/<service>-<stage>-* would again cover the framework's custom-resource role (<stack>-IamRoleCustomResources… when the stack is <service>-<stage>) and any role admin adds to the stack. Residual: with an unnamed function role, an update deploy that changes that function's configuration needs admin.",
  },
  {
    id: 'event-rule-create',
    status: 'exemption',
    kind: 'iam-indistinguishable',
    suite: 'allow-deny',
    match: {
      entries: ['0440', '0465'],
      roles: DEV,
      variants: ['own'],
      actions: ['events:PutRule'],
      expected: 'Denied',
    },
    finding:
      'Creating a schedule or eventBridge rule (0440/0465: events:PutRule on rule/<name>, via CloudFormation) is the same request as updating it (0445/0470), which events.rules-update grants to all groups. So developer and ci can add event rules to their own stack, although the role line gives rule creation to admin.',
    proposedFix:
      'Making events:PutRule admin-only would take away developer schedule changes (update of an existing rule); IAM has no condition that tells PutRule create from update.',
    decision:
      'Accepted: PutRule create == update. Rules stay within rule/{GeneratedNameHeads}-* (the stack name as CloudFormation cuts it: 24 or 25 characters), rule/{Service}-{Stage}-* and rule/*/{Service}-{Stage}-* (other stages and services are Denied, asserted), and the rule can only target what the stack may already invoke. Residual: developers can add schedules/eventBridge triggers to their own functions.',
  },
  {
    id: 'subscription-filter-update',
    status: 'exemption',
    kind: 'iam-indistinguishable',
    suite: 'allow-deny',
    match: {
      entries: ['0549'],
      roles: DEV,
      variants: ['own'],
      fixtures: ['05-streams-s3-eventbridge'],
      expected: 'Allowed',
    },
    finding:
      "Changing a cloudwatchLog event's filter runs the SubscriptionFilter update handler: logs:PutSubscriptionFilter on log-group:/acme/app/dev (0549, via CloudFormation), the same request as creating the filter (0546, admin's). The catalog keeps both admin's (logs.subscription-filters-lifecycle), so developers cannot change a filter pattern.",
    proposedFix:
      'Granting it to all groups via CloudFormation would let developers subscribe their functions to any log group (the log group is named by another owner, no name scopes it).',
    decision:
      'Accepted: PutSubscriptionFilter create == update, kept admin-only by choice. Residual: a filter-pattern change needs an admin deploy.',
  },
  {
    id: 'long-name-bucket-pattern',
    status: 'exemption',
    kind: 'isolation',
    suite: 'allow-deny',
    match: {
      entries: ['0134', '0135', '0176', '0178', '0179', '0180', '0181', '0182', '0183'],
      roles: ['admin'],
      variants: OTHER,
      fixtures: ['10-long-names'],
      bucketModes: ['pattern'],
      expected: 'Denied',
    },
    finding:
      "Before the resolver has seen the bucket (pattern mode) s3.deployment-bucket-lifecycle grants admin s3:CreateBucket/PutEncryptionConfiguration/DeleteBucket (0134, 0135, 0176) and s3:PutBucketPolicy/DeleteBucketPolicy (0178-0183) on analytics-pipeline-proce-serverlessdeploymentbuck*, which is also the name pattern of stage integration's and of service analytics-pipeline-processor2's buckets (stack names longer than 24 characters are cut to the same head). In observed mode the bucket is exact and all of it is Denied (asserted); event buckets no longer get bucket policies at all (asserted).",
    proposedFix:
      'Only CreateBucket/PutEncryptionConfiguration/PutBucketPolicy on a bucket that does not exist yet are needed before the first deploy; the rest could wait for the exact name.',
    decision:
      'Accepted: long-name bucket-pattern collision before the exact name is resolved (admin bucket-level actions only; objects stay stage-exact by key, asserted). Documented: after the first deploy change DeploymentBucketToken so the resolver narrows to the exact name.',
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      match: (r, m) =>
        !!m.neighbour &&
        !m.own.deploymentBucket &&
        r.action.startsWith('s3:') &&
        /^arn:[^:]+:s3:::[^/]+$/.test(r.resource) &&
        bucketPrefixesCollide(m.own.stackName, m.neighbour.stackName),
    },
  },
  {
    id: 'long-stack-custom-resource-role-reads',
    status: 'exemption',
    kind: 'isolation',
    suite: 'allow-deny',
    match: {
      entries: ['0260', '0261', '0278', '0279', '0280'],
      roles: ALL,
      variants: OTHER,
      fixtures: ['10-long-names'],
      actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
      expected: 'Denied',
    },
    finding:
      "iam.read-execution-roles grants role/{StackNameHead}-IamRoleCustomResources*; for stacks longer than 24 characters that also names the sibling stacks' custom-resource roles (role/analytics-pipeline-proce-IamRoleCustomResourcesLam-Q7R8S9T0U1V2W of stage integration / development2 / service analytics-pipeline-processor2): GetRole, GetRolePolicy, ListAttachedRolePolicies, ListRolePolicies (0260, 0261, 0278-0280).",
    proposedFix: 'The resolved physical role name (see long-stack-custom-resource-role-collision) would make it exact.',
    decision:
      "Accepted as a long-name collision like the bucket pattern: read-only, the role's policy is the framework's generated one (no secrets), and CloudFormation generates the name so no pattern can tell the stacks apart. The WRITES and PassRole on the same roles are not accepted: gap long-stack-custom-resource-role-collision.",
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      roles: ['developer', 'ci'],
      match: (r, m) =>
        !!m.neighbour &&
        /^iam:(Get|List)/.test(r.action) &&
        /:role\/[^/]*-IamRoleCustomResources/.test(r.resource) &&
        [24, 25].some((n) => stackNameHead(m.own.stackName, n) === stackNameHead(m.neighbour?.stackName ?? '', n)),
    },
  },
  {
    id: 'role-without-permissions-boundary',
    status: 'exemption',
    kind: 'intended',
    finding:
      "With PermissionsBoundary (fixture 08: provider.iam.role.permissionsBoundary), admin may write the service's roles only " +
      "while they carry that boundary (iam.execution-roles-bounded). Fixture 08's own AuditRole (resources:) has none, so " +
      "CloudFormation cannot create or delete it with admin's credentials: the service must give AuditRole the boundary too.",
    run: {
      waives: 'allow',
      targets: ['own'],
      roles: ['admin'],
      match: (r, m) =>
        m.own.accessProperties.PermissionsBoundary !== 'none' &&
        /^iam:(CreateRole|DeleteRole|PutRolePolicy|DeleteRolePolicy|AttachRolePolicy|DetachRolePolicy|UpdateAssumeRolePolicy|PutRolePermissionsBoundary)$/.test(
          r.action,
        ) &&
        r.context['iam:PermissionsBoundary'] === undefined,
    },
  },
  {
    id: 'apigateway-random-ids',
    status: 'exemption',
    kind: 'non-scopable',
    finding:
      "API Gateway ids are random: no ARN names this service's API in advance. REST APIs, their children, API keys and " +
      'usage plans are scoped by the stack tag CloudFormation stamps; what stays open is reads of REST APIs and the list of ' +
      'usage plans (region-wide, no key values), writes to HTTP/WebSocket API children where AWS leaves the API tag out ' +
      '(the catalog holds them with StringLikeIfExists on it, only through CloudFormation; the proof sends a neighbour ' +
      'API no tag) and tag writes ' +
      "on another service's REST stage of the same stage name (/tags/ ARNs take no resource tag).",
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      match: (r) =>
        r.action.startsWith('apigateway:') &&
        ((r.action === 'apigateway:GET' && /::\/(restapis|usageplans)(\/|$)/.test(r.resource)) ||
          /::\/(apis|tags)\//.test(r.resource)),
    },
  },
  {
    id: 'event-source-mapping-uuids',
    status: 'exemption',
    kind: 'non-scopable',
    finding:
      'Event source mappings are named by random UUIDs; reads of them are not scopable (writes are, by lambda:FunctionArn).',
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      match: (r) => r.action === 'lambda:GetEventSourceMapping',
    },
  },
  {
    id: 'user-named-via-cloudformation',
    status: 'exemption',
    kind: 'non-scopable',
    finding:
      'SQS queues and Kinesis consumers keep the names the user wrote in serverless.yml, so creating and deleting them ' +
      'is granted on any name, only through CloudFormation (aws:CalledVia; sqs.queues-lifecycle, kinesis.stream-consumers); ' +
      'SNS topics, EventBridge buses and s3 event buckets are granted by name (<service>-<stage>-* and TopicNames, ' +
      'EventBusNames, EventBucketNames). CloudFormation acts only on resources of a stack the group may change, and ' +
      "import is refused, so a neighbour's resource is reachable only by name collision, which AWS rejects.",
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      match: (r) =>
        viaCfn(r) &&
        (['sns', 'sqs', 'kinesis'].includes(arnService(r)) ||
          /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\//.test(r.resource) ||
          (arnService(r) === 's3' && /^arn:[^:]+:s3:::[^/]+$/.test(r.resource))),
    },
  },
  {
    id: 'random-ids-via-cloudformation',
    status: 'exemption',
    kind: 'non-scopable',
    finding:
      'CloudFront distributions and cache policies, Cognito user pools, IoT topic rules and provisioning templates get ' +
      'random ids or CloudFormation-generated names, and AWS documents no resource-tag condition on their writes; ELBv2 ' +
      'target groups are named by an md5 and carry no tag before they exist. The catalog grants them on any id, only ' +
      'through CloudFormation (cloudfront.*, cognito.*, iot.*, elbv2.target-groups-create), and only to services listing ' +
      'the event type in Events: CloudFormation updates and deletes only resources of a stack the group may change.',
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      match: (r) =>
        viaCfn(r) &&
        (['cloudfront', 'cognito-idp', 'iot'].includes(arnService(r)) ||
          (r.action === 'elasticloadbalancing:CreateTargetGroup' && / \(create\)$/.test(r.origin))),
    },
  },
  {
    id: 'foreign-log-group-subscriptions',
    status: 'exemption',
    kind: 'non-scopable',
    finding:
      'cloudwatchLog events subscribe to a log group another owner names; filters are granted on any log group (reads directly, writes through CloudFormation).',
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      match: (r) =>
        /^logs:(DescribeSubscriptionFilters|PutSubscriptionFilter|DeleteSubscriptionFilter)$/.test(r.action),
    },
  },
  {
    id: 'shared-custom-deployment-bucket',
    status: 'exemption',
    kind: 'non-scopable',
    finding:
      'A custom deployment bucket (provider.deploymentBucket) is shared by design; bucket-level reads match every service using it. Object keys stay exact.',
    run: {
      waives: 'deny',
      targets: NEIGHBOURS,
      match: (r, m) =>
        !!m.own.deploymentBucket &&
        m.own.deploymentBucket === m.neighbour?.deploymentBucket &&
        /^arn:[^:]+:s3:::[^/]+$/.test(r.resource),
    },
  },
];

/** Every finding: open gaps first, then the accepted exemptions. */
export const FINDINGS: readonly KnownGap[] = [...KNOWN_GAPS, ...EXEMPTIONS];

// ---- test/proof: the allow/deny and escalation suites ------------------------------------------------------

/** The findings the test/proof suites observe. */
export const EXPECTED_MISMATCHES: readonly (KnownGap & Required<Pick<KnownGap, 'suite' | 'match'>>)[] = FINDINGS.filter(
  (g): g is KnownGap & Required<Pick<KnownGap, 'suite' | 'match'>> => !!g.suite && !!g.match,
);

function matches(gap: KnownGap & Required<Pick<KnownGap, 'suite' | 'match'>>, m: Mismatch): boolean {
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

/** The gap or exemption that explains `m`, if any. */
export function knownGapFor(m: Mismatch): KnownGap | undefined {
  return EXPECTED_MISMATCHES.find((g) => matches(g, m));
}

// ---- npm run prove -----------------------------------------------------------------------------------------

/** A finding as npm run prove's report shows it: gap, intended or non-scopable. */
export interface Exception extends NonNullable<KnownGap['run']> {
  readonly id: string;
  readonly kind: 'gap' | 'intended' | 'non-scopable';
  readonly reason: string;
  readonly catalogEntry?: string;
  readonly fix?: string;
}

export const EXCEPTIONS: readonly Exception[] = FINDINGS.filter((g) => g.run).map((g) => ({
  ...g.run!,
  id: g.id,
  kind: g.status === 'gap' ? 'gap' : g.kind === 'intended' ? 'intended' : 'non-scopable',
  reason: g.finding,
  ...(g.catalogEntry ? { catalogEntry: g.catalogEntry } : {}),
  ...(g.proposedFix ? { fix: g.proposedFix } : {}),
}));

export const EXCEPTION_BY_ID: ReadonlyMap<string, Exception> = new Map(EXCEPTIONS.map((x) => [x.id, x]));
