/**
 * The allow/deny proof: for each fixture service, every Serverless Framework call that applies to it
 * (sls-api-calls.json, selected as in scripts/lib/prove/calls.ts) is simulated against the policies the macro gives each
 * group (policies.ts), for
 *   - the group's own service and stage, against the role line (role-matrix.ts MATRIX), and
 *   - another stage (the fixture's second stage, plus prefix collisions dev2/development) and another
 *     service (<service>2), where everything must be Denied except identical requests and the documented
 *     NON_SCOPABLE reads and own-stack CloudFormation handlers.
 * The policies are those of the Access resource the service needs (functions/core/service-config.ts accessPropertiesOf: FunctionNames,
 * LayerNames, ExecutionRoleNames, DeploymentRoleArn, PermissionsBoundary read off its serverless.yml).
 * Mismatches listed in known-gaps.ts (open gaps and documented exemptions) are expected; any other mismatch
 * fails, and so does a listed gap or exemption that no longer occurs. Findings the catalog has fixed are
 * asserted by name in "fixed findings stay fixed"; PermissionsBoundary has its own block.
 * PROOF_REPORT=1 prints counts, identical/non-scopable requests, exemptions and gaps.
 */
import { generatedBucketName, matchesBucketNamePattern } from '../../functions/core/deployment-bucket';
import { GROUP_ROLES, type GroupRole } from '../../functions/catalog/types';
import {
  accessPropertiesOf,
  ARTIFACT_DIR,
  BOUNDARY_KEYED_ROLE_WRITES,
  concretize,
  fixtureInfo,
  loadCatalog,
  loadModel,
  loadTemplate,
  namesOf,
  OTHER_SUFFIXES,
  OUT_OF_SCOPE,
  OWN_SUFFIXES,
  PARTITION,
  selectCalls,
  type ConcreteCall,
  type Names,
  type Selection,
  type ServiceModel,
  type Template,
  type VariantKind,
} from '../../scripts/lib/prove/calls';
import { EXPECTED_MISMATCHES, knownGapFor, type KnownGap, type Mismatch } from '../../scripts/lib/prove/known-gaps';
import { policiesFor, type ProofPolicies } from '../../scripts/lib/prove/policies';
import { expectationFor, NON_SCOPABLE } from '../../scripts/lib/prove/role-matrix';
import {
  ACCOUNT_ID,
  PRINCIPAL,
  simulate,
  simulationsRun,
  unvalidatedRun,
  type Decision,
  type PolicyDoc,
  type SimRequest,
} from '../../scripts/lib/prove/simulate';

type BucketMode = 'observed' | 'pattern' | 'custom';

/** Fixtures under proof, and the deployment-bucket states their policies are proven in. */
const FIXTURES: readonly { dir: string; modes: readonly BucketMode[] }[] = [
  { dir: '01-basic', modes: ['observed', 'pattern'] },
  { dir: '02-http-api', modes: ['observed'] },
  { dir: '03-rest-api', modes: ['observed'] },
  { dir: '04-queues-topics-schedule', modes: ['observed'] },
  { dir: '05-streams-s3-eventbridge', modes: ['observed'] },
  { dir: '06-layer', modes: ['observed'] },
  { dir: '07-vpc', modes: ['observed'] },
  { dir: '08-tracing-iam', modes: ['observed'] },
  { dir: '09-custom-deployment-bucket', modes: ['custom'] },
  { dir: '10-long-names', modes: ['observed', 'pattern'] },
  { dir: '11-custom-stack-name', modes: ['observed'] },
];

interface Variant {
  readonly kind: VariantKind;
  readonly label: string;
  readonly names: Names;
}

interface FixtureRun {
  readonly model: ServiceModel;
  readonly own: Names;
  readonly template: Template;
  readonly selection: Selection;
  readonly variants: readonly Variant[];
  readonly policies: Map<BucketMode, ProofPolicies>;
}

// ---- bookkeeping shared by all tests of this file ---------------------------------------------------------
const mismatches: { m: Mismatch; gap?: string }[] = [];
const exemptions = new Map<string, number>();
type Counts = Record<'own' | VariantKind, { Allowed: number; Denied: number }>;
const counts = new Map<string, Counts>();
const fixturesRun = new Set<string>();

function count(key: string, kind: 'own' | VariantKind, decision: 'Allowed' | 'Denied') {
  if (!counts.has(key))
    counts.set(key, {
      own: { Allowed: 0, Denied: 0 },
      'other-stage': { Allowed: 0, Denied: 0 },
      'other-service': { Allowed: 0, Denied: 0 },
    });
  (counts.get(key) as Counts)[kind][decision]++;
}

function describeMismatch(m: Mismatch): string {
  return `${m.fixture} [${m.bucketMode}] ${m.role} ${m.variantLabel} entry ${m.entry}: ${m.action} ${m.resource} ${JSON.stringify(pick(m.context))} expected ${m.expected}, got ${m.actual}${m.sids.length ? ` (${m.sids.join(', ')})` : ''}`;
}

function pick(context: Readonly<Record<string, string | string[]>>) {
  return Object.fromEntries(
    Object.entries(context).filter(
      ([k]) =>
        !/^aws:(RequestedRegion|SecureTransport|PrincipalArn|PrincipalAccount|CalledViaFirst|CalledViaLast|ViaAWSService)$/.test(
          k,
        ),
    ),
  );
}

function record(m: Mismatch): string | undefined {
  const gap = knownGapFor(m);
  mismatches.push({ m, gap: gap?.id });
  return gap ? undefined : describeMismatch(m);
}

const sameRequest = (a: SimRequest, b: SimRequest) =>
  a.action === b.action && a.resource === b.resource && JSON.stringify(a.context) === JSON.stringify(b.context);

/** Would the call be Denied as a direct CLI call (no aws:CalledVia)? Then only CloudFormation can make it. */
async function onlyThroughCloudFormation(policies: readonly PolicyDoc[], call: ConcreteCall): Promise<boolean> {
  if (call.entry.via !== 'cloudformation-on-behalf') return false;
  const context = Object.fromEntries(
    Object.entries(call.request.context).filter(([k]) => !k.startsWith('aws:CalledVia')),
  );
  context['aws:ViaAWSService'] = 'false';
  return (await simulate(policies, { ...call.request, context })).decision === 'Denied';
}

async function load(dir: string): Promise<FixtureRun> {
  const info = fixtureInfo(dir);
  const [stage, otherStage] = info.stages;
  const model = loadModel(dir, stage);
  const own = namesOf(model, OWN_SUFFIXES);
  const template = loadTemplate(dir, stage);
  const selection = selectCalls(own, template);
  const variant = (kind: VariantKind, label: string, m: ServiceModel): Variant => ({
    kind,
    label,
    names: namesOf(m, OTHER_SUFFIXES),
  });
  const variants: Variant[] = [
    variant('other-stage', `other-stage:${otherStage}`, loadModel(dir, otherStage)),
    variant('other-service', `other-service:${model.service}2`, loadModel(dir, stage, `${model.service}2`)),
  ];
  // Prefix collisions: a stage whose name starts with the own stage's.
  for (const s of stage === 'dev' ? ['dev2', 'development'] : [`${stage}2`])
    variants.push(variant('other-stage', `other-stage:${s}`, loadModel(dir, s)));
  const policies = new Map<BucketMode, ProofPolicies>();
  const fixture = FIXTURES.find((f) => f.dir === dir);
  for (const mode of fixture?.modes ?? []) policies.set(mode, await fixturePolicies(model, own, mode));
  return { model, own, template, selection, variants, policies };
}

