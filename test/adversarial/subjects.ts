/**
 * The subjects of the adversarial suite: every set of policies the macro hands out, as IAM would hold them.
 *
 * - every example (examples/*.yaml), run through the macro's Lambda handler, and the same example again in
 *   Serverless v4 shared-bucket mode (`DeploymentBucket: {Shared: true}`) unless it names its own bucket;
 * - every golden expansion (test/golden/output/*.json, read as committed; error cases have none).
 *
 * Each Access resource of such a template is one subject per deployment-bucket state: the name pattern before
 * the framework stack exists ('pattern'), the exact bucket the resolver reads afterwards ('exact'), or the
 * bucket the user named ('custom'). v4 shared mode likewise: parameter missing ('pattern') or present ('exact').
 * A subject holds the policies of the three groups and of the execution role (role 'lambda'), and the names
 * an attacker aims at: its own (made concrete where the Access resource uses wildcards) and a neighbour stage
 * and service of the same account.
 *
 * The intrinsics an expansion leaves in its policies are resolved by the proof's Resolver (test/proof/policies.ts),
 * so there is one reading of "what CloudFormation would make of it".
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP_ROLES, type Role } from '../../functions/catalog/types';
import { parseAccess, type AccessConfig } from '../../functions/core/config';
import { BucketResolutionError } from '../../functions/core/bucket-resolution';
import { generatedBucketName, V4_SHARED_BUCKET_PREFIX } from '../../functions/core/deployment-bucket';
import { groupName, logicalIds } from '../../functions/core/naming';
import { ACCESS_TYPE } from '../../functions/core/transform';
import { SUBMODULES } from '../../functions/submodules';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { expandTemplate, parameterValues } from '../../scripts/lib/harness';
import { cfnGeneratedName } from '../../functions/core/generated-names';
import { OTHER_SUFFIXES, OWN_SUFFIXES } from '../../scripts/lib/prove/calls';
import { MACRO_NAME, MACRO_REGION, Resolver } from '../../scripts/lib/prove/policies';
import { ACCOUNT_ID, PRINCIPAL, type PolicyDoc } from '../../scripts/lib/prove/simulate';

export const ROOT = join(__dirname, '..', '..');
export const EXAMPLES_DIR = join(ROOT, 'examples');
export const GOLDEN_INPUT_DIR = join(ROOT, 'test', 'golden', 'input');
export const GOLDEN_OUTPUT_DIR = join(ROOT, 'test', 'golden', 'output');

export type BucketState = 'pattern' | 'exact' | 'custom';
/**
 * 'boundary' is the permissions boundary the macro creates, read as the ceiling of every role of the service (the
 * framework's execution and custom-resource roles: attacks set aws:PrincipalArn to the role they run as).
 */
export type SubjectRole = Role | 'boundary';
export const SUBJECT_ROLES: readonly SubjectRole[] = [...GROUP_ROLES, 'lambda', 'boundary'];

/** Placeholder values attacks are written with (`{Name}` in attacks.ts). */
export type Names = Readonly<Record<string, string>>;

export interface Subject {
  /** `<source>:<file>#<logical id>[<bucket state>]`, e.g. `example:tapir.yaml#TapirAccess[exact]`. */
  readonly id: string;
  readonly source: 'example' | 'example-v4' | 'golden';
  readonly file: string;
  readonly logicalId: string;
  readonly bucketState: BucketState;
  readonly config: AccessConfig;
  /** Policy documents per role; a role the expansion gives nothing is absent. */
  readonly policies: Readonly<Partial<Record<SubjectRole, readonly PolicyDoc[]>>>;
  /** Features an attack may require (see Requirement in attacks.ts). */
  readonly features: ReadonlySet<string>;
  readonly names: Names;
}

/** The v4 shared bucket the resolver reads from the SSM parameter once v4 has deployed in the region. */
export function sharedBucketName(region: string): string {
  return `${V4_SHARED_BUCKET_PREFIX}-${region}-1b9d6bcd-bbfd`;
}

