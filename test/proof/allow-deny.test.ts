/**
 * The allow/deny proof: for each fixture service, every Serverless Framework call that applies to it
 * (sls-api-calls.json, selected as in calls.ts) is simulated against the policies the macro gives each
 * group (policies.ts), for
 *   - the group's own service and stage, against the role line (role-matrix.ts MATRIX), and
 *   - another stage (the fixture's second stage, plus prefix collisions dev2/development) and another
 *     service (<service>2), where everything must be Denied except identical requests and the documented
 *     NON_SCOPABLE reads and own-stack CloudFormation handlers.
 * Mismatches listed in known-gaps.ts are expected failures; any other mismatch fails, and so does a
 * listed gap that no longer occurs. PROOF_REPORT=1 prints counts, exemptions and gaps.
 */
import { generatedBucketName, matchesBucketNamePattern } from '../../functions/core/deployment-bucket';
import { GROUP_ROLES, type GroupRole } from '../../functions/catalog/types';
import {
  ARTIFACT_DIR, concretize, fixtureInfo, loadCatalog, loadModel, loadTemplate, namesOf, OTHER_SUFFIXES, OUT_OF_SCOPE, OWN_SUFFIXES,
  PARTITION, selectCalls, type ConcreteCall, type Names, type Selection, type ServiceModel, type Template, type VariantKind,
} from './calls';
import { KNOWN_GAPS, knownGapFor, type Mismatch } from './known-gaps';
import { policiesFor, type ProofPolicies } from './policies';
import { expectationFor, NON_SCOPABLE } from './role-matrix';
import { ACCOUNT_ID, simulate, simulationsRun, unvalidatedRun, type PolicyDoc, type SimRequest } from './simulate';

type BucketMode = 'observed' | 'pattern' | 'custom';

/** Fixtures under proof, and the deployment-bucket states their policies are proven in. */
const FIXTURES: readonly { dir: string; modes: readonly BucketMode[] }[] = [
  { dir: '01-basic', modes: ['observed', 'pattern'] },
  { dir: '02-http-api', modes: ['observed'] },
  { dir: '03-rest-api', modes: ['observed'] },
  { dir: '04-queues-topics-schedule', modes: ['observed'] },
  { dir: '05-streams-s3-eventbridge', modes: ['observed'] },
  { dir: '06-layer', modes: ['observed'] },
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
  if (!counts.has(key)) counts.set(key, { own: { Allowed: 0, Denied: 0 }, 'other-stage': { Allowed: 0, Denied: 0 }, 'other-service': { Allowed: 0, Denied: 0 } });
  (counts.get(key) as Counts)[kind][decision]++;
}

function describeMismatch(m: Mismatch): string {
  return `${m.fixture} [${m.bucketMode}] ${m.role} ${m.variantLabel} entry ${m.entry}: ${m.action} ${m.resource} ${JSON.stringify(pick(m.context))} expected ${m.expected}, got ${m.actual}${m.sids.length ? ` (${m.sids.join(', ')})` : ''}`;
}

function pick(context: Readonly<Record<string, string | string[]>>) {
  return Object.fromEntries(Object.entries(context).filter(([k]) => !/^aws:(RequestedRegion|SecureTransport|PrincipalArn|PrincipalAccount|CalledViaFirst|CalledViaLast|ViaAWSService)$/.test(k)));
}

function record(m: Mismatch): string | undefined {
  const gap = knownGapFor(m);
  mismatches.push({ m, gap: gap?.id });
  return gap ? undefined : describeMismatch(m);
}

const sameRequest = (a: SimRequest, b: SimRequest) => a.action === b.action && a.resource === b.resource && JSON.stringify(a.context) === JSON.stringify(b.context);