/**
 * The groups' policies for the fixture's own service+stage: the Access resource a platform team would write
 * for it (accessPropertiesOf: FunctionNames, LayerNames, ExecutionRoleNames, DeploymentRoleArn, PermissionsBoundary where the
 * serverless.yml needs them), in one deployment-bucket state.
 */
function fixturePolicies(
  model: ServiceModel,
  own: Names,
  mode: BucketMode,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<ProofPolicies> {
  return policiesFor({
    serviceName: model.service,
    stage: model.stage,
    region: model.region,
    stackName: model.stackName !== `${model.service}-${model.stage}` ? model.stackName : undefined,
    deploymentBucket: model.customBucket,
    deploymentPrefix: model.deploymentPrefix !== 'serverless' ? model.deploymentPrefix : undefined,
    observedBucketName: mode === 'observed' ? own.global.BucketName : undefined,
    extraProperties: { ...accessPropertiesOf(model), ...extra },
  });
}

// ---- names: the model of serverless.yml against the osls-generated templates ------------------------------
function checkNamesAgainstTemplate(dir: string, stage: string): string[] {
  const m = loadModel(dir, stage);
  const n = namesOf(m, OWN_SUFFIXES);
  const t = loadTemplate(dir, stage).Resources;
  const problems: string[] = [];
  const expectEq = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected)
      problems.push(
        `${dir}/${stage} ${what}: template has ${JSON.stringify(actual)}, the model derives ${JSON.stringify(expected)}`,
      );
  };
  const derived = (key: string) => new Set([...n.instances.values()].map((b) => b[key]).filter(Boolean));
  for (const f of m.functions) {
    expectEq(`function ${f.key}`, t[`${f.norm}LambdaFunction`]?.Properties?.FunctionName, f.name);
    if (t[`${f.norm}LogGroup`])
      expectEq(`log group of ${f.key}`, t[`${f.norm}LogGroup`].Properties?.LogGroupName, `/aws/lambda/${f.name}`);
  }
  const role = t.IamRoleLambdaExecution?.Properties?.RoleName;
  if (role !== undefined) {
    const name =
      typeof role === 'string'
        ? role
        : (role['Fn::Join'][1] as unknown[])
            .map((p) => (typeof p === 'string' ? p : m.region))
            .join(role['Fn::Join'][0]);
    expectEq('execution role', name, m.executionRoleName);
  }
  for (const [id, r] of Object.entries(t)) {
    const p = r.Properties ?? {};
    const inSet = (what: string, value: unknown, set: Set<string>) => {
      if (typeof value === 'string' && !set.has(value))
        problems.push(`${dir}/${stage} ${what} ${id}: ${value} is not among the derived names ${[...set].join(', ')}`);
    };
    if (id.startsWith('CustomDashresource') && r.Type === 'AWS::Lambda::Function')
      inSet('custom-resource function', p.FunctionName, derived('CustomResourceFunctionName'));
    if (r.Type === 'AWS::Events::Rule' && p.Name)
      inSet('event rule', p.Name, new Set([...derived('ScheduleRuleName'), ...derived('EventBridgeRuleName')]));
    if (r.Type === 'AWS::Events::Rule' && p.EventBusName)
      inSet('rule bus', `${p.EventBusName}/`, derived('EventBusPath'));
    if (r.Type === 'AWS::Events::EventBus') inSet('event bus', p.Name, derived('EventBusName'));
    if (r.Type === 'AWS::SNS::Topic') inSet('topic', p.TopicName, derived('TopicName'));
    if (r.Type === 'AWS::S3::Bucket' && id.startsWith('S3Bucket'))
      inSet('event bucket', p.BucketName, derived('EventBucketName'));
    if (r.Type === 'AWS::Lambda::LayerVersion') inSet('layer', p.LayerName, derived('LayerName'));
    if (r.Type === 'AWS::Logs::SubscriptionFilter')
      inSet('subscribed log group', p.LogGroupName, derived('SubscribedLogGroupName'));
    if (r.Type === 'AWS::Kinesis::StreamConsumer') inSet('stream consumer', p.ConsumerName, derived('ConsumerName'));
    if (['HttpApiLogGroup', 'ApiGatewayLogGroup', 'WebsocketsLogGroup'].includes(id))
      inSet('API log group', p.LogGroupName, derived('ApiLogGroupName'));
  }
  return problems;
}

// ---- the proof ---------------------------------------------------------------------------------------------
describe.each(FIXTURES.map((f) => [f.dir, f] as const))('%s', (dir, fixture) => {
  let run: FixtureRun;

  beforeAll(async () => {
    run = await load(dir);
  });

  test('the serverless.yml model gives the names of the osls templates (both stages)', () => {
    const { stages } = fixtureInfo(dir);
    expect(stages.flatMap((s) => checkNamesAgainstTemplate(dir, s))).toEqual([]);
  });

  test('every catalog entry is selected, excluded by its condition or resource group, or out of scope by a documented rule', () => {
    const { selection, model } = run;
    const accounted = new Set([
      ...selection.selected.map((s) => s.entry.id),
      ...selection.excluded.map((e) => e.entry.id),
    ]);
    expect(
      loadCatalog()
        .filter((e) => !accounted.has(e.id))
        .map((e) => e.id),
    ).toEqual([]);
    expect(selection.selected.length).toBeGreaterThan(0);
    for (const e of selection.excluded.filter((x) => x.why === 'out-of-scope'))
      expect(OUT_OF_SCOPE.map((r) => r.id)).toContain(e.rule);
    // Template resources no catalog group covers must be the service's own `resources:` (not in the catalog).
    expect(selection.uncoveredTemplateResources.filter((id) => !(id in model.resources))).toEqual([]);
  });

  describe.each(fixture.modes.map((m) => [m] as const))('deployment bucket %s', (mode) => {
    test.each(GROUP_ROLES.map((r) => [r] as const))(
      'own service and stage: %s follows the role matrix',
      async (role) => {
        fixturesRun.add(`${dir}|${mode}|own|${role}`);
        const policies = (run.policies.get(mode) as ProofPolicies).groups[role];
        const unexplained: string[] = [];
        for (const sel of run.selection.selected) {
          const call = concretize(sel, run.own, 'own', 'own');
          const r = await simulate(policies, call.request);
          count(`${dir}|${mode}|${role}`, 'own', r.decision);
          const { expect: want } = expectationFor(sel.entry, role, call);
          if (want === 'Unasserted' || want === r.decision) continue;
          const problem = record(mismatchOf(dir, mode, role, call, want, r.decision, r.allowSids));
          if (problem) unexplained.push(problem);
        }
        expect(unexplained).toEqual([]);
      },
    );

    test.each(GROUP_ROLES.map((r) => [r] as const))('other stages and services: %s is denied', async (role) => {
      fixturesRun.add(`${dir}|${mode}|other|${role}`);
      const policies = (run.policies.get(mode) as ProofPolicies).groups[role];
      const unexplained: string[] = [];
      for (const v of run.variants) {
        for (const sel of run.selection.selected) {
          const own = concretize(sel, run.own, 'own', 'own');
          const call = concretize(sel, v.names, v.kind, v.label);
          const r = await simulate(policies, call.request);
          count(`${dir}|${mode}|${role}`, v.kind, r.decision);
          if (r.decision === 'Denied') continue;
          if (sameRequest(own.request, call.request)) {
            bump(
              `identical-request: ${call.request.action} ${call.request.resource === '*' ? '(*-only)' : call.request.resource}`,
            );
            continue;
          }
          const ctx = {
            onlyThroughCloudFormation: await onlyThroughCloudFormation(policies, call),
            bucketMode: mode === 'pattern' ? ('pattern' as const) : ('observed' as const),
          };
          const ns = NON_SCOPABLE.find((row) => row.applies(call, role, ctx));
          if (ns) {
            bump(`non-scopable ${ns.id}: ${call.request.action}`);
            continue;
          }
          const problem = record(mismatchOf(dir, mode, role, call, 'Denied', 'Allowed', r.allowSids));
          if (problem) unexplained.push(problem);
        }
      }
      expect(unexplained).toEqual([]);
    });
  });
});

