/**
 * Evaluation: every recorded call (and every call CloudFormation makes on the caller's behalf) of every
 * step, as IAM requests, against each group's policies from the macro's real output; then the same
 * requests replayed against the neighbour stage and the neighbour service (their real names, from moto).
 *
 * Expectations (role-matrix.ts COMMAND_MATRIX, docs/prove.md):
 *   own service+stage: admin may run every command; developer and ci may run everything but the first
 *   deploy (create), remove and metrics. A command "may run" when every request it makes is Allowed
 *   (requests whose denial the CLI tolerates excepted); "may not" when at least one is Denied.
 *   neighbour stage / service: every request is Denied for all three groups, except requests that name
 *   nothing service-specific ('*'-only actions without a scoping condition key, region-wide listings:
 *   identical after the rewrite, so nothing to replay) and
 *   the documented exceptions of known-gaps.ts.
 */
import { policiesFor, type AccessInput } from './policies';
import type { DeploymentRoleKind } from '../../../functions/core/deployment-role';
import { asServiceRole, rolePolicies, viewOf, withGroupRole, type GroupRoleView } from './deployment-roles';
import { simulate, type PolicyDoc, type SimResult } from './simulate';
import { ABSENT_STACK_ID, globalContext, mapCall, UnmappedCallError, type MapEnv } from './call-map';
import type { Framework } from './frameworks';
import v4Catalog from './v4-catalog.json';
import { EXCEPTIONS, type Exception, type MatchContext } from './known-gaps';
import { onBehalfRequests } from './on-behalf';
import { withStackTags } from './resource-tags';
import { COMMAND_MATRIX, type CommandExpectation } from './role-matrix';
import { ACCOUNT, PARTITION, type StageRun, type UnitRun } from './runner';
import {
  ROLES,
  type GroupRole,
  type IamRequest,
  type RecordedCall,
  type ServiceFacts,
  type StackState,
  type StepKind,
  type StepRecord,
  type Target,
} from './types';

export type Expectation = CommandExpectation;

/** What each group may run on its own service+stage: the role line's command level (role-matrix.ts). */
export const EXPECTED = COMMAND_MATRIX;

export const STEP_LABEL: Readonly<Record<StepKind, string>> = {
  package: 'package',
  'deploy-create': 'deploy (create)',
  'deploy-nochange': 'deploy (no change)',
  'deploy-update': 'deploy (update)',
  'deploy-update-other-method': 'deploy (other method)',
  'deploy-function': 'deploy function',
  info: 'info',
  logs: 'logs',
  invoke: 'invoke',
  'deploy-list': 'deploy list',
  rollback: 'rollback -t',
  'rollback-function': 'rollback function',
  metrics: 'metrics',
  remove: 'remove',
};

export interface Evaluated {
  readonly request: IamRequest;
  readonly target: Target;
  readonly role: GroupRole;
  readonly decision: 'Allowed' | 'Denied';
  readonly sim?: SimResult;
  /** The exception (known-gaps.ts) that explains a result contrary to the expectation. */
  readonly exception?: Exception;
  /** Replays only: the request named nothing the rewrite changed (no service- or stage-specific part). */
  readonly unscoped?: boolean;
  readonly error?: string;
}

export interface Mismatch {
  readonly service: string;
  readonly framework: string;
  readonly stage: string;
  readonly step: StepKind;
  readonly role: GroupRole;
  readonly target: Target;
  readonly expected: string;
  readonly actual: string;
  readonly request?: IamRequest;
  readonly sim?: SimResult;
  /** The recorded SDK call the request comes from (CLI requests). */
  readonly call?: RecordedCall;
  readonly detail: string;
}

export interface Cell {
  allowed: number;
  denied: number;
  /** Results contrary to the expectation that an exception of known-gaps.ts explains. */
  excepted: number;
  /** Replays: requests that name nothing service- or stage-specific (not counted as allowed/denied). */
  unscoped: number;
}

export interface StepResult {
  readonly service: string;
  readonly framework: string;
  readonly stage: string;
  readonly step: StepRecord;
  readonly requests: readonly IamRequest[];
  /** role -> target -> counts */
  readonly cells: Record<GroupRole, Record<Target, Cell>>;
  readonly outcome: Record<GroupRole, { expected: Expectation; ok: boolean; firstDenied?: Evaluated }>;
}

