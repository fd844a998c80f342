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
 */
import { CORE_CATALOG } from '../../functions/catalog';
import type { CatalogEntry } from '../../functions/catalog/types';
import { sidOf } from '../../functions/core/iam/render';
import { principalPermissions, render, type Permission, type PrincipalKind, type Template } from './iam-diff';

export const WHATS = ['read', 'update', 'create/delete', 'IAM', 'pass role'] as const;
export type What = (typeof WHATS)[number];
export const SCOPES = ['own stage', 'via the stack only', 'account-wide'] as const;
export type Scope = (typeof SCOPES)[number];

const READ = /^(Get|List|Describe|BatchGet|Head|Search|Lookup|Filter|Query$|Scan$|Select|Validate|Estimate|Test)/;

export function whatOf(action: string): What {
  const [service, name = ''] = action.split(':');
  if (action === 'iam:PassRole') return 'pass role';
  if (service === 'apigateway') return name === 'GET' ? 'read' : name === 'POST' || name === 'DELETE' ? 'create/delete' : /Policy/.test(name) ? 'IAM' : 'update';
  if (READ.test(name)) return 'read';
  if (service === 'iam' || service === 'sts' || /Policy|Permission|Grant/.test(name)) return 'IAM';
  if (/^(Create|Delete|Remove)/.test(name)) return 'create/delete';
  return 'update';
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Patterns that mark a resource as this service's and stage's: `<service>-<stage>` as a whole name or a
 * name prefix (followed by -, /, : or the end), the artifact prefix `/<service>/<stage>/`, and the names of
 * the template's own groups, roles and policies. Service and stage come from the macro's policy descriptions.
 */
export function ownNames(template: Template): RegExp[] {
  const names: RegExp[] = [];
  for (const r of Object.values(template.Resources ?? {})) {
    const p = r?.Properties ?? {};
    const described = typeof p.Description === 'string' ? /^([A-Za-z][A-Za-z0-9-]*) ([A-Za-z0-9-*?]+): /.exec(p.Description) : null;
    if (r?.Type === 'AWS::IAM::ManagedPolicy' && described) {
      const [, service, stage] = described;
      names.push(new RegExp(`(^|[/:])${esc(service)}-${esc(stage)}([-/:]|$)`), new RegExp(`/${esc(service)}/${esc(stage)}/`));
    }
    for (const k of ['GroupName', 'RoleName', 'ManagedPolicyName']) if (typeof p[k] === 'string') names.push(new RegExp(`(^|[/:])${esc(p[k] as string)}$`));
  }
  return names;
}

export function scopeOf(p: Pick<Permission, 'resource' | 'condition'>, names: readonly RegExp[], logicalIds: ReadonlySet<string>): Scope {
  // a resource of this template (${Logical.Attr}) or the access stack itself (${AWS::StackName})
  const ownExpression = (text: string) => text.includes('${AWS::StackName}') || [...text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)].some((m) => logicalIds.has(m[1]));
  const own = (text: string) => ownExpression(text) || names.some((n) => n.test(text));
  const conditionValues = p.condition === undefined ? [] : [...p.condition.matchAll(/: ([^,{}[\]]+)/g)].map((m) => m[1].trim());
  if (own(p.resource) || conditionValues.some(own)) return 'own stage';
  if (p.condition?.includes('aws:CalledVia') && p.condition.includes('cloudformation.amazonaws.com')) return 'via the stack only';
  return 'account-wide';
}

export interface StatementInfo {
  readonly sid: string;
  readonly id?: string;
  readonly reason?: string;
  /** The widest scope among the statement's own (action, resource) pairs. */
  readonly scope: Scope;
}

export interface Cell {
  /** The widest scope among the cell's statements. */
  readonly scope: Scope;
  readonly actions: string[];
  readonly statements: StatementInfo[];
}

export interface PrincipalMatrix {
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly name: string;
  /** service -> what -> cell */
  readonly rows: Map<string, Map<What, Cell>>;
  readonly attachedArns: string[];
}

