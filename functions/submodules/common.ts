/**
 * Helpers the submodules share: property validation with errors that name the property path and the fix,
 * the names of what the submodules create (all scoped to the service and stage), SSM parameters that hand
 * ids to serverless.yml, and tags.
 */
import { GROUP_ROLES, type GroupRole } from '../catalog/types';
import { asBoolean, isSubmoduleOn, type AccessConfig } from '../core/config';
import type { CfnResource, ExpansionContext } from './types';

export type Fail = (keyPath: string, detail: string) => void;
export type Options = Record<string, unknown>;

export const ALL_GROUPS = GROUP_ROLES;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export { asBoolean };

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'object') return 'a map';
  return JSON.stringify(v);
}

/**
 * The options map of a submodule property: `true` means the defaults ({}), a map is checked for unknown keys.
 * Anything else fails with `help`, which says what the property takes.
 */
export function optionsOf(
  value: unknown,
  property: string,
  allowed: readonly string[],
  fail: Fail,
  help: string,
): Options | undefined {
  if (asBoolean(value) === true) return {};
  if (!isRecord(value)) return (fail(property, `should be ${help}, not ${describe(value)}.`), undefined);
  let ok = true;
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const hint =
      allowed.find((k) => k.toLowerCase() === key.toLowerCase()) ??
      allowed.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
    fail(
      `${property}.${key}`,
      `is not an option of ${property}${hint ? `; did you mean '${hint}'?` : `; its options are ${allowed.join(', ')}.`}`,
    );
    ok = false;
  }
  return ok ? value : undefined;
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * A list of strings, each matching `pattern`; `what` names one item ("a subnet id such as subnet-0123abcd"),
 * `plural` the items ("subnet ids").
 */
export function stringList(
  value: unknown,
  path: string,
  fail: Fail,
  spec: { pattern: RegExp; what: string; plural: string; min?: number; max?: number; unique?: boolean },
): string[] | undefined {
  const min = spec.min ?? 1;
  const list = typeof value === 'string' && value.includes(',') ? value.split(',').map((s) => s.trim()) : value; // a CommaDelimitedList parameter
  if (!Array.isArray(list))
    return (fail(path, `should be a list of ${spec.plural}, not ${describe(value)}.`), undefined);
  if (list.length < min)
    return (fail(path, `should hold at least ${min} of the ${spec.plural}; it holds ${list.length}.`), undefined);
  if (spec.max !== undefined && list.length > spec.max)
    return (fail(path, `holds ${list.length} items; at most ${spec.max} are allowed.`), undefined);
  const bad = list.findIndex((v) => typeof v !== 'string' || !spec.pattern.test(v));
  if (bad >= 0) return (fail(`${path}[${bad}]`, `${describe(list[bad])} should be ${spec.what}.`), undefined);
  const out = list as string[];
  if (spec.unique !== false) {
    const dup = out.findIndex((v, i) => out.indexOf(v) !== i);
    if (dup >= 0) return (fail(`${path}[${dup}]`, `repeats '${out[dup]}'; list each one once.`), undefined);
  }
  return out;
}

/** A list of group roles (admin, developer, ci); `[]` is allowed and means none. */
export function roleList(value: unknown, path: string, fail: Fail): GroupRole[] | undefined {
  const list = stringList(value, path, fail, {
    pattern: /^(admin|developer|ci)$/,
    what: 'one of admin, developer, ci',
    plural: 'groups (admin, developer, ci)',
    min: 0,
  });
  return list ? ALL_GROUPS.filter((r) => list.includes(r)) : undefined;
}

/** An integer within [min, max]; numbers may arrive as strings from template parameters. */
export function integer(value: unknown, path: string, fail: Fail, min: number, max: number): number | undefined {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    return (fail(path, `should be a whole number from ${min} to ${max}, not ${describe(value)}.`), undefined);
  }
  return n;
}

/** A threshold that may be turned off with `false`. */
export function thresholdOrOff(
  value: unknown,
  path: string,
  fail: Fail,
  min: number,
  max: number,
): number | false | undefined {
  if (asBoolean(value) === false) return false;
  return integer(value, path, fail, min, max);
}

export function oneOf<T extends string>(
  value: unknown,
  path: string,
  fail: Fail,
  allowed: readonly T[],
): T | undefined {
  const hit = allowed.find((a) => typeof value === 'string' && a.toLowerCase() === value.toLowerCase());
  if (hit === undefined) fail(path, `should be one of ${allowed.join(', ')}, not ${describe(value)}.`);
  return hit;
}

/** Whether another submodule's property is on (the same test the core uses to enable it). */
export function isOn(config: AccessConfig, property: string): boolean {
  return isSubmoduleOn(config.submoduleProperties[property]);
}

// ---------------------------------------------------------------------------------------------------------
// Names. The framework's stage is the ARN stage (IamStage, default Stage); when IamStage is a wildcard (one
// Access resource for many PR stages) what a submodule creates is named after the Access resource's Stage.

export function namedStage(config: AccessConfig): string {
  return /[*?]/.test(config.iamStage) ? config.stage : config.iamStage;
}

/** `<service>-<stage>`: the prefix of alarm, dashboard and topic names (as the framework's function names). */
export function baseName(config: AccessConfig): string {
  return `${config.slsServiceName}-${namedStage(config)}`;
}

/** The SSM parameter under which a submodule publishes an id for serverless.yml (`${ssm:...}`). */
export function parameterName(config: AccessConfig, name: string): string {
  return `/${config.slsServiceName}/${namedStage(config)}/access/${name}`;
}

/** The parameter's ARN pattern, with catalog tokens. */
export function parameterArn(config: AccessConfig, name: string): string {
  return `arn:{Partition}:ssm:{Region}:{Account}:parameter/{Service}/${namedStage(config)}/access/${name}`;
}

/** Logical-id suffixes one submodule refers to in another's resources. */
export const LOGICAL = {
  kmsKey: 'KmsKey',
  kmsAlias: 'KmsKeyAlias',
} as const;

export { pascalName } from '../core/naming';

// ---------------------------------------------------------------------------------------------------------
// Resources

/** The Access Tags plus service and stage, and a Name tag for EC2 resources (unless Tags set one). */
export function tagList(ctx: ExpansionContext, name?: string): Array<{ Key: string; Value: string }> {
  const tags = [...ctx.tags];
  if (name !== undefined && !tags.some((t) => t.Key === 'Name')) tags.push({ Key: 'Name', Value: name });
  return tags;
}

/** Tags as a map (AWS::SSM::Parameter takes them so). */
export function tagMap(ctx: ExpansionContext): Record<string, string> {
  return Object.fromEntries(ctx.tags.map((t) => [t.Key, t.Value]));
}

export function ssmParameter(
  ctx: ExpansionContext,
  name: string,
  type: 'String' | 'StringList',
  value: unknown,
  description: string,
): CfnResource {
  return {
    Type: 'AWS::SSM::Parameter',
    Properties: {
      Name: parameterName(ctx.config, name),
      Type: type,
      Value: value,
      Description: description,
      Tags: tagMap(ctx),
    },
  };
}

/** The execution role's ARN: GetAtt of the role the macro creates, or the custom role's ARN by name. */
export function lambdaRoleArn(ctx: ExpansionContext): unknown {
  const role = ctx.lambdaRole as { Ref?: unknown } | string;
  if (role && typeof role === 'object' && typeof role.Ref === 'string') return { 'Fn::GetAtt': [role.Ref, 'Arn'] };
  return { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${String(role)}` };
}