export interface UnitEvaluation {
  readonly run: UnitRun;
  readonly steps: StepResult[];
  readonly mismatches: Mismatch[];
  /** Exceptions that explained at least one result, with how many. */
  readonly exceptionsUsed: Map<string, number>;
  readonly requestCount: number;
}

export interface EvaluateOptions {
  /**
   * Which policies each step is judged with: 'pattern' (the resolver has not seen the stack: the bucket
   * name pattern, the state right after the Access stack is created) or 'exact' (the resolver re-ran after
   * the first deploy: the exact bucket name) for every step but the first deploy.
   */
  readonly bucketResolution: 'pattern' | 'exact';
  /**
   * DeploymentRoles (scripts/lib/prove/deployment-roles.ts): the services pass provider.iam.deploymentRole; each group
   * is judged with its own role, and CloudFormation's resource-handler calls against that role's policy.
   */
  readonly deploymentRoles?: boolean;
}

const emptyCell = (): Cell => ({ allowed: 0, denied: 0, excepted: 0, unscoped: 0 });

function accessInput(
  facts: ServiceFacts,
  observedBucketName?: string,
  extraProperties?: Record<string, unknown>,
): AccessInput {
  return {
    serviceName: facts.service,
    stage: facts.stage,
    region: facts.region,
    ...(facts.customStackName ? { stackName: facts.customStackName } : {}),
    ...(facts.deploymentBucket ? { deploymentBucket: facts.deploymentBucket } : {}),
    ...(facts.deploymentPrefix ? { deploymentPrefix: facts.deploymentPrefix } : {}),
    ...(observedBucketName ? { observedBucketName } : {}),
    extraProperties: {
      ...(extraProperties?.DeploymentRoles
        ? Object.fromEntries(Object.entries(facts.accessProperties).filter(([k]) => k !== 'DeploymentRoleArn'))
        : facts.accessProperties),
      ...(extraProperties ?? {}),
    },
  };
}

const rolePolicyCache = new Map<string, Promise<Record<DeploymentRoleKind, PolicyDoc[]>>>();
/** DeploymentRoles: the deployment roles' policies of the same expansion the groups come from. */
export function deploymentRolePolicies(
  facts: ServiceFacts,
  observedBucketName?: string,
): Promise<Record<DeploymentRoleKind, PolicyDoc[]>> {
  const input = accessInput(facts, observedBucketName, { DeploymentRoles: true });
  const key = JSON.stringify(input);
  let p = rolePolicyCache.get(key);
  if (!p) {
    p = policiesFor(input).then((r) => rolePolicies(r, observedBucketName));
    rolePolicyCache.set(key, p);
  }
  return p;
}

const policyCache = new Map<string, Promise<Record<GroupRole, readonly PolicyDoc[]>>>();
export function groupPolicies(
  facts: ServiceFacts,
  observedBucketName?: string,
  extraProperties?: Record<string, unknown>,
): Promise<Record<GroupRole, readonly PolicyDoc[]>> {
  const input = accessInput(facts, observedBucketName, extraProperties);
  const key = JSON.stringify(input);
  let p = policyCache.get(key);
  if (!p) {
    p = policiesFor(input).then((r) => r.groups as Record<GroupRole, readonly PolicyDoc[]>);
    policyCache.set(key, p);
  }
  return p;
}

function mapEnv(facts: ServiceFacts, states: readonly (StackState | undefined)[]): MapEnv {
  return {
    partition: PARTITION,
    region: facts.region,
    account: ACCOUNT,
    stackId: (name) => states.find((s) => s && s.stackId.includes(`:stack/${name}/`))?.stackId,
  };
}

