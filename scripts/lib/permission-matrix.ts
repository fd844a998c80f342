/**
 * The permission matrix people read at a glance: per IAM group and role of a processed template, AWS service x
 * what it may do x scope, each cell with the statements (Sid = catalog id in PascalCase) that grant it and
 * their reasons. `serverless-access explain` prints it; `serverless-access diff` lists its rows gained and lost.
 *
 * What (from the action's name; the same rule for every service):
 *   pass role      iam:PassRole
 *   IAM            any other iam write, and resource policies and grants of other services (names holding
 *                  Policy, Permission or Grant, outside reads)
 *   read           Get*, List*, Describe*, BatchGet*, Head*, Search*, Lookup*, Filter*, Query, Scan, Select*,
 *                  Validate*, Estimate*, Test*, and API Gateway GET
 *   create/delete  Create*, Delete*, Remove*, and API Gateway POST and DELETE
 *   update         every other action
 * Scope (per statement):
 *   own stage            every resource (or a condition) names the service and stage, or a resource of this
 *                        template (the deployment bucket, the access stack, the macro's own roles)
 *   via the stack only   otherwise, when aws:CalledVia must be cloudformation.amazonaws.com
 *   account-wide         otherwise; the statement's reason says why it cannot be narrower
 * A statement's (action, resource) pairs whose resource is an ARN of another AWS service than the action's do not
 * count (IAM matches an action only against ARNs of its own resource types, so a merged statement listing the
 * ARNs of several services grants each action on its own service's ARNs only), unless no ARN of the action's
 * service is listed.
 * Deny statements (catalog entries with effect Deny) mark the cells of the principals that carry them as
 * "denied" (they take away, so they never widen a cell's scope). A permissions boundary (a managed policy that
 * roles of the template carry as PermissionsBoundary) is a principal of its own kind, `boundary`: the ceiling of
 * every role of the service, its statements with the reasons of the boundary catalog.
 */
import { CORE_CATALOG } from '../../functions/catalog';
import type { CatalogEntry } from '../../functions/catalog/types';
import { BOUNDARY_CATALOG, BOUNDARY_MERGED, declaredReason } from '../../functions/core/boundary';
import { sidOf } from '../../functions/core/iam/render';
import {
  permissionsOf,
  principalPermissions,
  render,
  type Permission,
  type PrincipalKind,
  type Template,
} from './iam-diff';

export const WHATS = ['read', 'update', 'create/delete', 'IAM', 'pass role'] as const;
export type What = (typeof WHATS)[number];
export const SCOPES = ['own stage', 'via the stack only', 'account-wide'] as const;
export type Scope = (typeof SCOPES)[number];

const READ = /^(Get|List|Describe|BatchGet|Head|Search|Lookup|Filter|Query$|Scan$|Select|Validate|Estimate|Test)/;