function bump(key: string) {
  exemptions.set(key, (exemptions.get(key) ?? 0) + 1);
}

function mismatchOf(
  fixture: string,
  mode: string,
  role: GroupRole,
  call: ConcreteCall,
  expected: 'Allowed' | 'Denied',
  actual: 'Allowed' | 'Denied',
  sids: readonly string[],
): Mismatch {
  return {
    suite: 'allow-deny',
    fixture,
    bucketMode: mode,
    role,
    variant: call.variant,
    variantLabel: call.variantLabel,
    entry: call.entry.id,
    action: call.request.action,
    resource: call.request.resource,
    context: call.request.context,
    expected,
    actual,
    sids,
  };
}

// ---- explicit cases the brief names --------------------------------------------------------------------------
describe('prefix collisions and long names', () => {
  const region = 'us-east-1';
  const lambda = (fn: string) => `arn:${PARTITION}:lambda:${region}:${ACCOUNT_ID}:function:${fn}`;
  const cli = { 'aws:RequestedRegion': region, 'aws:SecureTransport': 'true', 'aws:ViaAWSService': 'false' };

  test.each(['observed', 'pattern'] as const)(
    '01-basic, bucket %s: stage dev reaches nothing of dev2 or development',
    async (mode) => {
      const ownBucket = generatedBucketName('orders-dev', OWN_SUFFIXES.bucketSuffix);
      const policies = await policiesFor({
        serviceName: 'orders',
        stage: 'dev',
        observedBucketName: mode === 'observed' ? ownBucket : undefined,
      });
      const requests: SimRequest[] = [];
      for (const other of ['dev2', 'development']) {
        const otherBucket = generatedBucketName(`orders-${other}`, OTHER_SUFFIXES.bucketSuffix);
        const key = `serverless/orders/${other}/${ARTIFACT_DIR}/orders.zip`;
        requests.push(
          { action: 'lambda:UpdateFunctionCode', resource: lambda(`orders-${other}-create`), context: cli },
          { action: 'lambda:InvokeFunction', resource: lambda(`orders-${other}-create`), context: cli },
          {
            action: 'logs:FilterLogEvents',
            resource: `arn:${PARTITION}:logs:${region}:${ACCOUNT_ID}:log-group:/aws/lambda/orders-${other}-create`,
            context: cli,
          },
          {
            action: 'cloudformation:CreateChangeSet',
            resource: `arn:${PARTITION}:cloudformation:${region}:${ACCOUNT_ID}:stack/orders-${other}/0f0f0f0f-0000-4000-8000-000000000000`,
            context: { ...cli, 'cloudformation:ChangeSetName': `orders-${other}-change-set` },
          },
          {
            action: 'iam:PassRole',
            resource: `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/orders-${other}-us-east-1-lambdaRole`,
            context: { ...cli, 'iam:PassedToService': 'lambda.amazonaws.com' },
          },
          // the other stage's keys, in the own bucket and in its own bucket
          { action: 's3:GetObject', resource: `arn:${PARTITION}:s3:::${ownBucket}/${key}`, context: cli },
          { action: 's3:PutObject', resource: `arn:${PARTITION}:s3:::${otherBucket}/${key}`, context: cli },
          {
            action: 's3:ListBucket',
            resource: `arn:${PARTITION}:s3:::${ownBucket}`,
            context: { ...cli, 's3:prefix': `serverless/orders/${other}/` },
          },
        );
      }
      for (const role of GROUP_ROLES) {
        const allowed: string[] = [];
        for (const req of requests)
          if ((await simulate(policies.groups[role], req)).decision === 'Allowed')
            allowed.push(`${req.action} ${req.resource}`);
        expect({ role, allowed }).toEqual({ role, allowed: [] });
      }
    },
  );

  test("10-long-names, bucket pattern: the stages share the bucket-name pattern, yet integration's objects stay denied", async () => {
    const region2 = 'ap-southeast-2';
    const service = 'analytics-pipeline-processor';
    const policies = await policiesFor({ serviceName: service, stage: 'development', region: region2 });
    const pattern = policies.bucket?.BucketNamePattern ?? '';
    const own = generatedBucketName(`${service}-development`, OWN_SUFFIXES.bucketSuffix);
    const other = generatedBucketName(`${service}-integration`, OTHER_SUFFIXES.bucketSuffix);
    // The collision is real: both generated names fall under the one pattern the resolver starts from.
    expect(matchesBucketNamePattern(own, pattern)).toBe(true);
    expect(matchesBucketNamePattern(other, pattern)).toBe(true);
    const ctx = { 'aws:RequestedRegion': region2, 'aws:SecureTransport': 'true', 'aws:ViaAWSService': 'false' };
    const key = `serverless/${service}/integration/${ARTIFACT_DIR}`;
    const requests: SimRequest[] = [
      ...['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectVersion', 's3:DeleteObjectVersion'].flatMap(
        (action) => [
          { action, resource: `arn:${PARTITION}:s3:::${other}/${key}/${service}.zip`, context: ctx },
          {
            action,
            resource: `arn:${PARTITION}:s3:::${other}/${key}/compiled-cloudformation-template.json`,
            context: ctx,
          },
          { action, resource: `arn:${PARTITION}:s3:::${own}/${key}/${service}.zip`, context: ctx },
        ],
      ),
      {
        action: 's3:ListBucket',
        resource: `arn:${PARTITION}:s3:::${other}`,
        context: { ...ctx, 's3:prefix': `serverless/${service}/integration/` },
      },
      {
        action: 's3:ListBucketVersions',
        resource: `arn:${PARTITION}:s3:::${other}`,
        context: { ...ctx, 's3:prefix': `serverless/${service}/integration/` },
      },
    ];
    for (const role of GROUP_ROLES) {
      const allowed: string[] = [];
      for (const req of requests)
        if ((await simulate(policies.groups[role], req)).decision === 'Allowed')
          allowed.push(`${req.action} ${req.resource}`);
      expect({ role, allowed }).toEqual({ role, allowed: [] });
    }
  });
});

// ---- fixed findings stay fixed ------------------------------------------------------------------------------------
// Findings of the first proof run that the catalog has fixed, asserted positively so that they cannot come back.
// (The per-fixture tests above assert the same through the catalog entries; these name the finding.)

type Want = Readonly<Partial<Record<GroupRole, Decision>>>;
interface Probe {
  readonly label: string;
  readonly request: SimRequest;
  readonly want: Want;
}
const everyone = (d: Decision): Want => ({ admin: d, developer: d, ci: d });
const ADMIN_ONLY: Want = { admin: 'Allowed', developer: 'Denied', ci: 'Denied' };
const DEVELOPERS_DENIED: Want = { developer: 'Denied', ci: 'Denied' };

