/**
 * How the IAM permissions of two processed templates differ, for an admin reviewing an upgrade of the
 * macro (or a change of an Access resource) before running it:
 *
 * 1. the security table of @aws-cdk/cloudformation-diff (the one `cdk diff` prints): IAM statement and
 *    managed-policy attachment changes, per resource;
 * 2. a per-principal list: for each IAM group, role and user of the template (the macro's admin, developer
 *    and ci groups and its Lambda execution role), the (effect, action, resource, condition) tuples it gains
 *    or loses, following every way a policy reaches it: AWS::IAM::Group/Role/User ManagedPolicyArns Refs to
 *    AWS::IAM::ManagedPolicy documents, ManagedPolicy Groups/Roles/Users, inline Policies, and
 *    AWS::IAM::Policy (and Group/Role/UserPolicy) resources. External managed policy ARNs are listed as
 *    attachments.
 *
 * Values that stay intrinsic functions are shown in Fn::Sub notation (`${Stage}`, `${Role.Arn}`), so the same
 * expression on both sides compares equal.
 */
import { fullDiff, formatSecurityChanges, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { ACCESS_TYPE } from '../../functions/core/transform';
import { parseTemplate } from './cfn-yaml';
import { expandTemplate, MACRO_NAMES, type HarnessOptions } from './harness';

export type Template = Record<string, unknown> & {
  Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
};

export interface Permission {
  readonly effect: string;
  readonly action: string;
  readonly resource: string;
  readonly condition?: string;
  /** The statement's Sid (not part of the permission's identity: permissionKey leaves it out). */
  readonly sid?: string;
}

export type PrincipalKind = 'group' | 'role' | 'user';

export interface PrincipalPermissions {
  /** The logical id, or `<kind>:<name>` for a principal the template only names (e.g. a custom Lambda role). */
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly inTemplate: boolean;
  readonly permissions: Map<string, Permission>;
  /** Managed policy ARNs from outside the template (AWS managed, other stacks). */
  readonly attachedArns: Set<string>;
}

export interface PrincipalDiff {
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly gained: readonly Permission[];
  readonly lost: readonly Permission[];
  readonly attachedGained: readonly string[];
  readonly attachedLost: readonly string[];
}

const PRINCIPAL_TYPES: Record<string, PrincipalKind> = {
  'AWS::IAM::Group': 'group',
  'AWS::IAM::Role': 'role',
  'AWS::IAM::User': 'user',
};
const NAME_PROPERTY: Record<PrincipalKind, string> = { group: 'GroupName', role: 'RoleName', user: 'UserName' };
const TARGET_LISTS: Record<string, PrincipalKind> = { Groups: 'group', Roles: 'role', Users: 'user' };

/** A value in Fn::Sub notation: `${Param}`, `${Res.Attr}`, literal strings as they are. */
export function render(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const [k] = keys;
      const arg = o[k];
      if (k === 'Ref' && typeof arg === 'string') return `\${${arg}}`;
      if (k === 'Fn::GetAtt') return `\${${Array.isArray(arg) ? arg.join('.') : String(arg)}}`;
      if (k === 'Fn::Sub') {
        if (typeof arg === 'string') return arg;
        if (Array.isArray(arg) && typeof arg[0] === 'string') {
          const vars = (arg[1] ?? {}) as Record<string, unknown>;
          return arg[0].replace(/\$\{([^}!]+)\}/g, (whole, name: string) =>
            name in vars ? render(vars[name]) : whole,
          );
        }
      }
      if (k === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1]))
        return arg[1].map(render).join(String(arg[0]));
      if (k === 'Fn::If' && Array.isArray(arg))
        return `\${If(${render(arg[0])}, ${render(arg[1])}, ${render(arg[2])})}`;
      if (k.startsWith('Fn::')) return `\${${k.slice(4)}(${render(arg)})}`;
    }
    return `{${keys
      .sort()
      .map((key) => `${key}: ${render(o[key])}`)
      .join(', ')}}`;
  }
  return JSON.stringify(v);
}