export function whatOf(action: string): What {
  const [service, name = ''] = action.split(':');
  if (action === 'iam:PassRole') return 'pass role';
  if (service === 'apigateway')
    return name === 'GET'
      ? 'read'
      : name === 'POST' || name === 'DELETE'
        ? 'create/delete'
        : /Policy/.test(name)
          ? 'IAM'
          : 'update';
  if (READ.test(name)) return 'read';
  if (service === 'iam' || service === 'sts' || /Policy|Permission|Grant/.test(name)) return 'IAM';
  if (/^(Create|Delete|Remove)/.test(name)) return 'create/delete';
  return 'update';
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Patterns that mark a resource as this service's and stage's: `<service>-<stage>` as a whole name or a
 * name prefix (followed by -, /, : or the end), the path `<service>/<stage>` (artifacts, parameters, secrets:
 * after / or :, followed by / or the end), and the names of
 * the template's own groups, roles and policies. Service and stage come from the macro's policy descriptions.
 */
export function ownNames(template: Template): RegExp[] {
  const names: RegExp[] = [];
  for (const r of Object.values(template.Resources ?? {})) {
    const p = r?.Properties ?? {};
    const described =
      typeof p.Description === 'string' ? /^([A-Za-z][A-Za-z0-9-]*) ([A-Za-z0-9-*?]+): /.exec(p.Description) : null;
    if (r?.Type === 'AWS::IAM::ManagedPolicy' && described) {
      const [, service, stage] = described;
      names.push(
        new RegExp(`(^|[/:])${esc(service)}-${esc(stage)}([-/:]|$)`),
        new RegExp(`(^|[/:])${esc(service)}/${esc(stage)}(/|$)`),
      );
    }
    for (const k of ['GroupName', 'RoleName', 'ManagedPolicyName'])
      if (typeof p[k] === 'string') names.push(new RegExp(`(^|[/:])${esc(p[k] as string)}$`));
  }
  return names;
}

export function scopeOf(
  p: Pick<Permission, 'resource' | 'condition'>,
  names: readonly RegExp[],
  logicalIds: ReadonlySet<string>,
): Scope {
  // a resource of this template (${Logical.Attr}) or the access stack itself (${AWS::StackName})
  const ownExpression = (text: string) =>
    text.includes('${AWS::StackName}') ||
    [...text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)].some((m) => logicalIds.has(m[1]));
  const own = (text: string) => ownExpression(text) || names.some((n) => n.test(text));
  const conditionValues =
    p.condition === undefined ? [] : [...p.condition.matchAll(/: ([^,{}[\]]+)/g)].map((m) => m[1].trim());
  if (own(p.resource) || conditionValues.some(own)) return 'own stage';
  if (p.condition?.includes('aws:CalledVia') && p.condition.includes('cloudformation.amazonaws.com'))
    return 'via the stack only';
  return 'account-wide';
}

export interface StatementInfo {
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  readonly id?: string;
  readonly reason?: string;
  /** The widest scope among the statement's own (action, resource) pairs. */
  readonly scope: Scope;
}

export interface Cell {
  /** The widest scope among the cell's Allow statements; undefined when the cell only denies. */
  readonly scope?: Scope;
  /** The actions allowed. */
  readonly actions: string[];
  /** The actions a Deny statement takes away (empty when none). */
  readonly denied: string[];
  /** Allow and Deny statements, by Sid. */
  readonly statements: StatementInfo[];
}

/** A group, role or user, or a permissions boundary (the ceiling of the roles that carry it). */
export type MatrixKind = PrincipalKind | 'boundary';

export const BOUNDARY_MEANING = 'the ceiling of every role of the service';

export interface PrincipalMatrix {
  readonly id: string;
  readonly kind: MatrixKind;
  readonly name: string;
  /** For a boundary: the roles (`role NAME`) that carry it. */
  readonly boundaryOf?: string[];
  /** service -> what -> cell */
  readonly rows: Map<string, Map<What, Cell>>;
  readonly attachedArns: string[];
}

type Reasoned = Pick<CatalogEntry, 'id' | 'reason'>;

/**
 * Sid -> catalog entry (id and reason), for the core catalog, the boundary catalog and its merged statements
 * (BOUNDARY_MERGED), and the given extra (submodule) entries.
 */
export function catalogBySid(extra: readonly CatalogEntry[] = []): Map<string, Reasoned> {
  const all: Reasoned[] = [...CORE_CATALOG, ...BOUNDARY_CATALOG, ...BOUNDARY_MERGED, ...extra];
  return new Map(all.map((e) => [sidOf(e.id), { id: e.id, reason: e.reason }]));
}

/** The catalog entry of a Sid; BoundaryDeclaredN (BoundaryStatements[N-1]) has its reason by position. */
function lookup(catalog: ReadonlyMap<string, Reasoned>, sid: string): Reasoned | undefined {
  const known = catalog.get(sid);
  if (known) return known;
  const declared = /^BoundaryDeclared([1-9][0-9]*)$/.exec(sid);
  return declared
    ? { id: `boundary.declared-${declared[1]}`, reason: declaredReason(Number(declared[1]) - 1) }
    : undefined;
}

