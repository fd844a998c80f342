/**
 * Grant coverage: every grant the catalog can make, as (catalog entry, action, resource pattern, role), must be
 * needed by a framework call we know of, or carry a reviewed justification (grant-justifications.json).
 *
 * The calls (evidence):
 * - the Serverless Framework calls of sls-api-calls.json, CLI and CloudFormation-on-behalf, selected and made concrete
 *   for each fixture exactly as the allow/deny proof does (test/proof/calls.ts selectCalls + concretize), counted
 *   for a role only where the role matrix (test/proof/role-matrix.ts) says that role must be Allowed;
 * - the calls Serverless v4 adds (scripts/lib/prove/v4-catalog.json), for the roles whose commands make them
 *   (scripts/lib/prove/evaluate.ts EXPECTED), against the policies of a v4 shared-bucket Access resource.
 * A call evidences a grant when the evaluator allows it for that role, the statement of that entry allows it on its
 * own (so a grant shadowed by a wider one is not counted as needed by it), the action matches and the resource
 * matches that pattern as the macro renders it for the fixture.
 *
 * The universe: every core catalog entry (functions/catalog) and every submodule entry (functions/submodules, with
 * the kitchen sink's options), for every role it names (`roles` and `alsoFor.roles`).
 */
import { CORE_CATALOG } from '../../functions/catalog';
import type { CatalogEntry, Role } from '../../functions/catalog/types';
import { GROUP_ROLES, type GroupRole } from '../../functions/catalog/types';
import { parseAccess, type AccessConfig } from '../../functions/core/config';
import { renderEntry, sidOf } from '../../functions/core/iam/render';
import { arnTokens } from '../../functions/core/naming';
import { ACCESS_TYPE } from '../../functions/core/transform';
import { SUBMODULES } from '../../functions/submodules';
import { CALL_MAP } from '../../scripts/lib/prove/call-map';
import { EXPECTED, V4_CATALOG } from '../../scripts/lib/prove/evaluate';
import { ON_BEHALF } from '../../scripts/lib/prove/on-behalf';
import type { StepKind } from '../../scripts/lib/prove/types';
import {
  accessPropertiesOf,
  ARTIFACT_DIR,
  concretize,
  fixtureInfo,
  loadModel,
  loadTemplate,
  namesOf,
  OWN_SUFFIXES,
  PARTITION,
  selectCalls,
} from '../../scripts/lib/prove/calls';
import {
  ACCESS_LOGICAL_ID,
  MACRO_REGION,
  policiesFor,
  Resolver,
  type ProofPolicies,
} from '../../scripts/lib/prove/policies';
import { expectationFor } from '../../scripts/lib/prove/role-matrix';
import { expand, kitchenSinkProperties } from '../proof/submodule-requests';
import { ACCOUNT_ID, PRINCIPAL, simulate, type PolicyDoc, type SimRequest } from '../../scripts/lib/prove/simulate';
import { relevantPolicies } from './evaluate';
import { sharedBucketName } from './subjects';

export interface Grant {
  readonly entry: string;
  readonly action: string;
  /** The catalog's resource pattern, with its `{Token}`s. */
  readonly resource: string;
  readonly role: Role;
  readonly module?: string;
}

/**
 * Coverage is factored: an action is needed for a role when a call of that role needs it on one of the entry's
 * resource patterns; a resource pattern is needed when some call of the entry falls on it. (The full cross product
 * would call every pattern spelling of the same names surplus for every action: `function:{ExtraFunctions}:*` for
 * GetAlias, say.) A surplus action, role or pattern still fails.
 */
export const actionKey = (entry: string, action: string, role: Role) => `${entry} | action ${action} | role ${role}`;
export const patternKey = (entry: string, pattern: string) => `${entry} | resource ${pattern}`;

/** The coverage keys of the catalog: every (entry, action, role) and every (entry, resource pattern). */
export function keysOf(
  grants: readonly Grant[],
): Map<string, { entry: string; action?: string; role?: Role; resource?: string; module?: string }> {
  const keys = new Map<string, { entry: string; action?: string; role?: Role; resource?: string; module?: string }>();
  for (const g of grants) {
    keys.set(actionKey(g.entry, g.action, g.role), {
      entry: g.entry,
      action: g.action,
      role: g.role,
      module: g.module,
    });
    keys.set(patternKey(g.entry, g.resource), { entry: g.entry, resource: g.resource, module: g.module });
  }
  return keys;
}