function list(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Expands one policy document into permission tuples. */
export function permissionsOf(document: unknown): Permission[] {
  const out: Permission[] = [];
  const doc = document as { Statement?: unknown } | undefined;
  for (const raw of list(doc?.Statement)) {
    const s = raw as Record<string, unknown>;
    const effect = render(s.Effect ?? 'Allow');
    const actions =
      s.Action !== undefined ? list(s.Action).map(render) : list(s.NotAction).map((a) => `NOT ${render(a)}`);
    const resources =
      s.Resource !== undefined
        ? list(s.Resource).map(render)
        : s.NotResource !== undefined
          ? list(s.NotResource).map((r) => `NOT ${render(r)}`)
          : ['(no resource)'];
    const condition = s.Condition !== undefined ? render(s.Condition) : undefined;
    const sid = typeof s.Sid === 'string' ? s.Sid : undefined;
    for (const action of actions)
      for (const resource of resources)
        out.push({ effect, action, resource, ...(condition ? { condition } : {}), ...(sid ? { sid } : {}) });
  }
  return out;
}

export function permissionKey(p: Permission): string {
  return `${p.effect} ${p.action} ${p.resource}${p.condition ? ` if ${p.condition}` : ''}`;
}

/** Every IAM principal of a processed template and what its policies allow or deny. */
export function principalPermissions(template: Template): Map<string, PrincipalPermissions> {
  const resources = template.Resources ?? {};
  const principals = new Map<string, PrincipalPermissions>();
  const byName = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) {
    const kind = PRINCIPAL_TYPES[r?.Type ?? ''];
    if (!kind) continue;
    const nameValue = r.Properties?.[NAME_PROPERTY[kind]];
    const name = nameValue === undefined ? id : render(nameValue);
    principals.set(id, { id, kind, name, inTemplate: true, permissions: new Map(), attachedArns: new Set() });
    byName.set(`${kind}:${name}`, id);
  }
  /** A Groups/Roles/Users entry: a Ref to a principal of the template, or a name. */
  const principalFor = (kind: PrincipalKind, ref: unknown): PrincipalPermissions => {
    const refId =
      ref && typeof ref === 'object' && typeof (ref as { Ref?: unknown }).Ref === 'string'
        ? (ref as { Ref: string }).Ref
        : undefined;
    if (refId && principals.get(refId)?.kind === kind) return principals.get(refId)!;
    const name = render(ref);
    const known = byName.get(`${kind}:${name}`);
    if (known) return principals.get(known)!;
    const id = `${kind}:${name}`;
    if (!principals.has(id))
      principals.set(id, { id, kind, name, inTemplate: false, permissions: new Map(), attachedArns: new Set() });
    return principals.get(id)!;
  };
  const grant = (p: PrincipalPermissions, document: unknown) => {
    for (const perm of permissionsOf(document)) p.permissions.set(permissionKey(perm), perm);
  };
  const managedDocument = (ref: unknown): unknown => {
    const refId = ref && typeof ref === 'object' ? (ref as { Ref?: unknown }).Ref : undefined;
    const r = typeof refId === 'string' ? resources[refId] : undefined;
    return r?.Type === 'AWS::IAM::ManagedPolicy' ? r.Properties?.PolicyDocument : undefined;
  };

  for (const [id, r] of Object.entries(resources)) {
    const props = r?.Properties ?? {};
    const kind = PRINCIPAL_TYPES[r?.Type ?? ''];
    if (kind) {
      const p = principals.get(id)!;
      for (const arn of list(props.ManagedPolicyArns)) {
        const doc = managedDocument(arn);
        if (doc !== undefined) grant(p, doc);
        else p.attachedArns.add(render(arn));
      }
      for (const inline of list(props.Policies)) grant(p, (inline as { PolicyDocument?: unknown })?.PolicyDocument);
      continue;
    }
    if (r?.Type === 'AWS::IAM::ManagedPolicy' || r?.Type === 'AWS::IAM::Policy') {
      for (const [prop, targetKind] of Object.entries(TARGET_LISTS)) {
        for (const target of list(props[prop])) grant(principalFor(targetKind, target), props.PolicyDocument);
      }
    }
    const single: Record<string, PrincipalKind> = {
      'AWS::IAM::GroupPolicy': 'group',
      'AWS::IAM::RolePolicy': 'role',
      'AWS::IAM::UserPolicy': 'user',
    };
    const singleKind = single[r?.Type ?? ''];
    if (singleKind) grant(principalFor(singleKind, props[NAME_PROPERTY[singleKind]]), props.PolicyDocument);
  }
  return principals;
}

export function diffPermissions(oldTemplate: Template, newTemplate: Template): PrincipalDiff[] {
  const before = principalPermissions(oldTemplate);
  const after = principalPermissions(newTemplate);
  const diffs: PrincipalDiff[] = [];
  const sortPerms = (ps: Permission[]) => ps.sort((a, b) => permissionKey(a).localeCompare(permissionKey(b)));
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(id);
    const b = after.get(id);
    const p = (b ?? a)!;
    const gained = sortPerms(
      [...(b?.permissions ?? new Map<string, Permission>())].filter(([k]) => !a?.permissions.has(k)).map(([, v]) => v),
    );
    const lost = sortPerms(
      [...(a?.permissions ?? new Map<string, Permission>())].filter(([k]) => !b?.permissions.has(k)).map(([, v]) => v),
    );
    const attachedGained = [...(b?.attachedArns ?? [])].filter((x) => !a?.attachedArns.has(x)).sort();
    const attachedLost = [...(a?.attachedArns ?? [])].filter((x) => !b?.attachedArns.has(x)).sort();
    const status =
      !a || (!a.inTemplate && !a.permissions.size)
        ? 'added'
        : !b || (!b.inTemplate && !b.permissions.size)
          ? 'removed'
          : 'changed';
    const nameChanged = a && b && a.name !== b.name;
    if (
      gained.length ||
      lost.length ||
      attachedGained.length ||
      attachedLost.length ||
      (a?.inTemplate ?? false) !== (b?.inTemplate ?? false) ||
      nameChanged
    ) {
      diffs.push({
        id,
        kind: p.kind,
        name: nameChanged ? `${a.name} -> ${b.name}` : p.name,
        status,
        gained,
        lost,
        attachedGained,
        attachedLost,
      });
    }
  }
  return diffs;
}

