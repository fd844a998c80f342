/**
 * Evaluation: every recorded call (and every call CloudFormation makes on the caller's behalf) of every
 * step, as IAM requests, against each group's policies from the macro's real output; then the same
 * requests replayed against the neighbour stage and the neighbour service (their real names, from moto).
 *
 * Expectations (the anchor's role matrix, docs/prove.md):
 *   own service+stage: admin may run every command; developer and ci may run everything but the first
 *   deploy (create), remove and metrics. A command "may run" when every request it makes is Allowed
 *   (requests whose denial the CLI tolerates excepted); "may not" when at least one is Denied.
 *   neighbour stage / service: every request is Denied for all three groups, except requests that name
 *   nothing service-specific ('*'-only actions without a scoping condition key, region-wide listings:
 *   identical after the rewrite, so nothing to replay) and
 *   the documented exceptions of known-gaps.ts.
 */
import { policiesFor, type AccessInput } from '../../../test/proof/policies';
import { simulate, type PolicyDoc, type SimResult } from '../../../test/proof/simulate';
import { mapCall, UnmappedCallError, type MapEnv } from './call-map';
import { EXCEPTIONS, type Exception, type MatchContext } from './known-gaps';
import { onBehalfRequests } from './on-behalf';
import { ACCOUNT, PARTITION, type StageRun, type UnitRun } from './runner';
import { ROLES, type GroupRole, type IamRequest, type ServiceFacts, type StackState, type StepKind, type StepRecord, type Target } from './types';

export type Expectation = 'allow' | 'deny';

/** The anchor's role matrix (anchor research 5.2): what each group may run on its own service+stage. */
export const EXPECTED: Readonly<Record<StepKind, Readonly<Record<GroupRole, Expectation>>>> = (() => {
  const all: Record<GroupRole, Expectation> = { admin: 'allow', developer: 'allow', ci: 'allow' };
  const adminOnly: Record<GroupRole, Expectation> = { admin: 'allow', developer: 'deny', ci: 'deny' };
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
}

const emptyCell = (): Cell => ({ allowed: 0, denied: 0, excepted: 0, unscoped: 0 });

function accessInput(facts: ServiceFacts, observedBucketName?: string): AccessInput {
  return {
    serviceName: facts.service,
    stage: facts.stage,
    region: facts.region,
    ...(facts.customStackName ? { stackName: facts.customStackName } : {}),
    ...(facts.deploymentBucket ? { deploymentBucket: facts.deploymentBucket } : {}),
    ...(facts.deploymentPrefix ? { deploymentPrefix: facts.deploymentPrefix } : {}),
    ...(observedBucketName ? { observedBucketName } : {}),
  };
}

const policyCache = new Map<string, Promise<Record<GroupRole, readonly PolicyDoc[]>>>();
export function groupPolicies(facts: ServiceFacts, observedBucketName?: string): Promise<Record<GroupRole, readonly PolicyDoc[]>> {
  const input = accessInput(facts, observedBucketName);
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
export function stepRequests(step: StepRecord, facts: ServiceFacts, states: readonly (StackState | undefined)[]): { requests: IamRequest[]; errors: string[] } {
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
  // With a stack service role (provider.iam.deploymentRole) CloudFormation acts as that role, not as the caller.
  const serviceRole = step.calls.some((c) => c.service === 'CloudFormation' && typeof c.input.RoleARN === 'string' && c.input.RoleARN !== '');
  if (!serviceRole) {
    try {
      requests.push(...onBehalfRequests(step.before, step.after, { partition: PARTITION, region: facts.region, account: ACCOUNT, stackName: facts.stackName }));
    } catch (e) {
      errors.push(`on-behalf derivation: ${(e as Error).message}`);
    }
  }
  for (const r of requests) if (r.noIam?.startsWith('UNMAPPED')) errors.push(`${r.origin}: ${r.noIam}`);
  return { requests, errors };
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
  const held: string[] = [];
  pairs.forEach(([from], i) => {
    if (out.includes(from)) {
      out = out.split(from).join(`\u0000${i}\u0000`);
      held.push(String(i));
    }
  });
  return out.replace(/\u0000(\d+)\u0000/g, (_w, i: string) => pairs[Number(i)][1]);
}

export function rewriteRequest(r: IamRequest, pairs: readonly [string, string][]): IamRequest {
  const context: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.context)) context[k] = Array.isArray(v) ? v.map((x) => rewrite(x, pairs)) : rewrite(v, pairs);
  return { ...r, resource: rewrite(r.resource, pairs), context };
}

// ---------------------------------------------------------------------------------------------------------

function findException(target: Target, role: GroupRole, request: IamRequest, m: MatchContext, expected: Expectation): Exception | undefined {
  return EXCEPTIONS.find((x) => x.waives === expected && x.targets.includes(target) && (!x.roles || x.roles.includes(role)) && x.match(request, m));
}