const refOf = (v: unknown): string | undefined =>
  v && typeof v === 'object' && typeof (v as { Ref?: unknown }).Ref === 'string'
    ? (v as { Ref: string }).Ref
    : undefined;

/** The template's permissions boundaries: managed policies its roles carry as PermissionsBoundary, with those roles. */
function boundaries(template: Template): { id: string; name: string; permissions: Permission[]; roles: string[] }[] {
  const resources = template.Resources ?? {};
  const found = new Map<string, string[]>();
  for (const [id, r] of Object.entries(resources)) {
    if (r?.Type !== 'AWS::IAM::Role') continue;
    const ref = refOf(r.Properties?.PermissionsBoundary);
    if (ref && resources[ref]?.Type === 'AWS::IAM::ManagedPolicy') {
      const name = r.Properties?.RoleName === undefined ? id : render(r.Properties.RoleName);
      found.set(ref, [...(found.get(ref) ?? []), `role ${name}`]);
    }
  }
  return [...found].map(([id, roles]) => {
    const p = resources[id].Properties ?? {};
    return {
      id,
      name: p.ManagedPolicyName === undefined ? id : render(p.ManagedPolicyName),
      permissions: permissionsOf(p.PolicyDocument),
      roles: roles.sort(),
    };
  });
}

const widest = (a: Scope, b: Scope): Scope => (SCOPES.indexOf(a) >= SCOPES.indexOf(b) ? a : b);

/** The AWS service an ARN names (`arn:PARTITION:SERVICE:...`), or undefined for '*' and anything not an ARN. */
export function arnService(resource: string): string | undefined {
  return /^arn:(?:\$\{[^}]*\}|[^:$]*):([a-z0-9-]+):/.exec(resource)?.[1];
}

/** Drops the pairs of a statement whose resource is another service's ARN, when one of the action's own is listed. */
function ownServicePairs(permissions: readonly Permission[]): Permission[] {
  const key = (p: Permission) => `${p.sid}\u0000${p.effect}\u0000${p.action}\u0000${p.condition ?? ''}`;
  const serviceOf = (p: Permission) => p.action.split(':')[0];
  const matching = new Set(permissions.filter((p) => arnService(p.resource) === serviceOf(p)).map(key));
  return permissions.filter((p) => {
    const service = arnService(p.resource);
    return service === undefined || service === serviceOf(p) || !matching.has(key(p));
  });
}

function matrixOf(
  permissions: Iterable<Permission>,
  catalog: ReadonlyMap<string, Reasoned>,
  names: readonly RegExp[],
  logicalIds: ReadonlySet<string>,
): Map<string, Map<What, Cell>> {
  const scoped = ownServicePairs([...permissions])
    .filter((perm) => (perm.effect === 'Allow' || perm.effect === 'Deny') && !perm.action.startsWith('NOT '))
    .map((perm) => ({
      perm,
      deny: perm.effect === 'Deny',
      sid: perm.sid ?? '(no Sid)',
      scope: scopeOf(perm, names, logicalIds),
    }));
  const statements = new Map<string, StatementInfo>();
  for (const { perm, sid, scope } of scoped) {
    const entry = lookup(catalog, sid);
    const known = statements.get(sid);
    statements.set(sid, {
      sid,
      effect: perm.effect as 'Allow' | 'Deny',
      ...(entry ? { id: entry.id, reason: entry.reason } : {}),
      scope: known ? widest(known.scope, scope) : scope,
    });
  }
  const rows = new Map<string, Map<What, Cell>>();
  for (const { perm, deny, sid, scope } of scoped) {
    const service = perm.action.split(':')[0];
    const what = whatOf(perm.action);
    const row = rows.get(service) ?? new Map<What, Cell>();
    rows.set(service, row);
    const cell = row.get(what);
    const cellScope = deny ? cell?.scope : cell?.scope ? widest(cell.scope, scope) : scope;
    row.set(what, {
      ...(cellScope ? { scope: cellScope } : {}),
      actions: deny ? (cell?.actions ?? []) : [...new Set([...(cell?.actions ?? []), perm.action])].sort(),
      denied: deny ? [...new Set([...(cell?.denied ?? []), perm.action])].sort() : (cell?.denied ?? []),
      statements: cell?.statements.some((s) => s.sid === sid)
        ? cell.statements
        : [...(cell?.statements ?? []), statements.get(sid)!].sort((a, b) => a.sid.localeCompare(b.sid)),
    });
  }
  // the statement objects in the cells carry their final (widest) scope
  for (const row of rows.values())
    for (const [w, cell] of row)
      row.set(w, { ...cell, statements: cell.statements.map((s) => statements.get(s.sid)!) });
  return new Map([...rows].sort(([a], [b]) => a.localeCompare(b)));
}