/** Fixtures whose calls are the evidence (the allow/deny proof's), each in the bucket state it is proven in. */
export const FIXTURES: readonly { dir: string; observed: boolean }[] = [
  { dir: '01-basic', observed: true },
  { dir: '01-basic', observed: false },
  { dir: '02-http-api', observed: true },
  { dir: '03-rest-api', observed: true },
  { dir: '04-queues-topics-schedule', observed: true },
  { dir: '05-streams-s3-eventbridge', observed: true },
  { dir: '06-layer', observed: true },
  { dir: '07-vpc', observed: true },
  { dir: '08-tracing-iam', observed: true },
  { dir: '09-custom-deployment-bucket', observed: false },
  { dir: '10-long-names', observed: true },
  { dir: '11-custom-stack-name', observed: true },
];

/** Every grant the catalog can make. */
/** The grants of one catalog entry. */
export function grantsOf(e: CatalogEntry, module?: string): Grant[] {
  const grants: Grant[] = [];
  if (e.effect === 'Deny') return grants; // a Deny statement grants nothing: it is a closure, not a grant to cover
  const roles = new Set<Role>([...e.roles, ...(e.alsoFor?.roles ?? [])]);
  for (const role of roles)
    for (const action of e.actions)
      for (const resource of e.resources)
        grants.push({ entry: e.id, action, resource, role, ...(module ? { module } : {}) });
  return grants;
}

export async function universe(): Promise<Grant[]> {
  const grants: Grant[] = [];
  const add = (e: CatalogEntry, module?: string) => grants.push(...grantsOf(e, module));
  for (const e of CORE_CATALOG) add(e);
  const sink = await expand('tapir', 'dev', kitchenSinkProperties());
  for (const { module, entry } of sink.entries.values()) add(entry, module);
  return grants;
}

interface Scenario {
  readonly label: string;
  readonly config: AccessConfig;
  readonly proof: ProofPolicies;
  readonly observed?: string;
  readonly shared?: string;
  /** Needed calls: the request and the roles that must be allowed to make it. */
  readonly calls: readonly { request: SimRequest; roles: readonly GroupRole[]; origin: string }[];
}

function configOf(properties: Record<string, unknown>): AccessConfig {
  return parseAccess(
    ACCESS_LOGICAL_ID,
    { Type: ACCESS_TYPE, Properties: properties },
    { region: MACRO_REGION, accountId: ACCOUNT_ID, templateParameterValues: {} },
    SUBMODULES.map((s) => s.property),
  );
}

async function fixtureScenario(dir: string, observed: boolean): Promise<Scenario> {
  const { stages } = fixtureInfo(dir);
  const model = loadModel(dir, stages[0]);
  const own = namesOf(model, OWN_SUFFIXES);
  const selection = selectCalls(own, loadTemplate(dir, stages[0]));
  const extra = accessPropertiesOf(model);
  const stackName = model.stackName !== `${model.service}-${model.stage}` ? model.stackName : undefined;
  const deploymentPrefix = model.deploymentPrefix !== 'serverless' ? model.deploymentPrefix : undefined;
  const observedName = observed && !model.customBucket ? own.global.BucketName : undefined;
  const proof = await policiesFor({
    serviceName: model.service,
    stage: model.stage,
    region: model.region,
    stackName,
    deploymentBucket: model.customBucket,
    deploymentPrefix,
    observedBucketName: observedName,
    extraProperties: extra,
  });
  const config = configOf({
    ServiceName: model.service,
    SlsServiceName: model.service,
    Stage: model.stage,
    Region: model.region,
    ...(stackName ? { StackName: stackName } : {}),
    ...(model.customBucket ? { DeploymentBucket: model.customBucket } : {}),
    ...(deploymentPrefix ? { DeploymentPrefix: deploymentPrefix } : {}),
    ...extra,
  });
  const calls = selection.selected.map((sel) => {
    const call = concretize(sel, own, 'own', 'own');
    const roles = GROUP_ROLES.filter((r) => expectationFor(sel.entry, r).expect === 'Allowed');
    return { request: call.request, roles, origin: `sls-api-calls ${sel.entry.id} (${sel.entry.command})` };
  });
  return { label: `${dir}${observed ? '' : ' [pattern]'}`, config, proof, observed: observedName, calls };
}