function contextOf(region: string, via: 'cli' | 'cloudformation'): Record<string, string | string[]> {
  return {
    'aws:RequestedRegion': region,
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': via === 'cli' ? 'false' : 'true',
    'aws:PrincipalArn': PRINCIPAL,
    'aws:PrincipalAccount': ACCOUNT_ID,
    ...(via === 'cloudformation'
      ? {
          'aws:CalledVia': ['cloudformation.amazonaws.com'],
          'aws:CalledViaFirst': 'cloudformation.amazonaws.com',
          'aws:CalledViaLast': 'cloudformation.amazonaws.com',
        }
      : {}),
  };
}

/** The decisions that differ from `want`, one line each (roles `want` leaves out are not asserted). */
async function wrongDecisions(policies: ProofPolicies, probes: readonly Probe[]): Promise<string[]> {
  expect(probes.length).toBeGreaterThan(0);
  const out: string[] = [];
  for (const p of probes) {
    for (const role of GROUP_ROLES) {
      const want = p.want[role];
      if (!want) continue;
      const r = await simulate(policies.groups[role], p.request);
      if (r.decision !== want)
        out.push(
          `${role} ${p.label}: ${p.request.action} ${p.request.resource} expected ${want}, got ${r.decision}${r.allowSids.length ? ` (${r.allowSids.join(', ')})` : ''}`,
        );
    }
  }
  return out;
}

interface FixtureUnderTest {
  readonly model: ServiceModel;
  readonly own: Names;
  readonly policies: ProofPolicies;
  /** The same serverless.yml for another stage or service, with CloudFormation's other generated suffixes. */
  readonly other: (stage: string, service?: string) => Names;
}

async function fixtureUnderTest(dir: string, extra: Readonly<Record<string, unknown>> = {}): Promise<FixtureUnderTest> {
  const [stage] = fixtureInfo(dir).stages;
  const model = loadModel(dir, stage);
  const own = namesOf(model, OWN_SUFFIXES);
  return {
    model,
    own,
    policies: await fixturePolicies(model, own, 'observed', extra),
    other: (s, svc) => namesOf(loadModel(dir, s, svc), OTHER_SUFFIXES),
  };
}

const bindingsOf = (names: Names, prefix: string) =>
  [...names.instances].filter(([k]) => k.startsWith(prefix)).map(([, b]) => b);