/** Would the call be Denied as a direct CLI call (no aws:CalledVia)? Then only CloudFormation can make it. */
async function onlyThroughCloudFormation(policies: readonly PolicyDoc[], call: ConcreteCall): Promise<boolean> {
  if (call.entry.via !== 'cloudformation-on-behalf') return false;
  const context = Object.fromEntries(Object.entries(call.request.context).filter(([k]) => !k.startsWith('aws:CalledVia')));
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
  const variant = (kind: VariantKind, label: string, m: ServiceModel): Variant => ({ kind, label, names: namesOf(m, OTHER_SUFFIXES) });
  const variants: Variant[] = [
    variant('other-stage', `other-stage:${otherStage}`, loadModel(dir, otherStage)),
    variant('other-service', `other-service:${model.service}2`, loadModel(dir, stage, `${model.service}2`)),
  ];
  // Prefix collisions: a stage whose name starts with the own stage's.
  for (const s of stage === 'dev' ? ['dev2', 'development'] : [`${stage}2`]) variants.push(variant('other-stage', `other-stage:${s}`, loadModel(dir, s)));
  const policies = new Map<BucketMode, ProofPolicies>();
  const fixture = FIXTURES.find((f) => f.dir === dir);
  for (const mode of fixture?.modes ?? []) {
    policies.set(
      mode,
      await policiesFor({
        serviceName: model.service,
        stage,
        region: model.region,
        stackName: model.stackName !== `${model.service}-${stage}` ? model.stackName : undefined,
        deploymentBucket: model.customBucket,
        deploymentPrefix: model.deploymentPrefix !== 'serverless' ? model.deploymentPrefix : undefined,
        observedBucketName: mode === 'observed' ? own.global.BucketName : undefined,
      }),
    );
  }
  return { model, own, template, selection, variants, policies };
}

