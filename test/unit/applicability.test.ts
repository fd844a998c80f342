/**
 * Catalog applicability (functions/catalog/applicability.ts) against the engine and the doc: for every golden
 * input and every Access resource in it, the statements the expansion puts into each role's policies are
 * exactly the entries whose `when` / `alsoFor` data hold for that resource's properties; and docs/catalog.md is
 * a fresh render that states each condition in the renderer's words. So the doc, the data and the expansion
 * cannot disagree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_CATALOG } from '../../functions/catalog';
import {
  APPLICABILITY_PROPERTIES,
  applies,
  describeApplicability,
  propertiesOf,
  type Applicability,
} from '../../functions/catalog/applicability';
import { GROUP_ROLES, type CatalogEntry, type Role } from '../../functions/catalog/types';
import { forGroups } from '../../functions/core/deployment-role';
import { CORE_PROPERTIES, parseAccess, type AccessConfig } from '../../functions/core/config';
import { sidOf } from '../../functions/core/iam/render';
import { logicalIds } from '../../functions/core/naming';
import { ACCESS_TYPE, enableSubmodules } from '../../functions/core/transform';
import { BOUNDARY_CATALOG } from '../../functions/core/boundary';
import { SUBMODULES } from '../../functions/submodules';
import { CATALOG_DOC, renderCatalogDoc } from '../../scripts/catalog-doc';
import { macroEventFor, readTemplate, runMacro } from '../../scripts/lib/harness';
import { GOLDEN_ACCOUNT_ID, GOLDEN_REGION, goldenFeatures, INPUT_DIR, isErrorCase } from '../../scripts/update-golden';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;
type Statement = { Sid: string };

interface Case {
  readonly name: string;
  readonly config: AccessConfig;
  readonly entries: readonly CatalogEntry[];
  readonly resources: Resources;
}

/** Every Access resource of every golden input that expands: its parsed config, its entries and the output. */
async function goldenCases(): Promise<Case[]> {
  const cases: Case[] = [];
  for (const feature of goldenFeatures().filter((f) => !isErrorCase(f))) {
    const template = readTemplate(join(INPUT_DIR, `${feature}.yaml`));
    const options = { region: GOLDEN_REGION, accountId: GOLDEN_ACCOUNT_ID };
    const { event } = macroEventFor(template, options);
    const { template: out } = await runMacro(template, options);
    if (!out) throw new Error(`${feature}: the macro refused it`);
    const ctx = {
      region: event.region,
      accountId: event.accountId,
      templateParameterValues: event.templateParameterValues ?? {},
    };
    const fragment = event.fragment as { Resources: Record<string, { Type?: string }> };
    for (const [logicalId, resource] of Object.entries(fragment.Resources)) {
      if (resource.Type !== ACCESS_TYPE) continue;
      const config = parseAccess(
        logicalId,
        resource,
        ctx,
        SUBMODULES.map((s) => s.property),
      );
      const entries = [
        ...CORE_CATALOG,
        ...enableSubmodules(config).flatMap((s) => s.module.entries(s.options, config)),
      ];
      cases.push({ name: `${feature} ${logicalId}`, config, entries, resources: out.Resources as Resources });
    }
  }
  return cases;
}

/** What the data says each role holds: the ids of the entries that apply, by role (groups and lambda). */
function predicted(entries: readonly CatalogEntry[], config: AccessConfig): Record<Role, string[]> {
  const out: Record<Role, string[]> = { admin: [], developer: [], ci: [], lambda: [], codedeploy: [] };
  // DeploymentRoles: the groups hold no through-the-stack entry (their deployment roles do; core/deployment-role.ts).
  const forTheGroups = new Set(forGroups(entries, config));
  for (const e of entries) {
    if (!applies(e.when, config)) continue;
    const roles = new Set<Role>(e.roles);
    if (e.alsoFor && applies(e.alsoFor.when, config)) e.alsoFor.roles.forEach((r) => roles.add(r));
    for (const r of roles)
      if (!(GROUP_ROLES as readonly Role[]).includes(r) || forTheGroups.has(e)) out[r].push(sidOf(e.id));
  }
  for (const r of Object.keys(out) as Role[]) out[r].sort();
  return out;
}

/** What the expansion gives each role: the Sids of the group policies (shared ones count for every group) and
 * of the execution role's policies. */