async function simulateSafe(policies: readonly PolicyDoc[], r: IamRequest): Promise<{ sim?: SimResult; error?: string }> {
  try {
    return { sim: await simulate(policies, { action: r.action, resource: r.resource, context: r.context }) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export async function evaluateUnit(run: UnitRun, opts: EvaluateOptions): Promise<UnitEvaluation> {
  const steps: StepResult[] = [];
  const mismatches: Mismatch[] = [];
  const exceptionsUsed = new Map<string, number>();
  let requestCount = 0;
  const use = (x: Exception) => exceptionsUsed.set(x.id, (exceptionsUsed.get(x.id) ?? 0) + 1);
  const service = run.spec.id;
  const framework = run.framework.label;

  for (const [i, stageRun] of run.stages.entries()) {
    const otherStage = run.stages[(i + 1) % run.stages.length];
    const neighbours: Neighbour[] = [];
    if (otherStage && otherStage !== stageRun) neighbours.push({ target: 'other-stage', facts: otherStage.facts, state: otherStage.created });
    if (run.otherService) neighbours.push({ target: 'other-service', facts: run.otherService.facts, state: run.otherService.state });
    const pairsOf = new Map(neighbours.map((nb) => [nb.target, rewritePairs(stageRun, nb)]));
    const observed = stageRun.created?.physical.ServerlessDeploymentBucket;

    for (const step of stageRun.steps) {
      const exact = opts.bucketResolution === 'exact' && step.kind !== 'deploy-create' && step.kind !== 'package';
      const policies = await groupPolicies(stageRun.facts, exact ? observed : undefined);
      const { requests, errors } = stepRequests(step, stageRun.facts, stageRun.states);
      requestCount += requests.length;
      const base = { service, framework, stage: stageRun.stage, step: step.kind };
      for (const detail of errors) {
        mismatches.push({ ...base, role: 'admin', target: 'own', expected: 'every call mapped', actual: 'unmapped', detail });
      }
      const cells = Object.fromEntries(ROLES.map((r) => [r, { own: emptyCell(), 'other-service': emptyCell(), 'other-stage': emptyCell() }])) as StepResult['cells'];
      const outcome = {} as StepResult['outcome'];
      for (const role of ROLES) {
        const expected = EXPECTED[step.kind][role];
        const m: MatchContext = { own: stageRun.facts, step: step.kind, framework: run.framework };
        let firstDenied: Evaluated | undefined;
        let firstUnexplained: Evaluated | undefined;
        let deniedCount = 0;
        for (const r of requests) {
          if (r.noIam) continue;
          const { sim, error } = await simulateSafe(policies[role], r);
          if (error) {
            mismatches.push({ ...base, role, target: 'own', expected: 'a valid simulation', actual: 'simulation error', request: r, detail: error });
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
        const ok = expected === 'allow' ? !firstUnexplained : deniedCount > 0;
        outcome[role] = { expected, ok, ...(firstDenied ? { firstDenied } : {}) };
        if (!ok) {
          mismatches.push(
            expected === 'allow'
              ? { ...base, role, target: 'own', expected: 'Allowed', actual: 'Denied', request: firstUnexplained?.request, sim: firstUnexplained?.sim, detail: `${role} cannot run ${STEP_LABEL[step.kind]} on its own service: this request is denied` }
              : { ...base, role, target: 'own', expected: 'command denied', actual: 'every request Allowed', detail: `${role} can run ${STEP_LABEL[step.kind]} on its own service, which the role matrix reserves for admin` },
          );
        }

        // Replays against the neighbours.
        for (const nb of neighbours) {
          const pairs = pairsOf.get(nb.target) ?? [];
          const cell = cells[role][nb.target];
          const nm: MatchContext = { ...m, neighbour: nb.facts, target: nb.target };
          for (const r of requests) {
            if (r.noIam) continue;
            const replay = rewriteRequest(r, pairs);
            if (replay.resource === r.resource && JSON.stringify(replay.context) === JSON.stringify(r.context)) {
              cell.unscoped++;
              continue;
            }
            const { sim, error } = await simulateSafe(policies[role], replay);
            if (error) {
              mismatches.push({ ...base, role, target: nb.target, expected: 'a valid simulation', actual: 'simulation error', request: replay, detail: error });
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
            mismatches.push({
              ...base,
              role,
              target: nb.target,
              expected: 'Denied',
              actual: 'Allowed',
              request: replay,
              sim,
              detail: `${role} of ${stageRun.facts.service}/${stageRun.stage} is allowed this request against ${nb.facts.service}/${nb.facts.stage}`,
            });
          }
        }
      }
      steps.push({ service, framework, stage: stageRun.stage, step, requests, cells, outcome });
    }
  }
  return { run, steps, mismatches, exceptionsUsed, requestCount };
}