// ---- names: the model of serverless.yml against the osls-generated templates ------------------------------
function checkNamesAgainstTemplate(dir: string, stage: string): string[] {
  const m = loadModel(dir, stage);
  const n = namesOf(m, OWN_SUFFIXES);
  const t = loadTemplate(dir, stage).Resources;
  const problems: string[] = [];
  const expectEq = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) problems.push(`${dir}/${stage} ${what}: template has ${JSON.stringify(actual)}, the model derives ${JSON.stringify(expected)}`);
  };
  const derived = (key: string) => new Set([...n.instances.values()].map((b) => b[key]).filter(Boolean));
  for (const f of m.functions) {
    expectEq(`function ${f.key}`, t[`${f.norm}LambdaFunction`]?.Properties?.FunctionName, f.name);
    if (t[`${f.norm}LogGroup`]) expectEq(`log group of ${f.key}`, t[`${f.norm}LogGroup`].Properties?.LogGroupName, `/aws/lambda/${f.name}`);
  }
  const role = t.IamRoleLambdaExecution?.Properties?.RoleName;
  if (role !== undefined) {
    const name = typeof role === 'string' ? role : (role['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : m.region)).join(role['Fn::Join'][0]);
    expectEq('execution role', name, m.executionRoleName);
  }
  for (const [id, r] of Object.entries(t)) {
    const p = r.Properties ?? {};
    const inSet = (what: string, value: unknown, set: Set<string>) => {
      if (typeof value === 'string' && !set.has(value)) problems.push(`${dir}/${stage} ${what} ${id}: ${value} is not among the derived names ${[...set].join(', ')}`);
    };
    if (id.startsWith('CustomDashresource') && r.Type === 'AWS::Lambda::Function') inSet('custom-resource function', p.FunctionName, derived('CustomResourceFunctionName'));
    if (r.Type === 'AWS::Events::Rule' && p.Name) inSet('event rule', p.Name, new Set([...derived('ScheduleRuleName'), ...derived('EventBridgeRuleName')]));
    if (r.Type === 'AWS::Events::Rule' && p.EventBusName) inSet('rule bus', `${p.EventBusName}/`, derived('EventBusPath'));
    if (r.Type === 'AWS::Events::EventBus') inSet('event bus', p.Name, derived('EventBusName'));
    if (r.Type === 'AWS::SNS::Topic') inSet('topic', p.TopicName, derived('TopicName'));
    if (r.Type === 'AWS::S3::Bucket' && id.startsWith('S3Bucket')) inSet('event bucket', p.BucketName, derived('EventBucketName'));
    if (r.Type === 'AWS::Lambda::LayerVersion') inSet('layer', p.LayerName, derived('LayerName'));
    if (r.Type === 'AWS::Logs::SubscriptionFilter') inSet('subscribed log group', p.LogGroupName, derived('SubscribedLogGroupName'));
    if (r.Type === 'AWS::Kinesis::StreamConsumer') inSet('stream consumer', p.ConsumerName, derived('ConsumerName'));
    if (['HttpApiLogGroup', 'ApiGatewayLogGroup', 'WebsocketsLogGroup'].includes(id)) inSet('API log group', p.LogGroupName, derived('ApiLogGroupName'));
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
    const accounted = new Set([...selection.selected.map((s) => s.entry.id), ...selection.excluded.map((e) => e.entry.id)]);
    expect(loadCatalog().filter((e) => !accounted.has(e.id)).map((e) => e.id)).toEqual([]);
    expect(selection.selected.length).toBeGreaterThan(0);
    for (const e of selection.excluded.filter((x) => x.why === 'out-of-scope')) expect(OUT_OF_SCOPE.map((r) => r.id)).toContain(e.rule);
    // Template resources no catalog group covers must be the service's own `resources:` (not in the catalog).
    expect(selection.uncoveredTemplateResources.filter((id) => !(id in model.resources))).toEqual([]);
  });

  describe.each(fixture.modes.map((m) => [m] as const))('deployment bucket %s', (mode) => {
    test.each(GROUP_ROLES.map((r) => [r] as const))('own service and stage: %s follows the role matrix', async (role) => {
      fixturesRun.add(`${dir}|${mode}|own|${role}`);
      const policies = (run.policies.get(mode) as ProofPolicies).groups[role];
      const unexplained: string[] = [];
      for (const sel of run.selection.selected) {
        const call = concretize(sel, run.own, 'own', 'own');
        const r = await simulate(policies, call.request);
        count(`${dir}|${mode}|${role}`, 'own', r.decision);
        const { expect: want } = expectationFor(sel.entry, role);
        if (want === 'Unasserted' || want === r.decision) continue;
        const problem = record(mismatchOf(dir, mode, role, call, want, r.decision, r.allowSids));
        if (problem) unexplained.push(problem);
      }
      expect(unexplained).toEqual([]);
    });

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
            bump(`identical-request: ${call.request.action} ${call.request.resource === '*' ? '(*-only)' : call.request.resource}`);
            continue;
          }
          const ctx = { onlyThroughCloudFormation: await onlyThroughCloudFormation(policies, call), bucketMode: mode === 'pattern' ? ('pattern' as const) : ('observed' as const) };
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

function mismatchOf(fixture: string, mode: string, role: GroupRole, call: ConcreteCall, expected: 'Allowed' | 'Denied', actual: 'Allowed' | 'Denied', sids: readonly string[]): Mismatch {
  return {
    suite: 'allow-deny', fixture, bucketMode: mode, role, variant: call.variant, variantLabel: call.variantLabel, entry: call.entry.id,
    action: call.request.action, resource: call.request.resource, context: call.request.context, expected, actual, sids,
  };
}

// ---- explicit cases the brief names --------------------------------------------------------------------------
describe('prefix collisions and long names', () => {
  const region = 'us-east-1';
  const lambda = (fn: string) => `arn:${PARTITION}:lambda:${region}:${ACCOUNT_ID}:function:${fn}`;
  const cli = { 'aws:RequestedRegion': region, 'aws:SecureTransport': 'true', 'aws:ViaAWSService': 'false' };

  test.each(['observed', 'pattern'] as const)('01-basic, bucket %s: stage dev reaches nothing of dev2 or development', async (mode) => {
    const ownBucket = generatedBucketName('orders-dev', OWN_SUFFIXES.bucketSuffix);
    const policies = await policiesFor({ serviceName: 'orders', stage: 'dev', observedBucketName: mode === 'observed' ? ownBucket : undefined });
    const requests: SimRequest[] = [];
    for (const other of ['dev2', 'development']) {
      const otherBucket = generatedBucketName(`orders-${other}`, OTHER_SUFFIXES.bucketSuffix);
      const key = `serverless/orders/${other}/${ARTIFACT_DIR}/orders.zip`;
      requests.push(
        { action: 'lambda:UpdateFunctionCode', resource: lambda(`orders-${other}-create`), context: cli },
        { action: 'lambda:InvokeFunction', resource: lambda(`orders-${other}-create`), context: cli },
        { action: 'logs:FilterLogEvents', resource: `arn:${PARTITION}:logs:${region}:${ACCOUNT_ID}:log-group:/aws/lambda/orders-${other}-create`, context: cli },
        { action: 'cloudformation:CreateChangeSet', resource: `arn:${PARTITION}:cloudformation:${region}:${ACCOUNT_ID}:stack/orders-${other}/0f0f0f0f-0000-4000-8000-000000000000`, context: { ...cli, 'cloudformation:ChangeSetName': `orders-${other}-change-set` } },
        { action: 'iam:PassRole', resource: `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/orders-${other}-us-east-1-lambdaRole`, context: { ...cli, 'iam:PassedToService': 'lambda.amazonaws.com' } },
        // the other stage's keys, in the own bucket and in its own bucket
        { action: 's3:GetObject', resource: `arn:${PARTITION}:s3:::${ownBucket}/${key}`, context: cli },
        { action: 's3:PutObject', resource: `arn:${PARTITION}:s3:::${otherBucket}/${key}`, context: cli },
        { action: 's3:ListBucket', resource: `arn:${PARTITION}:s3:::${ownBucket}`, context: { ...cli, 's3:prefix': `serverless/orders/${other}/` } },
      );
    }
    for (const role of GROUP_ROLES) {
      const allowed: string[] = [];
      for (const req of requests) if ((await simulate(policies.groups[role], req)).decision === 'Allowed') allowed.push(`${req.action} ${req.resource}`);
      expect({ role, allowed }).toEqual({ role, allowed: [] });
    }
  });

  test('10-long-names, bucket pattern: the stages share the bucket-name pattern, yet integration\'s objects stay denied', async () => {
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
      ...['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectVersion', 's3:DeleteObjectVersion'].flatMap((action) => [
        { action, resource: `arn:${PARTITION}:s3:::${other}/${key}/${service}.zip`, context: ctx },
        { action, resource: `arn:${PARTITION}:s3:::${other}/${key}/compiled-cloudformation-template.json`, context: ctx },
        { action, resource: `arn:${PARTITION}:s3:::${own}/${key}/${service}.zip`, context: ctx },
      ]),
      { action: 's3:ListBucket', resource: `arn:${PARTITION}:s3:::${other}`, context: { ...ctx, 's3:prefix': `serverless/${service}/integration/` } },
      { action: 's3:ListBucketVersions', resource: `arn:${PARTITION}:s3:::${other}`, context: { ...ctx, 's3:prefix': `serverless/${service}/integration/` } },
    ];
    for (const role of GROUP_ROLES) {
      const allowed: string[] = [];
      for (const req of requests) if ((await simulate(policies.groups[role], req)).decision === 'Allowed') allowed.push(`${req.action} ${req.resource}`);
      expect({ role, allowed }).toEqual({ role, allowed: [] });
    }
  });
});

// ---- known gaps stay honest -------------------------------------------------------------------------------------
test('every known gap of this suite still occurs (remove the ones the catalog has fixed)', () => {
  const complete = FIXTURES.every((f) => f.modes.every((m) => GROUP_ROLES.every((r) => fixturesRun.has(`${f.dir}|${m}|own|${r}`) && fixturesRun.has(`${f.dir}|${m}|other|${r}`))));
  if (!complete) return; // a filtered run (-t) cannot tell
  const hit = new Set(mismatches.map((x) => x.gap).filter(Boolean));
  expect(KNOWN_GAPS.filter((g) => g.suite === 'allow-deny' && !hit.has(g.id)).map((g) => g.id)).toEqual([]);
});

afterAll(() => {
  if (!process.env.PROOF_REPORT) return;
  const lines: string[] = [`simulations run: ${simulationsRun()} (${unvalidatedRun()} without input validation, see simulate.ts UNVALIDATED_REQUESTS)`, '', 'calls per fixture|bucket|role: own A/D, other-stage A/D, other-service A/D'];
  for (const [key, c] of counts) lines.push(`${key}: own ${c.own.Allowed}/${c.own.Denied}, other-stage ${c['other-stage'].Allowed}/${c['other-stage'].Denied}, other-service ${c['other-service'].Allowed}/${c['other-service'].Denied}`);
  lines.push('', 'exemptions (allowed for another stage/service, by reason):');
  for (const [k, v] of [...exemptions].sort()) lines.push(`  ${v}\t${k}`);
  lines.push('', 'known gaps observed:');
  const byGap = new Map<string, Mismatch[]>();
  for (const { m, gap } of mismatches) if (gap) byGap.set(gap, [...(byGap.get(gap) ?? []), m]);
  for (const [gap, list] of byGap) {
    lines.push(`  ${gap}: ${list.length} mismatches, e.g.`);
    for (const m of list.slice(0, 3)) lines.push(`    ${describeMismatch(m)}`);
  }
  console.log(lines.join('\n'));
});