/** A concrete value for a name segment that may hold IAM wildcards (IamStage `pr-*` -> `pr-1`). */
function concrete(segment: string): string {
  return segment.replace(/\*/g, '1').replace(/\?/g, 'x');
}

type Resources = Record<string, { Type?: string; Properties?: Record<string, unknown> }>;

interface Expanded {
  readonly source: Subject['source'];
  readonly file: string;
  readonly input: Record<string, unknown>;
  readonly fragment: Record<string, unknown>;
}

const ctx = (input: Record<string, unknown>) => ({
  region: MACRO_REGION,
  accountId: ACCOUNT_ID,
  templateParameterValues: parameterValues(input, {}),
  macroName: MACRO_NAME,
});

/** The macro's output for a template (the repository's one harness: transform stripping, parameter defaults, handler). */
function expand(input: Record<string, unknown>, label: string): Promise<Record<string, unknown>> {
  return expandTemplate(input, {
    region: MACRO_REGION,
    accountId: ACCOUNT_ID,
    macroNames: [MACRO_NAME],
    requestId: `adversarial-${label}`,
    what: label,
  });
}

function accessResources(input: Record<string, unknown>): [string, Record<string, unknown>][] {
  return Object.entries((input.Resources ?? {}) as Record<string, Record<string, unknown>>).filter(
    ([, r]) => r?.Type === ACCESS_TYPE,
  );
}

/** The same template with every Access resource switched to Serverless v4's shared bucket (unless it names one). */
function asV4Shared(input: Record<string, unknown>): Record<string, unknown> | undefined {
  const copy = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
  let changed = false;
  for (const [, r] of accessResources(copy)) {
    const props = r.Properties as Record<string, unknown>;
    if (props.DeploymentBucket !== undefined) continue;
    props.DeploymentBucket = { Shared: true };
    changed = true;
  }
  return changed ? copy : undefined;
}