describe('fixed findings stay fixed', () => {
  test('first-deploy-change-set: only admin creates the stack from a TemplateBody change set (0023); update change sets need the TemplateURL', async () => {
    const f = await fixtureUnderTest('01-basic');
    const g = f.own.global;
    const stack = `arn:${PARTITION}:cloudformation:${g.Region}:${ACCOUNT_ID}:stack/${g.StackName}/${g.StackId}`;
    const base = { ...contextOf(g.Region, 'cli'), 'cloudformation:ChangeSetName': `${g.StackName}-change-set` };
    const templateUrl = `https://s3.amazonaws.com/${g.BucketName}/serverless/${g.Service}/${g.Stage}/${ARTIFACT_DIR}/compiled-cloudformation-template.json`;
    const probes: Probe[] = [
      {
        label: 'TemplateBody (first deploy)',
        request: { action: 'cloudformation:CreateChangeSet', resource: stack, context: base },
        want: ADMIN_ONLY,
      },
      {
        label: 'TemplateURL (update, rollback)',
        request: {
          action: 'cloudformation:CreateChangeSet',
          resource: stack,
          context: { ...base, 'cloudformation:TemplateUrl': templateUrl },
        },
        want: everyone('Allowed'),
      },
      {
        label: 'TemplateURL with a resource import',
        request: {
          action: 'cloudformation:CreateChangeSet',
          resource: stack,
          context: {
            ...base,
            'cloudformation:TemplateUrl': templateUrl,
            'cloudformation:ImportResourceTypes': ['AWS::S3::Bucket'],
          },
        },
        want: everyone('Denied'),
      },
    ];
    expect(await wrongDecisions(f.policies, probes)).toEqual([]);
  });

  test.each(['04-queues-topics-schedule', '05-streams-s3-eventbridge'])(
    'rule-and-schedule-stack-prefix (%s): rules and schedules are <stack>-*, so dev reaches none of dev2, development, prod or another service',
    async (dir) => {
      const f = await fixtureUnderTest(dir);
      const region = f.model.region;
      const rule = (b: Record<string, string>) =>
        `arn:${PARTITION}:events:${region}:${ACCOUNT_ID}:rule/${b.EventBusPath ?? ''}${b.ScheduleRuleName ?? b.EventBridgeRuleName}`;
      const schedule = (b: Record<string, string>) =>
        `arn:${PARTITION}:scheduler:${region}:${ACCOUNT_ID}:schedule/default/${b.SchedulerScheduleName}`;
      const cfn = contextOf(region, 'cloudformation');
      const probesFor = (names: Names, want: (action: string) => Want): Probe[] => [
        ...[...bindingsOf(names, 'schedule:'), ...bindingsOf(names, 'ebrule:')].flatMap((b) =>
          ['events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:DeleteRule'].map((action) => ({
            label: names.model.stage,
            // PutTargets names its targets: the stage's own function (events.rule-targets).
            request: {
              action,
              resource: rule(b),
              // PutRule carries the pattern's sources (none for a schedule): events.rules-put-*.
              context:
                action === 'events:PutTargets'
                  ? {
                      ...cfn,
                      'events:TargetArn': [
                        `arn:${PARTITION}:lambda:${region}:${ACCOUNT_ID}:function:${names.model.service}-${names.model.stage}-fn`,
                      ],
                    }
                  : action === 'events:PutRule' && b.EventSources
                    ? { ...cfn, 'events:source': b.EventSources.split('\n') }
                    : cfn,
            },
            want: want(action),
          })),
        ),
        ...bindingsOf(names, 'scheduler:').flatMap((b) =>
          ['scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'].map((action) => ({
            label: names.model.stage,
            request: { action, resource: schedule(b), context: cfn },
            want: want(action),
          })),
        ),
      ];
      const own = probesFor(f.own, (action) => (/Delete/.test(action) ? ADMIN_ONLY : everyone('Allowed')));
      const others = ['dev2', 'development', fixtureInfo(dir).stages[1]]
        .map((s) => f.other(s))
        .concat(f.other(f.model.stage, `${f.model.service}2`))
        .flatMap((n) => probesFor(n, () => everyone('Denied')));
      expect(own.length).toBeGreaterThan(0);
      expect(await wrongDecisions(f.policies, [...own, ...others])).toEqual([]);
    },
  );

  test.each([
    ['05-streams-s3-eventbridge', 'Denied'],
    ['04-queues-topics-schedule', 'Allowed'],
  ] as const)(
    'catch-all-event-rule (%s): a rule of the own stack matches only the sources of serverless.yml; one naming no source only beside schedules (%s)',
    async (dir, sourceless) => {
      const f = await fixtureUnderTest(dir);
      const region = f.model.region;
      const cfn = contextOf(region, 'cloudformation');
      // The own rule names: the eventBridge rules of 05, the named schedule rule of 04 (both <service>-<stage>-*).
      const names = [...bindingsOf(f.own, 'ebrule:'), ...bindingsOf(f.own, 'schedule:')].map(
        (b) => `${b.EventBusPath ?? ''}${b.ScheduleRuleName ?? b.EventBridgeRuleName}`,
      );
      expect(names.length).toBeGreaterThan(0);
      const probes: Probe[] = names.flatMap((name) => {
        const resource = `arn:${PARTITION}:events:${region}:${ACCOUNT_ID}:rule/${name}`;
        return [
          // {"account": [...]}: every event of the bus (other services', CloudTrail's).
          {
            label: 'no source',
            request: { action: 'events:PutRule', resource, context: cfn },
            want: everyone(sourceless),
          },
          {
            label: 'a source serverless.yml does not name',
            request: { action: 'events:PutRule', resource, context: { ...cfn, 'events:source': ['aws.cloudtrail'] } },
            want: everyone('Denied'),
          },
        ];
      });
      expect(await wrongDecisions(f.policies, probes)).toEqual([]);
    },
  );

  test('queue-policy-any-queue (04): everyone sets queue attributes and DLQ policies only on <service>-<stage>-* queues, only through CloudFormation', async () => {
    const f = await fixtureUnderTest('04-queues-topics-schedule');
    const queue = (name: string) => `arn:${PARTITION}:sqs:${f.model.region}:${ACCOUNT_ID}:${name}`;
    const cfn = contextOf(f.model.region, 'cloudformation');
    const [ownDlq] = bindingsOf(f.own, 'dlq:');
    // 04's dead-letter target AlertsDlq is named notifier-<stage>-alerts-dlq: it follows the pattern, so its
    // QueuePolicy (0543-0545) needs no exemption.
    expect(ownDlq.DlqQueueName).toBe(`${f.model.service}-${f.model.stage}-alerts-dlq`);
    const otherDlqs = [f.other('prod'), f.other('dev2'), f.other('development'), f.other('dev', 'notifier2')].flatMap(
      (n) => bindingsOf(n, 'dlq:'),
    );
    const set = (resource: string, context: Record<string, string | string[]>) => ({
      action: 'sqs:SetQueueAttributes',
      resource,
      context,
    });
    const probes: Probe[] = [
      { label: 'own DLQ', request: set(queue(ownDlq.DlqQueueName), cfn), want: everyone('Allowed') },
      {
        label: 'own DLQ from the CLI',
        request: set(queue(ownDlq.DlqQueueName), contextOf(f.model.region, 'cli')),
        want: everyone('Denied'),
      },
      ...otherDlqs.map((b) => ({
        label: 'other DLQ',
        request: set(queue(b.DlqQueueName), cfn),
        want: everyone('Denied'),
      })),
      // Design decision (catalog sqs.queues-update): dead-letter targets must be named <service>-<stage>-*. An sns
      // redrivePolicy on an external or differently named queue cannot get its QueuePolicy, whoever deploys.
      ...['shared-alerts-dlq', 'notifier-alerts-dlq', 'shared-inbound-queue'].map((name) => ({
        label: 'external DLQ',
        request: set(queue(name), cfn),
        want: everyone('Denied'),
      })),
    ];
    expect(otherDlqs.length).toBe(4);
    expect(await wrongDecisions(f.policies, probes)).toEqual([]);
    // Creating and deleting a queue stays admin's; settings are no longer part of that statement.
    const lifecycle: Probe[] = [
      {
        label: 'create own queue',
        request: {
          action: 'sqs:CreateQueue',
          resource: queue(`${f.model.service}-${f.model.stage}-jobs`),
          context: cfn,
        },
        want: ADMIN_ONLY,
      },
      {
        label: 'delete own queue',
        request: {
          action: 'sqs:DeleteQueue',
          resource: queue(`${f.model.service}-${f.model.stage}-jobs`),
          context: cfn,
        },
        want: ADMIN_ONLY,
      },
    ];
    expect(await wrongDecisions(f.policies, lifecycle)).toEqual([]);
  });

  test("custom-resource-role-pass (03, 05, 10): the framework's custom-resource role is passed only by admin, only through the stack, only to Lambda", async () => {
    for (const dir of ['03-rest-api', '05-streams-s3-eventbridge', '10-long-names']) {
      const f = await fixtureUnderTest(dir);
      const role = `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/${f.own.global.CustomResourceRoleName}`;
      const pass = (via: 'cli' | 'cloudformation', service: string) => ({
        action: 'iam:PassRole',
        resource: role,
        context: { ...contextOf('us-east-1', via), 'iam:PassedToService': service },
      });
      const probes: Probe[] = [
        {
          label: `${dir} via CloudFormation to Lambda`,
          request: pass('cloudformation', 'lambda.amazonaws.com'),
          want: ADMIN_ONLY,
        },
        {
          label: `${dir} from the CLI to Lambda`,
          request: pass('cli', 'lambda.amazonaws.com'),
          want: everyone('Denied'),
        },
        {
          label: `${dir} via CloudFormation to Scheduler`,
          request: pass('cloudformation', 'scheduler.amazonaws.com'),
          want: everyone('Denied'),
        },
      ];
      expect(await wrongDecisions(f.policies, probes)).toEqual([]);
    }
  });

  test('generated-function-role-pass (08): a function role is passed by developer and ci once it is named and listed in ExecutionRoleNames', async () => {
    const f = await fixtureUnderTest('08-tracing-iam');
    const audit = f.model.functions.find((fn) => fn.key === 'audit');
    expect(audit?.roleName).toBe(`billing-dev-AuditRole-${OWN_SUFFIXES.generatedSuffix}`);
    const role = (name: string) => `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/${name}`;
    const pass = (name: string, via: 'cli' | 'cloudformation', service = 'lambda.amazonaws.com') => ({
      action: 'iam:PassRole',
      resource: role(name),
      context: { ...contextOf('us-east-1', via), 'iam:PassedToService': service },
    });
    // As deployed (RoleName generated by CloudFormation): admin passes it through the stack only.
    expect(
      await wrongDecisions(f.policies, [
        {
          label: 'generated role via CloudFormation',
          request: pass(String(audit?.roleName), 'cloudformation'),
          want: ADMIN_ONLY,
        },
        {
          label: 'generated role from the CLI',
          request: pass(String(audit?.roleName), 'cli'),
          want: everyone('Denied'),
        },
      ]),
    ).toEqual([]);
    // The documented fix: RoleName billing-<stage>-audit, listed in ExecutionRoleNames.
    const named = await fixtureUnderTest('08-tracing-iam', { ExecutionRoleNames: ['billing-dev-audit'] });
    expect(
      await wrongDecisions(named.policies, [
        {
          label: 'named role via CloudFormation',
          request: pass('billing-dev-audit', 'cloudformation'),
          want: everyone('Allowed'),
        },
        {
          label: 'named role from the CLI (deploy function)',
          request: pass('billing-dev-audit', 'cli'),
          want: everyone('Allowed'),
        },
        {
          label: 'named role to EC2',
          request: pass('billing-dev-audit', 'cli', 'ec2.amazonaws.com'),
          want: everyone('Denied'),
        },
        ...['billing-prod-audit', 'billing-dev-audit2', 'billing2-dev-audit'].map((name) => ({
          label: 'not listed',
          request: pass(name, 'cloudformation'),
          want: DEVELOPERS_DENIED,
        })),
        ...['billing-prod-audit', 'billing-dev-audit2', 'billing2-dev-audit'].map((name) => ({
          label: 'not listed, CLI',
          request: pass(name, 'cli'),
          want: everyone('Denied'),
        })),
      ]),
    ).toEqual([]);
  });

  test('admin-bucket-policy-any-bucket: no bucket policy on event buckets or foreign buckets, for anyone; only admin on the own deployment bucket', async () => {
    const f = await fixtureUnderTest('05-streams-s3-eventbridge');
    const bucket = (name: string) => `arn:${PARTITION}:s3:::${name}`;
    const cfn = contextOf(f.model.region, 'cloudformation');
    const prod = f.other('prod');
    const foreign = [
      ...bindingsOf(f.own, 's3bucket:').map((b) => b.EventBucketName),
      ...bindingsOf(prod, 's3bucket:').map((b) => b.EventBucketName),
      prod.global.BucketName,
      f.other('dev', 'ingest2').global.BucketName,
      'acme-finance-exports',
    ];
    const probes: Probe[] = ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'].flatMap((action) => [
      {
        label: 'own deployment bucket',
        request: { action, resource: bucket(f.own.global.BucketName), context: cfn },
        want: ADMIN_ONLY,
      },
      ...foreign.map((name) => ({
        label: 'event or foreign bucket',
        request: { action, resource: bucket(name), context: cfn },
        want: everyone('Denied'),
      })),
    ]);
    expect(await wrongDecisions(f.policies, probes)).toEqual([]);
  });

  test('lambda.function-permissions: AddPermission/RemovePermission only through CloudFormation', async () => {
    const f = await fixtureUnderTest('01-basic');
    const fn = `arn:${PARTITION}:lambda:${f.model.region}:${ACCOUNT_ID}:function:${f.model.functions[0].name}`;
    const principal = (p: string | undefined): Record<string, string> => (p ? { 'lambda:Principal': p } : {});
    const probes: Probe[] = [
      ['lambda:AddPermission', 'apigateway.amazonaws.com'],
      ['lambda:RemovePermission', undefined],
    ].flatMap(([action, p]) => [
      {
        label: 'CLI',
        request: {
          action: action as string,
          resource: fn,
          context: { ...contextOf(f.model.region, 'cli'), ...principal(p) },
        },
        want: everyone('Denied'),
      },
      {
        label: 'CloudFormation',
        request: {
          action: action as string,
          resource: fn,
          context: { ...contextOf(f.model.region, 'cloudformation'), ...principal(p) },
        },
        want: everyone('Allowed'),
      },
    ]);
    expect(await wrongDecisions(f.policies, probes)).toEqual([]);
    // Only the AWS service principals of the framework's events: never an account or another service; * (a public
    // function URL) is admin's.
    const cfn = contextOf(f.model.region, 'cloudformation');
    const add = (p: string) => ({
      action: 'lambda:AddPermission',
      resource: fn,
      context: { ...cfn, 'lambda:Principal': p },
    });
    expect(
      await wrongDecisions(f.policies, [
        { label: 'an account', request: add('210987654321'), want: everyone('Denied') },
        { label: 'an account root', request: add('arn:aws:iam::210987654321:root'), want: everyone('Denied') },
        { label: 'another service principal', request: add('ec2.amazonaws.com'), want: everyone('Denied') },
        { label: 'everyone', request: add('*'), want: ADMIN_ONLY },
        {
          label: 'cloudwatchLog events',
          request: add(`logs.${f.model.region}.amazonaws.com`),
          want: everyone('Allowed'),
        },
      ]),
    ).toEqual([]);
  });

  test('sns-topic-update, event-bus-update-read, api-keys-usage-plans-update: granted to all groups, only through CloudFormation', async () => {
    const notifier = await fixtureUnderTest('04-queues-topics-schedule');
    const ingest = await fixtureUnderTest('05-streams-s3-eventbridge');
    const payments = await fixtureUnderTest('03-rest-api');
    const [topic] = bindingsOf(notifier.own, 'topic:');
    const [bus] = bindingsOf(ingest.own, 'bus:');
    const [key] = bindingsOf(payments.own, 'apikey:');
    const topicArn = `arn:${PARTITION}:sns:${notifier.model.region}:${ACCOUNT_ID}:${topic.TopicName}`;
    const busArn = `arn:${PARTITION}:events:${ingest.model.region}:${ACCOUNT_ID}:event-bus/${bus.EventBusName}`;
    const r = payments.model.region;
    const both = (
      p: ProofPolicies,
      region: string,
      action: string,
      resource: string,
      cliWant: Want,
      tags: Record<string, string> = {},
    ) => ({
      p,
      probes: [
        {
          label: 'CloudFormation',
          request: { action, resource, context: { ...contextOf(region, 'cloudformation'), ...tags } },
          want: everyone('Allowed'),
        },
        {
          label: 'CLI',
          request: { action, resource, context: { ...contextOf(region, 'cli'), ...tags } },
          want: cliWant,
        },
      ] as Probe[],
    });
    // API keys and usage plans carry the stack tag CloudFormation stamps; a plan or key of another stack does not.
    const ownStack = { 'aws:ResourceTag/aws:cloudformation:stack-name': payments.own.global.StackName };
    const otherStack = { 'aws:ResourceTag/aws:cloudformation:stack-name': `${payments.own.global.StackName}-other` };
    for (const { p, probes } of [
      both(notifier.policies, notifier.model.region, 'sns:SetTopicAttributes', topicArn, everyone('Denied')),
      both(ingest.policies, ingest.model.region, 'events:DescribeEventBus', busArn, everyone('Denied')),
      // admin's apigateway.api-lifecycle already had PATCH on keys and plans; remove's plan detach is direct
      // (apigateway.usage-plan-detach), on the own stack's plans only.
      both(
        payments.policies,
        r,
        'apigateway:PATCH',
        `arn:${PARTITION}:apigateway:${r}::/apikeys/${key.ApiKeyId}`,
        DEVELOPERS_DENIED,
        ownStack,
      ),
      both(
        payments.policies,
        r,
        'apigateway:PATCH',
        `arn:${PARTITION}:apigateway:${r}::/usageplans/${payments.own.global.UsagePlanId}`,
        DEVELOPERS_DENIED,
        ownStack,
      ),
    ])
      expect(await wrongDecisions(p, probes)).toEqual([]);
    // The same keys and plans under another stack's tag: nobody, neither through the stack nor directly.
    for (const path of [`/apikeys/${key.ApiKeyId}`, `/usageplans/${payments.own.global.UsagePlanId}`]) {
      const resource = `arn:${PARTITION}:apigateway:${r}::${path}`;
      const probes: Probe[] = (['cloudformation', 'cli'] as const).map((via) => ({
        label: `${via} other stack`,
        request: { action: 'apigateway:PATCH', resource, context: { ...contextOf(r, via), ...otherStack } },
        want: everyone('Denied'),
      }));
      expect(await wrongDecisions(payments.policies, probes)).toEqual([]);
    }
  });

  test("long-name-custom-resource-function (10-long-names): the hashed custom-resource function names are granted, and only the own stage's", async () => {
    const f = await fixtureUnderTest('10-long-names');
    // provider.iam.role.name (the default would exceed 64 characters): listed in ExecutionRoleNames.
    expect(accessPropertiesOf(f.model)).toEqual({
      ExecutionRoleNames: ['analytics-pipeline-processor-development-lambda'],
      EventBucketNames: ['acme-existing-analytics-bucket'],
      EventSources: ['acme.analytics'],
    });
    const region = f.model.region;
    const fn = (name: string) => `arn:${PARTITION}:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
    const hashed = (n: Names) =>
      bindingsOf(n, 'crfn:')
        .map((b) => b.CustomResourceFunctionName)
        .filter((name) => !name.startsWith(`${n.model.service}-${n.model.stage}-`));
    const own = hashed(f.own);
    const others = [
      f.other('integration'),
      f.other('development2'),
      f.other('development', 'analytics-pipeline-processor2'),
    ].flatMap(hashed);
    expect(own.length).toBe(4);
    expect(others.length).toBe(12);
    const probes: Probe[] = ['lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:InvokeFunction'].flatMap(
      (action) => [
        ...own.map((name) => ({
          label: 'own',
          request: { action, resource: fn(name), context: contextOf(region, 'cloudformation') },
          want: everyone('Allowed'),
        })),
        ...others.map((name) => ({
          label: 'other',
          request: { action, resource: fn(name), context: contextOf(region, 'cloudformation') },
          want: everyone('Denied'),
        })),
      ],
    );
    expect(await wrongDecisions(f.policies, probes)).toEqual([]);
  });

  test('layer-default-name, layer-version-policy-read (06-layer): LayerNames grants `sharp` by its exact name; GetLayerVersionPolicy is granted', async () => {
    const f = await fixtureUnderTest('06-layer');
    expect(accessPropertiesOf(f.model)).toEqual({
      LayerNames: ['sharp'],
      ExternalLayerArns: ['arn:aws:lambda:us-east-1:123456789012:layer:external-layer:3'],
      // layers.shared.allowedAccounts: the framework shares each version (AWS::Lambda::LayerVersionPermission).
      ResourceTypes: ['AWS::Lambda::LayerVersionPermission'],
    });
    const layer = (name: string) => `arn:${PARTITION}:lambda:${f.model.region}:${ACCOUNT_ID}:layer:${name}`;
    const cfn = contextOf(f.model.region, 'cloudformation');
    const probes: Probe[] = [
      {
        label: 'LayerNames',
        request: { action: 'lambda:PublishLayerVersion', resource: layer('sharp'), context: cfn },
        want: everyone('Allowed'),
      },
      {
        label: 'LayerNames',
        request: { action: 'lambda:DeleteLayerVersion', resource: layer('sharp:1'), context: cfn },
        want: everyone('Allowed'),
      },
      {
        label: 'layer policy read',
        request: {
          action: 'lambda:GetLayerVersionPolicy',
          resource: layer('imaging-dev-shared-utils:1'),
          context: cfn,
        },
        want: everyone('Allowed'),
      },
      ...['sharp2', 'sharp-utils', 'sharpx', 'imaging-prod-shared-utils', 'imaging-dev2-shared-utils'].map((name) => ({
        label: 'not listed',
        request: { action: 'lambda:PublishLayerVersion', resource: layer(name), context: cfn },
        want: everyone('Denied'),
      })),
    ];
    expect(await wrongDecisions(f.policies, probes)).toEqual([]);
    // Without the property the default name is not granted: it is the property that opens it.
    const without = await policiesFor({
      serviceName: f.model.service,
      stage: f.model.stage,
      region: f.model.region,
      observedBucketName: f.own.global.BucketName,
    });
    expect(
      await wrongDecisions(
        without,
        [probes[0]].map((p) => ({ ...p, want: everyone('Denied') })),
      ),
    ).toEqual([]);
  });

  test('custom-function-names(-qualified), cloudformation-deployment-role-pass, execution-role-names (11-custom-stack-name): FunctionNames, ExecutionRoleNames and DeploymentRoleArn are exact', async () => {
    const f = await fixtureUnderTest('11-custom-stack-name');
    expect(accessPropertiesOf(f.model)).toEqual({
      FunctionNames: ['acme-inventory-dev-sync'],
      ExecutionRoleNames: ['acme-inventory-dev-exec'],
      DeploymentRoleArn: `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/acme-cfn-exec-role`,
    });
    const region = f.model.region;
    const fn = (name: string) => `arn:${PARTITION}:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
    const logGroup = (name: string) => `arn:${PARTITION}:logs:${region}:${ACCOUNT_ID}:log-group:/aws/lambda/${name}`;
    const cli = contextOf(region, 'cli');
    const iamCli = contextOf('us-east-1', 'cli');
    const role = (name: string) => `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/${name}`;
    const probes: Probe[] = [
      ...['lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:InvokeFunction'].flatMap((action) => [
        {
          label: 'FunctionNames',
          request: { action, resource: fn('acme-inventory-dev-sync'), context: cli },
          want: everyone('Allowed'),
        },
        ...[
          'acme-inventory-dev-sync2',
          'acme-inventory-dev-syncx',
          'acme-inventory-prod-sync',
          'acme-inventory-dev2-sync',
        ].map((name) => ({
          label: 'not listed',
          request: { action, resource: fn(name), context: cli },
          want: everyone('Denied'),
        })),
      ]),
      // custom-function-names-qualified (0116): `rollback function --function-version 3` reads the qualified ARN.
      ...['lambda:GetFunction', 'lambda:GetFunctionConfiguration'].flatMap((action) => [
        {
          label: 'FunctionNames, qualified',
          request: { action, resource: fn('acme-inventory-dev-sync:3'), context: cli },
          want: everyone('Allowed'),
        },
        ...['acme-inventory-dev-sync2:3', 'acme-inventory-prod-sync:3', 'acme-inventory-dev2-sync:3'].map((name) => ({
          label: 'not listed, qualified',
          request: { action, resource: fn(name), context: cli },
          want: everyone('Denied'),
        })),
      ]),
      {
        label: 'ExecutionRoleNames to Lambda',
        request: {
          action: 'iam:PassRole',
          resource: role('acme-inventory-dev-exec'),
          context: { ...iamCli, 'iam:PassedToService': 'lambda.amazonaws.com' },
        },
        want: everyone('Allowed'),
      },
      {
        label: 'ExecutionRoleNames to CloudFormation',
        request: {
          action: 'iam:PassRole',
          resource: role('acme-inventory-dev-exec'),
          context: { ...iamCli, 'iam:PassedToService': 'cloudformation.amazonaws.com' },
        },
        want: everyone('Denied'),
      },
      ...['acme-inventory-prod-exec', 'acme-inventory-dev-exec2', 'acme-inventory-dev2-exec'].map((name) => ({
        label: 'role not listed',
        request: {
          action: 'iam:PassRole',
          resource: role(name),
          context: { ...iamCli, 'iam:PassedToService': 'lambda.amazonaws.com' },
        },
        want: everyone('Denied'),
      })),
      {
        label: 'log group of a listed function',
        request: { action: 'logs:FilterLogEvents', resource: logGroup('acme-inventory-dev-sync'), context: cli },
        want: everyone('Allowed'),
      },
      {
        label: 'log group of another stage',
        request: { action: 'logs:FilterLogEvents', resource: logGroup('acme-inventory-prod-sync'), context: cli },
        want: everyone('Denied'),
      },
      {
        label: 'deployment role to CloudFormation',
        request: {
          action: 'iam:PassRole',
          resource: role('acme-cfn-exec-role'),
          context: { ...iamCli, 'iam:PassedToService': 'cloudformation.amazonaws.com' },
        },
        want: everyone('Allowed'),
      },
      {
        label: 'deployment role to Lambda',
        request: {
          action: 'iam:PassRole',
          resource: role('acme-cfn-exec-role'),
          context: { ...iamCli, 'iam:PassedToService': 'lambda.amazonaws.com' },
        },
        want: everyone('Denied'),
      },
      {
        label: 'another role to CloudFormation',
        request: {
          action: 'iam:PassRole',
          resource: role('acme-cfn-exec-role-prod'),
          context: { ...iamCli, 'iam:PassedToService': 'cloudformation.amazonaws.com' },
        },
        want: everyone('Denied'),
      },
    ];
    expect(await wrongDecisions(f.policies, probes)).toEqual([]);
  });
});