/** Every IAM request of a step: the recorded calls, mapped, and CloudFormation's on-behalf calls. */
export function stepRequests(
  step: StepRecord,
  facts: ServiceFacts,
  states: readonly (StackState | undefined)[],
  deploymentRoles = false,
): { requests: IamRequest[]; errors: string[] } {
  const env = mapEnv(facts, [step.before, step.after, ...states]);
  const requests: IamRequest[] = [];
  const errors: string[] = [];
  for (const call of step.calls) {
    try {
      requests.push(...mapCall(call, env));
    } catch (e) {
      if (e instanceof UnmappedCallError) errors.push(e.message);
      else errors.push(`${call.service}.${call.op} #${call.seq}: ${(e as Error).message}`);
    }
  }
  // With a stack service role (provider.iam.deploymentRole) CloudFormation acts as that role, not as the caller: its
  // calls are judged only with DeploymentRoles, where the role is the macro's (evaluateStep judges them as the role).
  const serviceRole = step.calls.some(
    (c) => c.service === 'CloudFormation' && typeof c.input.RoleARN === 'string' && c.input.RoleARN !== '',
  );
  if (!serviceRole || deploymentRoles) {
    try {
      requests.push(
        ...onBehalfRequests(step.before, step.after, {
          partition: PARTITION,
          region: facts.region,
          account: ACCOUNT,
          stackName: facts.stackName,
        }),
      );
    } catch (e) {
      errors.push(`on-behalf derivation: ${(e as Error).message}`);
    }
  }
  for (const r of requests) if (r.noIam?.startsWith('UNMAPPED')) errors.push(`${r.origin}: ${r.noIam}`);
  return { requests: withStackTags(requests, facts.stackName, [step.before, step.after, ...states]), errors };
}

// ---------------------------------------------------------------------------------------------------------
// Rewriting a request from the own service+stage to a neighbour's names

export interface Neighbour {
  readonly target: Exclude<Target, 'own'>;
  readonly facts: ServiceFacts;
  readonly state?: StackState;
}

function artifactPrefix(f: ServiceFacts): string {
  return `${f.deploymentPrefix ?? 'serverless'}/${f.service}/${f.stage}`;
}

/** Pairs own name -> neighbour name, longest first. */
export function rewritePairs(own: StageRun, nb: Neighbour): [string, string][] {
  const pairs = new Map<string, string>();
  const add = (a: string | undefined, b: string | undefined) => {
    if (a && b && a !== b && a.length >= 3 && !pairs.has(a)) pairs.set(a, b);
  };
  const ownStates = [own.created, ...own.states].filter((s): s is StackState => !!s);
  if (nb.state) {
    for (const st of ownStates) {
      add(st.stackId, nb.state.stackId);
      for (const [id, phys] of Object.entries(st.physical)) add(phys, nb.state.physical[id]);
    }
  }
  add(artifactPrefix(own.facts), artifactPrefix(nb.facts));
  for (const [key, f] of Object.entries(own.facts.functions)) add(f.name, nb.facts.functions[key]?.name);
  add(own.facts.stackName, nb.facts.stackName);
  add(`${own.facts.service}-${own.facts.stage}`, `${nb.facts.service}-${nb.facts.stage}`);
  add(`/${own.facts.service}/${own.facts.stage}/`, `/${nb.facts.service}/${nb.facts.stage}/`);
  return [...pairs.entries()].sort((a, b) => b[0].length - a[0].length);
}

export function rewrite(value: string, pairs: readonly [string, string][]): string {
  let out = value;
  // Two passes, so a replacement is never rewritten again by a shorter pair.
  pairs.forEach(([from], i) => {
    if (out.includes(from)) out = out.split(from).join(`\u0000${i}\u0000`);
  });
  // eslint-disable-next-line no-control-regex -- NUL delimits placeholders: it cannot occur in a policy
  return out.replace(/\u0000(\d+)\u0000/g, (_w, i: string) => pairs[Number(i)][1]);
}

export function rewriteRequest(r: IamRequest, pairs: readonly [string, string][]): IamRequest {
  const context: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.context))
    context[k] = Array.isArray(v) ? v.map((x) => rewrite(x, pairs)) : rewrite(v, pairs);
  return { ...r, resource: rewrite(r.resource, pairs), context };
}

// ---------------------------------------------------------------------------------------------------------

function findException(
  target: Target,
  role: GroupRole,
  request: IamRequest,
  m: MatchContext,
  expected: Expectation,
): Exception | undefined {
  return EXCEPTIONS.find(
    (x) =>
      x.waives === expected &&
      x.targets.includes(target) &&
      (!x.roles || x.roles.includes(role)) &&
      x.match(request, m),
  );
}