async function expandedTemplates(): Promise<Expanded[]> {
  const out: Expanded[] = [];
  for (const file of readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const input = parseTemplate(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Record<string, unknown>;
    out.push({ source: 'example', file, input, fragment: await expand(input, file) });
    const v4 = asV4Shared(input);
    if (v4) out.push({ source: 'example-v4', file, input: v4, fragment: await expand(v4, `${file}-v4`) });
  }
  for (const file of readdirSync(GOLDEN_OUTPUT_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('error_'))
    .sort()) {
    const input = parseTemplate(
      readFileSync(join(GOLDEN_INPUT_DIR, file.replace(/\.json$/, '.yaml')), 'utf8'),
    ) as Record<string, unknown>;
    out.push({
      source: 'golden',
      file,
      input,
      fragment: JSON.parse(readFileSync(join(GOLDEN_OUTPUT_DIR, file), 'utf8')) as Record<string, unknown>,
    });
  }
  return out;
}

/** The managed policies of each role of one Access resource, as logical ids. */
function policyIdsByRole(
  resources: Resources,
  id: string,
  config: AccessConfig,
): Partial<Record<SubjectRole, string[]>> {
  const byRole: Partial<Record<SubjectRole, string[]>> = {};
  if (!config.disableGroups) {
    for (const role of GROUP_ROLES) {
      const group = resources[logicalIds.group(id, role)];
      if (group?.Type !== 'AWS::IAM::Group') throw new Error(`${id}: no ${role} group in the expansion`);
      if (group.Properties?.Policies !== undefined)
        throw new Error(`${id}: the ${role} group has inline policies; the suite reads ManagedPolicyArns only`);
      byRole[role] = ((group.Properties?.ManagedPolicyArns ?? []) as { Ref?: string }[]).map((a, i) => {
        if (typeof a?.Ref !== 'string' || resources[a.Ref]?.Type !== 'AWS::IAM::ManagedPolicy')
          throw new Error(`${id}: ${role} group policy ${i} is not a Ref to a policy of the expansion`);
        return a.Ref;
      });
    }
  } else {
    // DisableGroups: the policies are named by audience (`<id>SharedPolicy<n>`, `<id>AdminPolicy<n>`, ...).
    for (const [audience, roles] of [['shared', GROUP_ROLES], ...GROUP_ROLES.map((r) => [r, [r]] as const)] as const) {
      for (let i = 0; resources[logicalIds.policy(id, audience, i)]; i++) {
        for (const r of roles) (byRole[r] ??= []).push(logicalIds.policy(id, audience, i));
      }
    }
  }
  const lambda = Object.keys(resources).filter(
    (k) => k === logicalIds.lambdaPolicy(id) || new RegExp(`^${logicalIds.lambdaPolicy(id)}\\d+$`).test(k),
  );
  if (lambda.length) byRole.lambda = lambda.sort();
  if (resources[logicalIds.boundary(id)]?.Type === 'AWS::IAM::ManagedPolicy')
    byRole.boundary = [logicalIds.boundary(id)];
  return byRole;
}

function namesOf(
  config: AccessConfig,
  fragment: Resources,
  id: string,
  policyNames: readonly string[],
): Record<string, string> {
  const service = config.slsServiceName;
  const stage = concrete(config.iamStage);
  const stack = concrete(config.stackName);
  const otherStage = stage === 'prod' ? 'staging' : 'prod';
  const otherStageStack = stack.includes(stage) ? stack.replace(stage, otherStage) : `${stack}-${otherStage}`;
  const otherService = `${service}2`;
  const otherServiceStack = `${otherService}-${stage}`;
  const region = config.region;
  const mode = config.deploymentBucket.mode;
  const bucket =
    mode === 'custom'
      ? (config.deploymentBucket as { name: string }).name
      : mode === 'shared'
        ? sharedBucketName(region)
        : generatedBucketName(stack, OWN_SUFFIXES.bucketSuffix);
  const neighbourBucket = (s: string) =>
    mode === 'custom'
      ? bucket
      : mode === 'shared'
        ? sharedBucketName(region)
        : generatedBucketName(s, OTHER_SUFFIXES.bucketSuffix);
  const crFunction = (kind: string, svc = service, stg = stage) => {
    const name = `${svc}-${stg}-custom-resource-${kind}`;
    return name.length > 64 ? `${name.slice(0, 32)}${createHash('md5').update(name).digest('hex')}` : name;
  };
  const lambdaRole = config.lambdaRoleName ?? String(fragment[logicalIds.lambdaRole(id)]?.Properties?.RoleName ?? '');
  const boundary =
    config.permissionsBoundary ??
    Object.entries(fragment)
      .filter(([k, r]) => k.startsWith(id) && /Boundary/.test(k) && r.Type === 'AWS::IAM::ManagedPolicy')
      .map(([, r]) => `arn:aws:iam::${ACCOUNT_ID}:policy/${String(r.Properties?.ManagedPolicyName)}`)[0] ??
    `arn:aws:iam::${ACCOUNT_ID}:policy/${config.resourcePrefix}-${config.stage}-boundary`;
  return {
    Partition: 'aws',
    Region: region,
    OtherRegion: region === 'us-west-2' ? 'eu-west-1' : 'us-west-2',
    Account: ACCOUNT_ID,
    AttackerAccount: '999999999999',
    Principal: PRINCIPAL,
    Service: service,
    Stage: stage,
    ApiStage: stage,
    Stack: stack,
    StackHead: stack.slice(0, 24).replace(/-+$/, ''),
    Prefix: config.deploymentPrefix,
    Bucket: bucket,
    OtherStage: otherStage,
    OtherStageStack: otherStageStack,
    OtherStageBucket: neighbourBucket(otherStageStack),
    OtherService: otherService,
    OtherServiceStack: otherServiceStack,
    OtherServiceBucket: neighbourBucket(otherServiceStack),
    ExecRole: `${service}-${stage}-${region}-lambdaRole`,
    OtherStageExecRole: `${service}-${otherStage}-${region}-lambdaRole`,
    OtherServiceExecRole: `${otherService}-${stage}-${region}-lambdaRole`,
    MacroRole: lambdaRole,
    CrRole: cfnGeneratedName(stack, 'IamRoleCustomResourcesLambdaExecution', 64, OWN_SUFFIXES.generatedSuffix),
    CrRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/${cfnGeneratedName(stack, 'IamRoleCustomResourcesLambdaExecution', 64, OWN_SUFFIXES.generatedSuffix)}`,
    ExecRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/${service}-${stage}-${region}-lambdaRole`,
    // A schedule rule of the neighbour stack, named by CloudFormation (<stack>-<LogicalId>-<suffix>, stack cut when long).
    OtherStageScheduleRule: cfnGeneratedName(
      otherStageStack,
      'ApiEventsRuleSchedule1',
      64,
      OTHER_SUFFIXES.generatedSuffix,
    ),
    OtherStageCrRole: cfnGeneratedName(
      otherStageStack,
      'IamRoleCustomResourcesLambdaExecution',
      64,
      OTHER_SUFFIXES.generatedSuffix,
    ),
    CrFunctionApigw: crFunction('apigw-cw-role'),
    CrFunctionS3: crFunction('existing-s3'),
    CrFunctionEventBridge: crFunction('event-bridge'),
    CrFunctionCognito: crFunction('existing-cup'),
    // A hyphen-sibling (stage <stage>-eu, or service <service>-<stage> with stage eu): its names fit <service>-<stage>-*.
    HyphenStageStack: `${service}-${stage}-eu`,
    HyphenStageCrFunctionApigw: crFunction('apigw-cw-role', service, `${stage}-eu`),
    HyphenStageCrFunctionS3: crFunction('existing-s3', service, `${stage}-eu`),
    HyphenStageCrFunctionEventBridge: crFunction('event-bridge', service, `${stage}-eu`),
    HyphenStageCrFunctionCognito: crFunction('existing-cup', service, `${stage}-eu`),
    OwnFunction: `${service}-${stage}-api`,
    OtherStageFunction: `${service}-${otherStage}-api`,
    OtherServiceFunction: `${otherService}-${stage}-api`,
    OwnApiId: 'a1b2c3d4e5',
    OtherStageApiId: 'q7r8s9t0u1',
    OtherServiceApiId: 'k3l4m5n6o7',
    AdminGroup: groupName(config, 'admin'),
    DeveloperGroup: groupName(config, 'developer'),
    CiGroup: groupName(config, 'ci'),
    GroupPolicy: policyNames[0] ?? `${config.resourcePrefix}-${config.stage}-shared`,
    Boundary: boundary,
    AccessStack: `formidable-access-${service}-${stage}`,
    // Names the Access resource lists that belong to ANOTHER owner (the features 'subscribed-topics' and
    // 'subscribed-log-groups' say when they are set): the subscriber's calls only, never the owner's.
    SubscribedTopic: config.subscribedTopicArns[0] ?? '',
    ListedLogGroup: config.subscribedLogGroupNames[0] ?? '',
  };
}

/**
 * Access resources whose policies cannot be read because the deployment-bucket resolver refuses their input (so the
 * Access stack itself would fail to deploy). Listed, with the reason, by loadSubjects; adversarial.test.ts checks
 * the list against UNRESOLVABLE_SUBJECTS so none is skipped silently.
 */
export const skippedSubjects: { id: string; reason: string }[] = [];

let cache: Promise<Subject[]> | undefined;

/** Every subject (memoised: the expansions run once per test file). */
export function loadSubjects(): Promise<Subject[]> {
  cache ??= (async () => {
    const subjects: Subject[] = [];
    for (const t of await expandedTemplates()) {
      const resources = (t.fragment.Resources ?? {}) as Resources;
      for (const [id, resource] of accessResources(t.input)) {
        const config = parseAccess(
          id,
          resource,
          ctx(t.input),
          SUBMODULES.map((s) => s.property),
        );
        const mode = config.deploymentBucket.mode;
        const states: BucketState[] =
          mode === 'custom' ? ['custom'] : !config.resolveDeploymentBucket ? ['pattern'] : ['pattern', 'exact'];
        const byRole = policyIdsByRole(resources, id, config);
        const policyNames = (byRole.developer ?? []).map((p) => String(resources[p]?.Properties?.ManagedPolicyName));
        for (const state of states) {
          const names = namesOf(config, resources, id, policyNames);
          const observed = state === 'exact' && mode === 'generated' ? names.Bucket : undefined;
          const shared =
            state === 'exact' && mode === 'shared'
              ? JSON.stringify({ bucketName: names.Bucket, bucketRegion: config.region })
              : undefined;
          const resolver = new Resolver(resources, observed, names.AccessStack, shared);
          const policies: Partial<Record<SubjectRole, PolicyDoc[]>> = {};
          try {
            for (const [role, ids] of Object.entries(byRole) as [SubjectRole, string[]][]) {
              policies[role] = ids.map((p) => ({
                name: p,
                document: resolver.resolve(resources[p]?.Properties?.PolicyDocument, `${t.file}:${p}`),
              }));
            }
          } catch (e) {
            if (!(e instanceof BucketResolutionError)) throw e;
            skippedSubjects.push({ id: `${t.source}:${t.file}#${id}[${state}]`, reason: e.message });
            continue;
          }
          // Deployment-role mode (issue 11): CloudFormation service roles the expansion creates (trusting
          // cloudformation.amazonaws.com); the one whose logical id or name says admin is admin's lifecycle role.
          const serviceRoles = Object.entries(resources)
            .filter(
              ([k, r]) =>
                k.startsWith(id) &&
                r.Type === 'AWS::IAM::Role' &&
                JSON.stringify(r.Properties?.AssumeRolePolicyDocument ?? {}).includes('cloudformation.amazonaws.com') &&
                r.Properties?.RoleName !== undefined,
            )
            .map(([k, r]) => ({
              logicalId: k,
              name: String(resolver.resolve(r.Properties?.RoleName, `${t.file}:${k}.RoleName`)),
            }));
          const adminRole = serviceRoles.find((r) => /admin/i.test(r.logicalId) || /admin/i.test(r.name));
          const updateRole = serviceRoles.find((r) => r !== adminRole);
          const allNames = {
            ...names,
            ...(adminRole ? { AdminDeploymentRole: adminRole.name } : {}),
            ...(updateRole ? { UpdateDeploymentRole: updateRole.name } : {}),
          };
          const features = new Set<string>([`bucket:${mode}`, `state:${state}`]);
          if (adminRole) features.add('macro-admin-deployment-role');
          if (updateRole) features.add('macro-update-deployment-role');
          if (config.deploymentRoleArn) features.add('deployment-role');
          if (config.permissionsBoundary) features.add('permissions-boundary');
          if (config.createApiGatewayCloudWatchRole) features.add('create-apigw-cloudwatch-role');
          if (config.manyLambdas) features.add('many-lambdas');
          // EventBridge rules (events.rules-put-*): patterns on listed sources, and rules naming none (schedules).
          if (config.eventSources.length) features.add('event-sources');
          if (config.events.includes('schedule')) features.add('event-schedules');
          // IamStage with IAM wildcards (pr-*): every stage it spans is the own one, hyphen-siblings (pr-1-eu) included.
          if (/[*?]/.test(config.iamStage)) features.add('stage-wildcard');
          if (config.subscribedTopicArns.length) features.add('subscribed-topics');
          if (config.subscribedLogGroupNames.length) features.add('subscribed-log-groups');
          for (const s of SUBMODULES)
            if (config.submoduleProperties[s.property] !== undefined) features.add(`submodule:${s.property}`);
          subjects.push({
            id: `${t.source}:${t.file}#${id}[${state}]`,
            source: t.source,
            file: t.file,
            logicalId: id,
            bucketState: state,
            config,
            policies,
            features,
            names: allNames,
          });
        }
      }
    }
    return subjects;
  })();
  return cache;
}