/** Sid -> catalog entry, for the core catalog and the given extra (submodule) entries. */
export function catalogBySid(extra: readonly CatalogEntry[] = []): Map<string, CatalogEntry> {
  return new Map([...CORE_CATALOG, ...extra].map((e) => [sidOf(e.id), e]));
}

const widest = (a: Scope, b: Scope): Scope => (SCOPES.indexOf(a) >= SCOPES.indexOf(b) ? a : b);

export function permissionMatrix(template: Template, catalog = catalogBySid()): PrincipalMatrix[] {
  const names = ownNames(template);
  const logicalIds = new Set(Object.keys(template.Resources ?? {}));
  const out: PrincipalMatrix[] = [];
  for (const p of principalPermissions(template).values()) {
    const allowed = [...p.permissions.values()].filter((perm) => perm.effect === 'Allow' && !perm.action.startsWith('NOT '));
    const scoped = allowed.map((perm) => ({ perm, sid: perm.sid ?? '(no Sid)', scope: scopeOf(perm, names, logicalIds) }));
    const statements = new Map<string, StatementInfo>();
    for (const { sid, scope } of scoped) {
      const entry = catalog.get(sid);
      const known = statements.get(sid);
      statements.set(sid, { sid, ...(entry ? { id: entry.id, reason: entry.reason } : {}), scope: known ? widest(known.scope, scope) : scope });
    }
    const rows = new Map<string, Map<What, Cell>>();
    for (const { perm, sid, scope } of scoped) {
      const service = perm.action.split(':')[0];
      const what = whatOf(perm.action);
      const row = rows.get(service) ?? new Map<What, Cell>();
      rows.set(service, row);
      const cell = row.get(what);
      row.set(what, {
        scope: cell ? widest(cell.scope, scope) : scope,
        actions: [...new Set([...(cell?.actions ?? []), perm.action])].sort(),
        statements: cell?.statements.some((s) => s.sid === sid) ? cell.statements : [...(cell?.statements ?? []), statements.get(sid)!].sort((a, b) => a.sid.localeCompare(b.sid)),
      });
    }
    // the statement objects in the cells carry their final (widest) scope
    for (const row of rows.values()) for (const [w, cell] of row) row.set(w, { ...cell, statements: cell.statements.map((s) => statements.get(s.sid)!) });
    out.push({ id: p.id, kind: p.kind, name: p.name, rows: new Map([...rows].sort(([a], [b]) => a.localeCompare(b))), attachedArns: [...p.attachedArns] });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** One row of the matrix in words, for diff: principal, service, what, scope. */
export interface MatrixRow {
  readonly principal: string;
  readonly service: string;
  readonly what: What;
  readonly scope: Scope;
  readonly sids: readonly string[];
}

export function matrixRows(matrix: readonly PrincipalMatrix[]): MatrixRow[] {
  const out: MatrixRow[] = [];
  for (const p of matrix) {
    for (const [service, row] of p.rows) {
      for (const what of WHATS) {
        const cell = row.get(what);
        if (cell) out.push({ principal: `${p.kind} ${p.name}`, service, what, scope: cell.scope, sids: cell.statements.map((s) => s.sid) });
      }
    }
  }
  return out;
}

const rowKey = (r: MatrixRow) => `${r.principal}\u0000${r.service}\u0000${r.what}\u0000${r.scope}`;

/** Rows present on one side only: a cell that appears, disappears or changes scope. */
export function diffRows(before: readonly MatrixRow[], after: readonly MatrixRow[]): { gained: MatrixRow[]; lost: MatrixRow[] } {
  const b = new Set(before.map(rowKey));
  const a = new Set(after.map(rowKey));
  return { gained: after.filter((r) => !b.has(rowKey(r))), lost: before.filter((r) => !a.has(rowKey(r))) };
}

export function formatRowDiff(d: { gained: MatrixRow[]; lost: MatrixRow[] }): string {
  if (!d.gained.length && !d.lost.length) return '(no row of the matrix changed)';
  const line = (sign: string, r: MatrixRow) => `${sign} ${r.principal}: ${r.service} ${r.what}, ${r.scope} (${r.sids.join(', ')})`;
  return [...d.gained.map((r) => line('+', r)), ...d.lost.map((r) => line('-', r))].join('\n');
}

export { render };