function principalLabel(d: Pick<PrincipalDiff, 'id' | 'kind' | 'name'>): string {
  return d.id.startsWith(`${d.kind}:`) ? `${d.kind} ${d.name} (outside the template)` : `${d.kind} ${d.name} (${d.id})`;
}

/**
 * Permission tuples regrouped for reading: the actions granted on the same resources under the same
 * condition come together, as they usually stood in one statement.
 */
export function groupPermissions(
  perms: readonly Permission[],
): { effect: string; actions: string[]; resources: string[]; condition?: string }[] {
  const byResource = new Map<string, { effect: string; resource: string; condition?: string; actions: string[] }>();
  for (const p of perms) {
    const key = `${p.effect}\u0000${p.resource}\u0000${p.condition ?? ''}`;
    if (!byResource.has(key))
      byResource.set(key, { effect: p.effect, resource: p.resource, condition: p.condition, actions: [] });
    byResource.get(key)!.actions.push(p.action);
  }
  const byActions = new Map<string, { effect: string; actions: string[]; resources: string[]; condition?: string }>();
  for (const r of byResource.values()) {
    const actions = [...new Set(r.actions)].sort();
    const key = `${r.effect}\u0000${actions.join(',')}\u0000${r.condition ?? ''}`;
    if (!byActions.has(key))
      byActions.set(key, {
        effect: r.effect,
        actions,
        resources: [],
        ...(r.condition ? { condition: r.condition } : {}),
      });
    byActions.get(key)!.resources.push(r.resource);
  }
  return [...byActions.values()]
    .map((g) => ({ ...g, resources: g.resources.sort() }))
    .sort((a, b) => a.actions[0].localeCompare(b.actions[0]) || a.resources[0].localeCompare(b.resources[0]));
}

export function formatPermissionDiff(diffs: readonly PrincipalDiff[]): string {
  if (!diffs.length) return 'No IAM group, role or user gains or loses a permission.';
  const lines: string[] = [];
  const block = (sign: string, perms: readonly Permission[]) => {
    for (const g of groupPermissions(perms)) {
      lines.push(`  ${sign} ${g.effect === 'Allow' ? '' : `${g.effect} `}${g.actions.join(', ')}`);
      for (const r of g.resources) lines.push(`      on ${r}`);
      if (g.condition) lines.push(`      if ${g.condition}`);
    }
  };
  for (const d of diffs) {
    lines.push(
      `${principalLabel(d)}${d.status === 'changed' ? '' : ` [${d.status}]`}: ${d.gained.length} gained, ${d.lost.length} lost (action x resource)`,
    );
    block('+', d.gained);
    block('-', d.lost);
    for (const a of d.attachedGained) lines.push(`  + attached managed policy ${a}`);
    for (const a of d.attachedLost) lines.push(`  - attached managed policy ${a}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------

class StringSink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface SecurityTable {
  readonly text: string;
  readonly changed: boolean;
  readonly broadened: boolean;
}

/** The @aws-cdk/cloudformation-diff security table (IAM statement and policy attachment changes). */
export function securityTable(oldTemplate: Template, newTemplate: Template): SecurityTable {
  const diff: TemplateDiff = fullDiff(oldTemplate, newTemplate);
  const sink = new StringSink();
  formatSecurityChanges(sink, diff);
  return {
    text: stripVTControlCharacters(sink.text).trimEnd(),
    changed: diff.permissionsAnyChanges,
    broadened: diff.permissionsBroadened,
  };
}

/** Region, account, parameter values and macro names for the expansion (scripts/lib/harness.ts). */
export type LoadOptions = Omit<HarnessOptions, 'requestId'>;

/** True when the template still holds Access resources or the macro's transform. */
export function needsExpansion(template: Template, macroNames: readonly string[] = MACRO_NAMES): boolean {
  const transforms = list(template.Transform);
  return (
    transforms.some((t) => typeof t === 'string' && macroNames.includes(t)) ||
    Object.values(template.Resources ?? {}).some((r) => r?.Type === ACCESS_TYPE)
  );
}

/**
 * A processed template from text: JSON or YAML as it is, or, if it still uses the macro, expanded with the
 * macro's own Lambda handler (scripts/lib/harness.ts, as `npm run expand` does).
 */
export async function processedTemplate(text: string, what: string, options: LoadOptions = {}): Promise<Template> {
  const template = parseTemplate(text) as Template;
  if (!template || typeof template !== 'object' || Array.isArray(template))
    throw new Error(`${what} is not a template`);
  const macroNames = [...(options.macroNames ?? MACRO_NAMES)];
  if (!needsExpansion(template, macroNames)) return template;
  return (await expandTemplate(template, { ...options, macroNames, requestId: `diff-${what}`, what })) as Template;
}