// ---- PermissionsBoundary ------------------------------------------------------------------------------------------
const OTHER_BOUNDARY = `arn:${PARTITION}:iam::${ACCOUNT_ID}:policy/another-boundary`;
const EXTRA_TESTS = 1;
const extraRun = new Set<string>();

describe('PermissionsBoundary', () => {
  test("08-tracing-iam: admin's writes on the framework role are allowed with the boundary in the request, denied without it or with another", async () => {
    const dir = '08-tracing-iam';
    const f = await fixtureUnderTest(dir);
    const boundary = String(f.model.providerRole?.permissionsBoundary);
    expect(accessPropertiesOf(f.model)).toEqual({
      PermissionsBoundary: boundary,
      ResourceTypes: ['AWS::IAM::Role', 'AWS::SQS::Queue'],
    });
    const selection = selectCalls(f.own, loadTemplate(dir, f.model.stage));
    const writes = selection.selected
      .map((sel) => concretize(sel, f.own, 'own', 'own'))
      .filter(
        (c) => c.entry.logicalId === 'IamRoleLambdaExecution' && BOUNDARY_KEYED_ROLE_WRITES.has(c.request.action),
      );
    // The calls of the first deploy, update deploys and remove that write the execution role all carry the boundary.
    expect(new Set(writes.map((c) => c.request.action))).toEqual(
      new Set([
        'iam:CreateRole',
        'iam:PutRolePolicy',
        'iam:AttachRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:DeleteRolePolicy',
        'iam:DeleteRole',
      ]),
    );
    for (const c of writes) expect(c.request.context['iam:PermissionsBoundary']).toBe(boundary);
    const probes: Probe[] = writes.flatMap((c) => {
      const { 'iam:PermissionsBoundary': _b, ...unbounded } = c.request.context;
      return [
        { label: `${c.entry.id} with the boundary`, request: c.request, want: ADMIN_ONLY },
        {
          label: `${c.entry.id} without a boundary`,
          request: { ...c.request, context: unbounded },
          want: everyone('Denied'),
        },
        {
          label: `${c.entry.id} with another boundary`,
          request: { ...c.request, context: { ...unbounded, 'iam:PermissionsBoundary': OTHER_BOUNDARY } },
          want: everyone('Denied'),
        },
      ];
    });
    const roleArn = writes[0].request.resource;
    const cfn = writes[0].request.context;
    probes.push({
      label: 'lifting the boundary',
      request: { action: 'iam:DeleteRolePermissionsBoundary', resource: roleArn, context: cfn },
      want: everyone('Denied'),
    });
    expect(await wrongDecisions(f.policies, probes)).toEqual([]);
  });

  test('05-streams-s3-eventbridge with PermissionsBoundary: the custom-resource role (which the framework never bounds) follows the role matrix', async () => {
    extraRun.add('boundary-custom-resource-role');
    const dir = '05-streams-s3-eventbridge';
    const mode = 'observed+PermissionsBoundary';
    const f = await fixtureUnderTest(dir, {
      PermissionsBoundary: `arn:${PARTITION}:iam::${ACCOUNT_ID}:policy/acme-lambda-boundary`,
    });
    const selection = selectCalls(f.own, loadTemplate(dir, f.model.stage));
    const calls = selection.selected
      .map((sel) => concretize(sel, f.own, 'own', 'own'))
      .filter((c) => c.entry.logicalId === 'IamRoleCustomResourcesLambdaExecution');
    expect(calls.length).toBeGreaterThan(0);
    const unexplained: string[] = [];
    for (const role of GROUP_ROLES) {
      for (const call of calls) {
        const r = await simulate(f.policies.groups[role], call.request);
        const { expect: want } = expectationFor(call.entry, role, call);
        if (want === 'Unasserted' || want === r.decision) continue;
        const problem = record(mismatchOf(dir, mode, role, call, want, r.decision, r.allowSids));
        if (problem) unexplained.push(problem);
      }
    }
    expect(unexplained).toEqual([]);
  });
});

