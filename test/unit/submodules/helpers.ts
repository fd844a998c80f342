/**
 * Shared helpers of the submodule tests: parse a property the way the transform does, fill patterns, check that
 * a resource names the service and stage, run the macro. The catalog rules every entry a submodule emits must
 * hold to are the core catalog's: test/support/catalog-checker.ts.
 */
import { join } from 'node:path';
import { CORE_CATALOG } from '../../../functions/catalog';
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