function granted(resources: Resources, logicalId: string): Record<Role, string[]> {
  const sids = (ids: string[]) =>
    ids
      .flatMap((id) => (resources[id].Properties?.PolicyDocument as { Statement: Statement[] }).Statement)
      .map((s) => s.Sid);
  const numbered = (first: (i: number) => string) => {
    const ids: string[] = [];
    for (let i = 0; resources[first(i)]; i++) ids.push(first(i));
    return ids;
  };
  const groupPolicies = (audience: string) => numbered((i) => logicalIds.policy(logicalId, audience, i));
  const shared = sids(groupPolicies('shared'));
  const out = {
    ...Object.fromEntries(GROUP_ROLES.map((r) => [r, [...shared, ...sids(groupPolicies(r))]])),
    lambda: sids(numbered((i) => `${logicalIds.lambdaPolicy(logicalId)}${i ? i + 1 : ''}`)),
    // The CodeDeploy role's statements are the canary submodule's own (test/unit/submodules/canary.test.ts).
    codedeploy: [] as string[],
  } as Record<Role, string[]>;
  for (const r of Object.keys(out) as Role[]) out[r].sort();
  return out;
}

/** Every applicability condition of the core catalog and the boundary, with the entry that carries it. */
function conditions(entries: readonly CatalogEntry[]): Array<{ id: string; condition: Applicability }> {
  return entries.flatMap((e) => [
    ...(e.when ? [{ id: e.id, condition: e.when }] : []),
    ...(e.alsoFor ? [{ id: `${e.id} (alsoFor)`, condition: e.alsoFor.when }] : []),
  ]);
}

let cases: Case[] = [];
beforeAll(async () => {
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  cases = await goldenCases();
});
afterAll(() => jest.restoreAllMocks());