// ---- known gaps stay honest -------------------------------------------------------------------------------------
test('every known gap and documented exemption of this suite still occurs (remove the ones the catalog has fixed)', () => {
  const complete =
    extraRun.size === EXTRA_TESTS &&
    FIXTURES.every((f) =>
      f.modes.every((m) =>
        GROUP_ROLES.every(
          (r) => fixturesRun.has(`${f.dir}|${m}|own|${r}`) && fixturesRun.has(`${f.dir}|${m}|other|${r}`),
        ),
      ),
    );
  if (!complete) return; // a filtered run (-t) cannot tell
  const hit = new Set(mismatches.map((x) => x.gap).filter(Boolean));
  expect(
    EXPECTED_MISMATCHES.filter((g) => g.suite === 'allow-deny' && !hit.has(g.id)).map((g) => `${g.status} ${g.id}`),
  ).toEqual([]);
});

afterAll(() => {
  if (!process.env.PROOF_REPORT) return;
  const lines: string[] = [
    `simulations run: ${simulationsRun()} (${unvalidatedRun()} without input validation, see simulate.ts UNVALIDATED_REQUESTS)`,
    '',
    'calls per fixture|bucket|role: own A/D, other-stage A/D, other-service A/D',
  ];
  for (const [key, c] of counts)
    lines.push(
      `${key}: own ${c.own.Allowed}/${c.own.Denied}, other-stage ${c['other-stage'].Allowed}/${c['other-stage'].Denied}, other-service ${c['other-service'].Allowed}/${c['other-service'].Denied}`,
    );
  lines.push('', 'identical requests and non-scopable exemptions (allowed for another stage/service, by reason):');
  for (const [k, v] of [...exemptions].sort()) lines.push(`  ${v}\t${k}`);
  const byGap = new Map<string, Mismatch[]>();
  for (const { m, gap } of mismatches) if (gap) byGap.set(gap, [...(byGap.get(gap) ?? []), m]);
  const section = (title: string, list: readonly KnownGap[]) => {
    lines.push('', title);
    for (const g of list) {
      const seen = byGap.get(g.id) ?? [];
      if (!seen.length) continue;
      lines.push(`  ${g.id} (${g.kind}): ${seen.length} mismatches, e.g.`);
      for (const m of seen.slice(0, 3)) lines.push(`    ${describeMismatch(m)}`);
      if (g.decision) lines.push(`    decision: ${g.decision}`);
    }
  };
  section(
    'documented exemptions observed (accepted by design):',
    EXPECTED_MISMATCHES.filter((g) => g.status === 'exemption'),
  );
  section(
    'known gaps observed (open):',
    EXPECTED_MISMATCHES.filter((g) => g.status === 'gap'),
  );
  console.log(lines.join('\n'));
});