/** Serverless v4's added calls, against a v4 shared-bucket Access resource of 01-basic's service. */
async function v4Scenario(): Promise<Scenario> {
  const service = 'orders';
  const stage = 'dev';
  const region = 'us-east-1';
  const props = { DeploymentBucket: { Shared: true } };
  const bucket = sharedBucketName(region);
  const shared = JSON.stringify({ bucketName: bucket, bucketRegion: region });
  const proof = await policiesFor({ serviceName: service, stage, region, extraProperties: props });
  const config = configOf({ ServiceName: service, SlsServiceName: service, Stage: stage, Region: region, ...props });
  const values: Record<string, string> = {
    Partition: PARTITION,
    Region: region,
    Account: ACCOUNT_ID,
    Service: service,
    Stage: stage,
    StackName: `${service}-${stage}`,
    StackId: '6f1e1f3c-0000-4000-8000-00000000abcd',
    Prefix: 'serverless',
    ArtifactDir: ARTIFACT_DIR,
    Bucket: bucket,
  };
  const fill = (t: string) =>
    t.replace(/\$\{(\w+)\}/g, (_w, k: string) => {
      if (!(k in values)) throw new Error(`v4-catalog.json: unknown placeholder \${${k}}`);
      return values[k];
    });
  const kinds = Object.keys(EXPECTED) as StepKind[];
  const calls = V4_CATALOG.calls.map((c) => {
    const used = c.commands.includes('*') ? kinds : (c.commands as StepKind[]);
    const roles = GROUP_ROLES.filter((r) => used.some((k) => EXPECTED[k]?.[r] === 'allow'));
    const context: Record<string, string | string[]> = {
      'aws:RequestedRegion': region,
      'aws:SecureTransport': 'true',
      'aws:ViaAWSService': 'false',
      'aws:PrincipalArn': PRINCIPAL,
      'aws:PrincipalAccount': ACCOUNT_ID,
      ...Object.fromEntries(Object.entries(c.context ?? {}).map(([k, v]) => [k, fill(v)])),
    };
    return { request: { action: c.action, resource: fill(c.resource), context }, roles, origin: `v4-catalog ${c.id}` };
  });
  return { label: 'v4 shared bucket (01-basic service)', config, proof, shared, calls };
}

const glob = (p: string, flags: string) =>
  new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  );
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export interface Evidence {
  readonly grant: string;
  readonly origin: string;
  readonly scenario: string;
}