describe('applicability against the expansion of every golden input', () => {
  test('there are golden Access resources to check', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  test('each role holds exactly the entries whose applicability data hold for its properties', () => {
    const mismatches: string[] = [];
    for (const c of cases) {
      const want = predicted(c.entries, c.config);
      const got = granted(c.resources, c.config.logicalId);
      for (const role of Object.keys(want) as Role[]) {
        const missing = want[role].filter((s) => !got[role].includes(s));
        const extra = got[role].filter((s) => !want[role].includes(s));
        if (missing.length || extra.length)
          mismatches.push(`${c.name} ${role}: missing [${missing.join(', ')}], not predicted [${extra.join(', ')}]`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('every condition of the core catalog holds for some golden Access resource and fails for another', () => {
    const unexercised = conditions([...CORE_CATALOG, ...BOUNDARY_CATALOG])
      .map(({ id, condition }) => {
        const results = new Set(cases.map((c) => applies(condition, c.config)));
        return results.size === 2 ? '' : `${id}: ${describeApplicability(condition)} is always ${[...results][0]}`;
      })
      .filter(Boolean);
    expect(unexercised).toEqual([]);
  });

  test("every condition of a submodule's entries holds for some golden Access resource with the submodule and fails for another", () => {
    const results = new Map<string, { condition: Applicability; seen: Set<boolean> }>();
    for (const c of cases)
      for (const { id, condition } of conditions(c.entries.filter((e) => !CORE_CATALOG.includes(e)))) {
        const r = results.get(id) ?? { condition, seen: new Set<boolean>() };
        r.seen.add(applies(condition, c.config));
        results.set(id, r);
      }
    expect(results.size).toBeGreaterThan(0);
    const unexercised = [...results]
      .filter(([, r]) => r.seen.size !== 2)
      .map(([id, r]) => `${id}: ${describeApplicability(r.condition)} is always ${[...r.seen][0]}`);
    expect(unexercised).toEqual([]);
  });

  test('Sids are unique, so a statement names its entry', () => {
    for (const c of cases) {
      const sids = c.entries.map((e) => sidOf(e.id));
      expect(sids.filter((s, i) => sids.indexOf(s) !== i)).toEqual([]);
    }
  });
});

describe('the condition language', () => {
  const all = [...CORE_CATALOG, ...BOUNDARY_CATALOG];

  test('names only properties of the Access resource', () => {
    for (const p of APPLICABILITY_PROPERTIES) expect(Object.keys(CORE_PROPERTIES)).toContain(p);
    const used = conditions(all).flatMap(({ condition }) => propertiesOf(condition));
    for (const p of used) expect(APPLICABILITY_PROPERTIES).toContain(p);
  });

  const config = (properties: Record<string, unknown>) =>
    parseAccess(
      'Access',
      { Type: ACCESS_TYPE, Properties: { ServiceName: 'example', Stage: 'dev', ...properties } },
      { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} },
      [],
    );
  const boundaryArn = 'arn:aws:iam::123456789012:policy/example-boundary';
  const roleArn = 'arn:aws:iam::123456789012:role/example-deployer';

  test.each<[string, Applicability, Record<string, unknown>, boolean]>([
    ['none is none', { property: 'PermissionsBoundary', equals: 'none' }, { PermissionsBoundary: 'none' }, true],
    [
      'an ARN is not none',
      { property: 'PermissionsBoundary', equals: 'none' },
      { PermissionsBoundary: boundaryArn },
      false,
    ],
    ['omitted is not none', { property: 'PermissionsBoundary', equals: 'none' }, {}, false],
    ['omitted is other than none', { not: { property: 'PermissionsBoundary', equals: 'none' } }, {}, true],
    [
      'an ARN is present',
      { property: 'PermissionsBoundary', present: true },
      { PermissionsBoundary: boundaryArn },
      true,
    ],
    ['omitted is not present', { property: 'PermissionsBoundary', present: true }, {}, false],
    ['a role is present', { property: 'DeploymentRoleArn', present: true }, { DeploymentRoleArn: roleArn }, true],
    ['no role is absent', { property: 'DeploymentRoleArn', present: false }, {}, true],
    ['ManyLambdas true', { property: 'ManyLambdas', equals: true }, { ManyLambdas: true }, true],
    ['ManyLambdas default', { property: 'ManyLambdas', equals: true }, {}, false],
    ['generated bucket', { property: 'DeploymentBucket', mode: 'generated' }, {}, true],
    ['custom bucket', { property: 'DeploymentBucket', mode: 'custom' }, { DeploymentBucket: 'my-bucket' }, true],
    ['shared bucket', { property: 'DeploymentBucket', mode: 'shared' }, { DeploymentBucket: { Shared: true } }, true],
    [
      'custom is not shared',
      { property: 'DeploymentBucket', mode: 'shared' },
      { DeploymentBucket: 'my-bucket' },
      false,
    ],
    ['a list with an item', { property: 'EventBucketNames', nonEmpty: true }, { EventBucketNames: ['uploads'] }, true],
    ['an empty list', { property: 'EventBucketNames', nonEmpty: true }, { EventBucketNames: [] }, false],
    ['an event listed', { property: 'Events', includes: 'alb' }, { Events: ['alb', 'iot'] }, true],
    ['an event not listed', { property: 'Events', includes: 'alb' }, { Events: ['iot'] }, false],
    [
      'all of two',
      {
        all: [
          { property: 'Events', includes: 'alb' },
          { property: 'ManyLambdas', equals: true },
        ],
      },
      { Events: ['alb'] },
      false,
    ],
  ])('%s', (_name, condition, properties, expected) => {
    expect(applies(condition, config(properties))).toBe(expected);
  });

  test('absent means always', () => {
    expect(applies(undefined, config({}))).toBe(true);
  });
});

describe('docs/catalog.md', () => {
  test('is what `npm run catalog:doc` writes', () => {
    const committed = readFileSync(CATALOG_DOC, 'utf8');
    if (committed !== renderCatalogDoc()) {
      throw new Error(
        'docs/catalog.md is out of date: run `npm run catalog:doc` and commit the result (it is generated, not hand-written).',
      );
    }
  });

  test("states each entry's applicability in the renderer's words, and none where there is none", () => {
    const doc = renderCatalogDoc();
    const rowOf = (id: string) => doc.split('\n').find((l) => l.startsWith(`| \`${id}\` |`)) ?? '';
    for (const e of CORE_CATALOG) {
      const row = rowOf(e.id);
      const roles = row.split(' | ')[1];
      if (e.when) expect(roles).toContain(`only with ${describeApplicability(e.when)}`);
      else expect(roles).not.toContain('only with');
      if (e.alsoFor)
        expect(roles).toContain(`also ${e.alsoFor.roles.join(', ')} with ${describeApplicability(e.alsoFor.when)}`);
      else expect(roles).not.toContain('also ');
    }
    for (const e of BOUNDARY_CATALOG) {
      const row = rowOf(e.id);
      if (e.when) expect(row).toContain(`(only with ${describeApplicability(e.when)})`);
      else expect(row).not.toContain('(only with');
    }
  });
});