const KIND_ORDER: readonly MatrixKind[] = ['group', 'role', 'user', 'boundary'];

export function permissionMatrix(
  template: Template,
  catalog: ReadonlyMap<string, Reasoned> = catalogBySid(),
): PrincipalMatrix[] {
  const names = ownNames(template);
  const logicalIds = new Set(Object.keys(template.Resources ?? {}));
  const out: PrincipalMatrix[] = [];
  for (const p of principalPermissions(template).values()) {
    out.push({
      id: p.id,
      kind: p.kind,
      name: p.name,
      rows: matrixOf(p.permissions.values(), catalog, names, logicalIds),
      attachedArns: [...p.attachedArns],
    });
  }
  for (const b of boundaries(template)) {
    out.push({
      id: b.id,
      kind: 'boundary',
      name: b.name,
      boundaryOf: b.roles,
      rows: matrixOf(b.permissions, catalog, names, logicalIds),
      attachedArns: [],
    });
  }
  return out.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
}

/** One row of the matrix in words, for diff: principal, service, what, scope. */
export interface MatrixRow {
  readonly principal: string;
  readonly service: string;
  readonly what: What;
  /** The cell's scope, or 'denied' for the actions Deny statements take away (a row of its own). */
  readonly scope: Scope | 'denied';
  readonly sids: readonly string[];
}

export function matrixRows(matrix: readonly PrincipalMatrix[]): MatrixRow[] {
  const out: MatrixRow[] = [];
  for (const p of matrix) {
    for (const [service, row] of p.rows) {
      for (const what of WHATS) {
        const cell = row.get(what);
        if (!cell) continue;
        const principal = `${p.kind} ${p.name}`;
        const sids = (effect: string) => cell.statements.filter((s) => s.effect === effect).map((s) => s.sid);
        if (cell.scope) out.push({ principal, service, what, scope: cell.scope, sids: sids('Allow') });
        if (cell.denied.length) out.push({ principal, service, what, scope: 'denied', sids: sids('Deny') });
      }
    }
  }
  return out;
}

const rowKey = (r: MatrixRow) => `${r.principal}\u0000${r.service}\u0000${r.what}\u0000${r.scope}`;

/** Rows present on one side only: a cell that appears, disappears or changes scope. */
export function diffRows(
  before: readonly MatrixRow[],
  after: readonly MatrixRow[],
): { gained: MatrixRow[]; lost: MatrixRow[] } {
  const b = new Set(before.map(rowKey));
  const a = new Set(after.map(rowKey));
  return { gained: after.filter((r) => !b.has(rowKey(r))), lost: before.filter((r) => !a.has(rowKey(r))) };
}

export function formatRowDiff(d: { gained: MatrixRow[]; lost: MatrixRow[] }): string {
  if (!d.gained.length && !d.lost.length) return '(no row of the matrix changed)';
  const line = (sign: string, r: MatrixRow) =>
    `${sign} ${r.principal}: ${r.service} ${r.what}, ${r.scope} (${r.sids.join(', ')})`;
  return [...d.gained.map((r) => line('+', r)), ...d.lost.map((r) => line('-', r))].join('\n');
}

export { render };