/** For each grant key, the first call that needs it (absent: uncovered). */
export async function coverage(): Promise<{ grants: Grant[]; evidence: Map<string, Evidence>; calls: number }> {
  const grants = await universe();
  const entries = new Map<string, CatalogEntry>(CORE_CATALOG.map((e) => [sidOf(e.id), e]));
  const sink = await expand('tapir', 'dev', kitchenSinkProperties());
  for (const { entry } of sink.entries.values()) entries.set(sidOf(entry.id), entry);
  const evidence = new Map<string, Evidence>();
  const scenarios = [
    ...(await Promise.all(FIXTURES.map((f) => fixtureScenario(f.dir, f.observed)))),
    await v4Scenario(),
  ];
  let calls = 0;
  for (const sc of scenarios) {
    const resources = sc.proof.fragment.Resources as Record<
      string,
      { Type?: string; Properties?: Record<string, unknown> }
    >;
    const resolver = new Resolver(resources, sc.observed, sc.proof.accessStackName, sc.shared);
    const tokens = arnTokens(sc.config);
    const rendered = new Map<string, RegExp[]>();
    const patternMatches = (e: CatalogEntry, pattern: string, resource: string): boolean => {
      if (pattern === '*') return true;
      if (resource === '*') return false;
      const key = `${e.id}|${pattern}`;
      let res = rendered.get(key);
      if (!res) {
        // A pattern over an empty list token (no FunctionNames, say) renders to nothing for this scenario.
        const empty = [...pattern.matchAll(/\{([A-Za-z]+)\}/g)].some(
          ([, t]) => Array.isArray(tokens[t]) && (tokens[t] as readonly string[]).length === 0,
        );
        const st = empty ? undefined : renderEntry({ ...e, resources: [pattern] }, tokens).statement;
        res = st
          ? list(resolver.resolve(st.Resource, `${e.id}.Resource`) as string | string[]).map((r) => glob(r, ''))
          : [];
        rendered.set(key, res);
      }
      return res.some((r) => r.test(resource));
    };
    for (const call of sc.calls) {
      for (const role of call.roles) {
        calls++;
        const policies = sc.proof.groups[role];
        const relevant = relevantPolicies(policies, call.request);
        if (!relevant) continue;
        const result = await simulate(relevant, call.request);
        if (result.decision !== 'Allowed') continue;
        for (const st of (relevant[0].document as { Statement: Record<string, unknown>[] }).Statement) {
          if (st.Effect !== 'Allow') continue;
          const entry = entries.get(String(st.Sid));
          if (!entry) throw new Error(`${sc.label}: statement ${String(st.Sid)} has no catalog entry`);
          const alone: PolicyDoc[] = [{ name: 'alone', document: { Version: '2012-10-17', Statement: [st] } }];
          if ((await simulate(alone, call.request)).decision !== 'Allowed') continue;
          for (const action of entry.actions) {
            if (!glob(action, 'i').test(call.request.action)) continue;
            for (const pattern of entry.resources) {
              if (!patternMatches(entry, pattern, call.request.resource)) continue;
              for (const key of [actionKey(entry.id, action, role), patternKey(entry.id, pattern)]) {
                if (!evidence.has(key)) evidence.set(key, { grant: key, origin: call.origin, scenario: sc.label });
              }
            }
          }
        }
      }
    }
  }
  catalogued(grants, evidence);
  return { grants, evidence, calls };
}

/**
 * Action-level evidence from the two catalogued tables, for what no fixture's concrete call reaches:
 * - scripts/lib/prove/cfn-on-behalf.json: what CloudFormation's handlers call with the caller's credentials, per
 *   resource type the framework emits. Evidence for entries that grant only through the stack (aws:CalledVia):
 *   update handlers for every group, create and delete handlers for admin (the role line).
 * - scripts/lib/prove/call-map.json: the SDK calls the CLI makes (recorded by `npm run prove`), mapped to IAM
 *   actions. Evidence for entries that grant directly (no aws:CalledVia), for the roles the entry names.
 * Neither names a concrete resource, so they never evidence a resource pattern.
 */
function catalogued(grants: readonly Grant[], evidence: Map<string, Evidence>): void {
  const viaStack = new Map<string, Set<Role>>();
  for (const spec of Object.values(ON_BEHALF)) {
    for (const handler of ['create', 'update', 'delete'] as const) {
      for (const r of spec[handler] ?? []) {
        const roles = viaStack.get(r.action) ?? new Set<Role>();
        for (const role of handler === 'update' ? GROUP_ROLES : (['admin'] as const)) roles.add(role);
        viaStack.set(r.action, roles);
      }
    }
  }
  const cli = new Set<string>();
  for (const entry of Object.values(CALL_MAP)) for (const r of entry.requests ?? []) if (!r.via) cli.add(r.action);
  const entries = new Map<string, CatalogEntry>(CORE_CATALOG.map((e) => [e.id, e]));
  for (const g of grants) {
    const e = entries.get(g.entry);
    if (!e) continue; // submodule entries: no framework table describes their calls
    const key = actionKey(g.entry, g.action, g.role);
    if (evidence.has(key)) continue;
    const stackOnly = JSON.stringify(e.condition ?? {}).includes('aws:CalledVia');
    const matches = (action: string) => glob(g.action, 'i').test(action);
    if (stackOnly && [...viaStack].some(([a, roles]) => matches(a) && roles.has(g.role)))
      evidence.set(key, { grant: key, origin: 'cfn-on-behalf.json', scenario: 'catalogued' });
    // call-map.json says which actions the CLI uses, not who: it counts for the entry's own roles, never for the
    // roles an option adds (alsoFor: ManyLambdas gives developer and ci admin's lifecycle).
    else if (!stackOnly && e.roles.includes(g.role) && [...cli].some(matches))
      evidence.set(key, { grant: key, origin: 'call-map.json', scenario: 'catalogued' });
  }
}