async function simulateSafe(
  policies: readonly PolicyDoc[],
  r: IamRequest,
): Promise<{ sim?: SimResult; error?: string }> {
  try {
    return { sim: await simulate(policies, { action: r.action, resource: r.resource, context: r.context }) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

interface StepContext {
  readonly service: string;
  readonly framework: Framework;
  readonly frameworkLabel: string;
  readonly stageRun: StageRun;
  readonly neighbours: readonly Neighbour[];
  readonly pairsOf: ReadonlyMap<Target, [string, string][]>;
  readonly policies: Record<GroupRole, readonly PolicyDoc[]>;
  /** DeploymentRoles: each group's own role, its policies, and the admin role the run passed. */
  readonly views?: Readonly<Record<GroupRole, GroupRoleView>>;
  /** 'n/a' for commands a role may not run, when only part of the command's calls are evaluated (v4 catalog). */
  readonly expectationOf: (role: GroupRole) => Expectation | 'n/a';
}

interface Accumulator {
  readonly mismatches: Mismatch[];
  readonly exceptionsUsed: Map<string, number>;
}

async function evaluateStep(
  step: StepRecord,
  requests: readonly IamRequest[],
  c: StepContext,
  acc: Accumulator,
): Promise<StepResult> {
  const use = (x: Exception) => acc.exceptionsUsed.set(x.id, (acc.exceptionsUsed.get(x.id) ?? 0) + 1);
  const base = { service: c.service, framework: c.frameworkLabel, stage: c.stageRun.stage, step: step.kind };
  const callOf = (r: IamRequest) => {
    const seq = /#(\d+)$/.exec(r.origin)?.[1];
    return seq ? step.calls.find((x) => x.seq === Number(seq)) : undefined;
  };
  const cells = Object.fromEntries(
    ROLES.map((r) => [r, { own: emptyCell(), 'other-service': emptyCell(), 'other-stage': emptyCell() }]),
  ) as StepResult['cells'];
  const outcome = {} as StepResult['outcome'];
  for (const role of ROLES) {
    const expected = c.expectationOf(role);
    const m: MatchContext = { own: c.stageRun.facts, step: step.kind, framework: c.framework };
    let firstDenied: Evaluated | undefined;
    let firstUnexplained: Evaluated | undefined;
    let deniedCount = 0;
    const judged = (x: IamRequest): [readonly PolicyDoc[], IamRequest] => {
      const view = c.views?.[role];
      if (!view) return [c.policies[role], x];
      if (x.via === 'cloudformation') return [view.rolePolicies, asServiceRole(x, view.roleArn)];
      return [c.policies[role], withGroupRole(x, view.adminRoleArn, view.roleArn)];
    };
    for (const original of requests) {
      if (original.noIam) continue;
      const [policies, r] = judged(original);
      const { sim, error } = await simulateSafe(policies, r);
      if (error) {
        acc.mismatches.push({
          ...base,
          role,
          target: 'own',
          expected: 'a valid simulation',
          actual: 'simulation error',
          request: r,
          call: callOf(r),
          detail: error,
        });
        continue;
      }
      const decision = (sim as SimResult).decision;
      const cell = cells[role].own;
      if (decision === 'Allowed') {
        cell.allowed++;
        continue;
      }
      cell.denied++;
      if (r.tolerated) continue;
      const ev: Evaluated = { request: r, target: 'own', role, decision, sim };
      if (expected === 'allow') {
        const x = findException('own', role, r, m, 'allow');
        if (x) {
          use(x);
          cell.excepted++;
          continue;
        }
        firstUnexplained ??= ev;
      }
      deniedCount++;
      firstDenied ??= ev;
    }
    const ok = expected === 'n/a' ? true : expected === 'allow' ? !firstUnexplained : deniedCount > 0;
    outcome[role] = { expected: expected === 'n/a' ? 'deny' : expected, ok, ...(firstDenied ? { firstDenied } : {}) };
    if (!ok) {
      acc.mismatches.push(
        expected === 'allow'
          ? {
              ...base,
              role,
              target: 'own',
              expected: 'Allowed',
              actual: 'Denied',
              request: firstUnexplained?.request,
              sim: firstUnexplained?.sim,
              call: firstUnexplained ? callOf(firstUnexplained.request) : undefined,
              detail: `${role} cannot run ${STEP_LABEL[step.kind]} on its own service: this request is denied`,
            }
          : {
              ...base,
              role,
              target: 'own',
              expected: 'command denied',
              actual: 'every request Allowed',
              detail: `${role} can run ${STEP_LABEL[step.kind]} on its own service, which the role matrix reserves for admin`,
            },
      );
    }

    // Replays against the neighbours.
    for (const nb of c.neighbours) {
      const pairs = c.pairsOf.get(nb.target) ?? [];
      const cell = cells[role][nb.target];
      const nm: MatchContext = { ...m, neighbour: nb.facts, target: nb.target };
      for (const r of requests) {
        if (r.noIam) continue;
        const rewritten = rewriteRequest(r, pairs);
        if (rewritten.resource === r.resource && JSON.stringify(rewritten.context) === JSON.stringify(r.context)) {
          cell.unscoped++;
          continue;
        }
        const [policies, replay] = judged(rewritten);
        const { sim, error } = await simulateSafe(policies, replay);
        if (error) {
          acc.mismatches.push({
            ...base,
            role,
            target: nb.target,
            expected: 'a valid simulation',
            actual: 'simulation error',
            request: replay,
            call: callOf(r),
            detail: error,
          });
          continue;
        }
        if ((sim as SimResult).decision === 'Denied') {
          cell.denied++;
          continue;
        }
        cell.allowed++;
        const x = findException(nb.target, role, replay, nm, 'deny');
        if (x) {
          use(x);
          cell.excepted++;
          continue;
        }
        acc.mismatches.push({
          ...base,
          role,
          target: nb.target,
          expected: 'Denied',
          actual: 'Allowed',
          request: replay,
          sim,
          call: callOf(r),
          detail: `${role} of ${c.stageRun.facts.service}/${c.stageRun.stage} is allowed this request against ${nb.facts.service}/${nb.facts.stage}`,
        });
      }
    }
  }
  return { service: c.service, framework: c.frameworkLabel, stage: c.stageRun.stage, step, requests, cells, outcome };
}

function neighboursOf(run: UnitRun, i: number): Neighbour[] {
  const stageRun = run.stages[i];
  const otherStage = run.stages[(i + 1) % run.stages.length];
  const neighbours: Neighbour[] = [];
  if (otherStage && otherStage !== stageRun)
    neighbours.push({ target: 'other-stage', facts: otherStage.facts, state: otherStage.created });
  if (run.otherService)
    neighbours.push({ target: 'other-service', facts: run.otherService.facts, state: run.otherService.state });
  return neighbours;
}

export async function evaluateUnit(run: UnitRun, opts: EvaluateOptions): Promise<UnitEvaluation> {
  const steps: StepResult[] = [];
  const acc: Accumulator = { mismatches: [], exceptionsUsed: new Map() };
  let requestCount = 0;
  for (const [i, stageRun] of run.stages.entries()) {
    const neighbours = neighboursOf(run, i);
    const pairsOf = new Map(neighbours.map((nb) => [nb.target, rewritePairs(stageRun, nb)]));
    const observed = stageRun.created?.physical.ServerlessDeploymentBucket;
    for (const step of stageRun.steps) {
      const exact = opts.bucketResolution === 'exact' && step.kind !== 'deploy-create' && step.kind !== 'package';
      const observedName = exact ? observed : undefined;
      const modeProps = opts.deploymentRoles ? { DeploymentRoles: true } : undefined;
      const policies = await groupPolicies(stageRun.facts, observedName, modeProps);
      const views = opts.deploymentRoles
        ? await (async () => {
            const roles = await deploymentRolePolicies(stageRun.facts, observedName);
            const f = stageRun.facts;
            return Object.fromEntries(ROLES.map((g) => [g, viewOf(g, f.service, f.stage, ACCOUNT, roles)])) as Record<
              GroupRole,
              GroupRoleView
            >;
          })()
        : undefined;
      const { requests, errors } = stepRequests(step, stageRun.facts, stageRun.states, !!opts.deploymentRoles);
      requestCount += requests.length;
      for (const detail of errors) {
        acc.mismatches.push({
          service: run.spec.id,
          framework: run.framework.label,
          stage: stageRun.stage,
          step: step.kind,
          role: 'admin',
          target: 'own',
          expected: 'every call mapped',
          actual: 'unmapped',
          detail,
        });
      }
      const kind = step.kind;
      steps.push(
        await evaluateStep(
          step,
          requests,
          {
            service: run.spec.id,
            framework: run.framework,
            frameworkLabel: run.framework.label,
            stageRun,
            neighbours,
            pairsOf,
            policies,
            ...(views ? { views } : {}),
            expectationOf: (role) => EXPECTED[kind][role],
          },
          acc,
        ),
      );
    }
  }
  return { run, steps, mismatches: acc.mismatches, exceptionsUsed: acc.exceptionsUsed, requestCount };
}

// ---------------------------------------------------------------------------------------------------------
// Serverless Framework v4: the calls it adds, from v4-catalog.json (it cannot run offline)

interface V4Call {
  readonly id: string;
  readonly commands: readonly string[];
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
  readonly when?: string;
  readonly tolerated?: string;
  readonly source: string;
}
export const V4_CATALOG = v4Catalog as unknown as {
  sharedBucket: string;
  artifactDir: string;
  calls: readonly V4Call[];
};
export const V4_LABEL = 'serverless@4 (catalog)';

export function v4Requests(kind: StepKind, facts: ServiceFacts, stackId: string): IamRequest[] {
  const values: Record<string, string> = {
    Partition: PARTITION,
    Region: facts.region,
    Account: ACCOUNT,
    Service: facts.service,
    Stage: facts.stage,
    StackName: facts.stackName,
    StackId: stackId.split('/').pop() as string,
    Prefix: facts.deploymentPrefix ?? 'serverless',
    ArtifactDir: V4_CATALOG.artifactDir,
  };
  values.Bucket = V4_CATALOG.sharedBucket.replace(/\$\{(\w+)\}/g, (_w, k: string) => values[k]);
  const fill = (t: string) =>
    t.replace(/\$\{(\w+)\}/g, (_w, k: string) => {
      if (!(k in values)) throw new Error(`v4-catalog.json: unknown placeholder \${${k}}`);
      return values[k];
    });
  const env = { partition: PARTITION, region: facts.region, account: ACCOUNT, stackId: () => undefined };
  return V4_CATALOG.calls
    .filter((c) => c.commands.includes('*') || c.commands.includes(kind))
    .map((c) => ({
      action: c.action,
      resource: fill(c.resource),
      context: {
        ...globalContext(env, 'cli'),
        ...Object.fromEntries(Object.entries(c.context ?? {}).map(([k, v]) => [k, fill(v)])),
      },
      via: 'cli' as const,
      origin: `v4-catalog ${c.id}${c.when ? ` (when ${c.when})` : ''}`,
      mapId: `v4:${c.id}`,
      ...(c.tolerated ? { tolerated: c.tolerated } : {}),
    }));
}

/** The v4 catalog, for the fully proven stages of a unit (the osls 4 run supplies the real names). */
export async function evaluateV4(run: UnitRun): Promise<UnitEvaluation> {
  const steps: StepResult[] = [];
  const acc: Accumulator = { mismatches: [], exceptionsUsed: new Map() };
  let requestCount = 0;
  for (const [i, stageRun] of run.stages.entries()) {
    if (!stageRun.full) continue;
    const neighbours = neighboursOf(run, i);
    const pairsOf = new Map(neighbours.map((nb) => [nb.target, rewritePairs(stageRun, nb)]));
    const policies = await groupPolicies(stageRun.facts, undefined, { DeploymentBucket: { Shared: true } });
    const stackId =
      stageRun.created?.stackId ??
      `arn:${PARTITION}:cloudformation:${stageRun.facts.region}:${ACCOUNT}:stack/${stageRun.facts.stackName}/${ABSENT_STACK_ID}`;
    const kinds = [...new Set(stageRun.steps.map((s) => s.kind))];
    for (const kind of kinds) {
      const requests = v4Requests(kind, stageRun.facts, stackId);
      if (!requests.length) continue;
      requestCount += requests.length;
      const step: StepRecord = {
        kind,
        argv: ['(v4-catalog.json)'],
        exitCode: 0,
        calls: [],
        emulated: ['serverless@4: the calls v4 adds, from v4-catalog.json (v4 cannot run offline)'],
        durationMs: 0,
        output: '',
      };
      steps.push(
        await evaluateStep(
          step,
          requests,
          {
            service: run.spec.id,
            framework: run.framework,
            frameworkLabel: V4_LABEL,
            stageRun,
            neighbours,
            pairsOf,
            policies,
            // Only part of the command: where the matrix denies the command, these calls alone prove nothing.
            expectationOf: (role) => (EXPECTED[kind][role] === 'allow' ? 'allow' : 'n/a'),
          },
          acc,
        ),
      );
    }
  }
  return { run, steps, mismatches: acc.mismatches, exceptionsUsed: acc.exceptionsUsed, requestCount };
}
