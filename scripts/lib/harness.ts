/**
 * The one way the repository runs the macro on a template outside CloudFormation: the CLI (`npm run
 * expand`), the goldens, `npm run diff`, the bench, the tests and the proofs all call this.
 *
 * It does what CloudFormation does before it invokes a template-level macro (drop the macro's own name
 * from `Transform`, hand over the parameter values: given ones, else the declared defaults), then calls
 * the macro's own Lambda handler (functions/handlers/macro.ts, which runs the pure core) with the event
 * CloudFormation would send.
 */
import { readFileSync } from 'node:fs';
import { handler, type MacroEvent, type MacroResponse } from '../../functions/handlers/macro';
import { parseTemplate } from './cfn-yaml';

/** The macro names a template may list under `Transform` (template.yaml's default MacroName). */
export const MACRO_NAMES: readonly string[] = ['FormidableServerless'];
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';

export type Template = Record<string, unknown>;

export interface HarnessOptions {
  readonly region?: string;
  readonly accountId?: string;
  /** Template parameter values as `--parameter Key=Value` gives them; the declared defaults fill the rest. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Names that count as this macro in `Transform` (default MACRO_NAMES); the first is the transformId's. */
  readonly macroNames?: readonly string[];
  /** The event's requestId (shows in the handler's error log line). */
  readonly requestId?: string;
}

export interface HarnessResult {
  readonly response: MacroResponse;
  /** The template CloudFormation would go on with: the macro's fragment, other transforms kept. */
  readonly template?: Template;
}

/** Parameter values as CloudFormation hands them to a macro: given values, else the declared defaults. */
export function parameterValues(template: Template, given: Readonly<Record<string, string>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const declared = (template.Parameters ?? {}) as Record<string, { Default?: unknown; Type?: string }>;
  for (const [name, p] of Object.entries(declared)) {
    const v = given[name] ?? p?.Default;
    if (v === undefined) continue;
    values[name] =
      (typeof p?.Type === 'string' && p.Type.startsWith('List<')) || p?.Type === 'CommaDelimitedList'
        ? String(v).split(',')
        : String(v);
  }
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new Error(`--parameter ${name}: the template declares no parameter ${name}`);
  }
  return values;
}

/** CloudFormation hands a template-level macro the template without the Transform section. */
export function withoutOwnTransform(
  template: Template,
  macroNames: readonly string[] = MACRO_NAMES,
): { fragment: Template; rest?: unknown } {
  const { Transform, ...fragment } = template;
  if (Transform === undefined) return { fragment };
  const list = Array.isArray(Transform) ? Transform : [Transform];
  const rest = list.filter((t) => !(typeof t === 'string' && macroNames.includes(t)));
  return { fragment, rest: rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest };
}

/** The event CloudFormation sends the macro for `template`, and the transforms left after it. */
export function macroEventFor(template: Template, options: HarnessOptions = {}): { event: MacroEvent; rest?: unknown } {
  const macroNames = options.macroNames ?? MACRO_NAMES;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const { fragment, rest } = withoutOwnTransform(structuredClone(template), macroNames);
  return {
    event: {
      region: options.region ?? DEFAULT_REGION,
      accountId,
      fragment,
      transformId: `${accountId}::${macroNames[0]}`,
      params: {},
      requestId: options.requestId ?? 'local',
      templateParameterValues: parameterValues(template, options.parameters ?? {}),
    },
    rest,
  };
}

/** Runs the macro on a template; a refusal is a `failure` response, not an exception. */
export async function runMacro(template: Template, options: HarnessOptions = {}): Promise<HarnessResult> {
  const { event, rest } = macroEventFor(template, options);
  const response = await handler(event);
  if (response.status !== 'success') return { response };
  const fragment = response.fragment as Template;
  return { response, template: rest === undefined ? fragment : { Transform: rest, ...fragment } };
}

/** The processed template; throws with the macro's message when it refuses (`what` names the input). */
export async function expandTemplate(
  template: Template,
  options: HarnessOptions & { what?: string } = {},
): Promise<Template> {
  const { response, template: out } = await runMacro(template, options);
  if (!out) throw new Error(`${options.what ? `${options.what}: ` : ''}the macro failed: ${response.errorMessage}`);
  return out;
}

/** One `Formidable::Serverless::Access` resource with these properties, in a template of its own. */
export function accessTemplate(properties: Readonly<Record<string, unknown>>, logicalId = 'Access'): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: { [logicalId]: { Type: 'Formidable::Serverless::Access', Properties: { ...properties } } },
  };
}

/** A template file (YAML with CloudFormation tags, or JSON) as an object. */
export function readTemplate(file: string): Template {
  const template = parseTemplate(readFileSync(file, 'utf8'));
  if (!template || typeof template !== 'object' || Array.isArray(template))
    throw new Error(`${file} is not a template`);
  return template as Template;
}

/** runMacro on a template file. */
export function runMacroOnFile(file: string, options: HarnessOptions = {}): Promise<HarnessResult> {
  return runMacro(readTemplate(file), { requestId: file, ...options });
}
