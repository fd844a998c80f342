/**
 * Packing (functions/core/iam/pack.ts): policies are filled to 80% of IAM's 6,144 characters unless that would give a
 * group or role more than 10 managed policies; then 90%, then the whole quota. The statements never change, so every
 * request is decided as before: checked on a synthetic list and on the longest names with the Canary submodule.
 */
import { handler } from '../../functions/handlers/macro';
import {
  GROUP_POLICY_QUOTA,
  MANAGED_POLICY_QUOTA,
  PACK_BUDGETS,
  pack,
  packWithin,
  POLICY_BUDGET,
} from '../../functions/core/iam/pack';
import type { RenderedStatement } from '../../functions/core/iam/render';
import { policyChars } from '../../scripts/bench';

/** A statement of exactly `size` characters (its compact JSON), with a unique Sid. */
function statement(i: number, size: number): RenderedStatement {
  const base = {
    Sid: `S${String(i).padStart(4, '0')}`,
    Effect: 'Allow' as const,
    Action: 's3:GetObject',
    Resource: '',
  };
  const resource = `arn:aws:s3:::${'b'.repeat(size - JSON.stringify(base).length - 'arn:aws:s3:::'.length)}`;
  const s = { ...base, Resource: resource };
  expect(JSON.stringify(s)).toHaveLength(size);
  return { id: `s.${i}`, reason: 'test', statement: s, size, jsonSize: size };
}

const flat = (packed: readonly { document: { Statement: unknown[] } }[]) =>
  packed.flatMap((p) => p.document.Statement.map((s) => JSON.stringify(s)));

describe('packWithin: fuller policies only when 80% would pass 10 per principal', () => {
  test('the budgets are 80%, 90% and the whole quota, in that order', () => {
    expect(PACK_BUDGETS).toEqual([POLICY_BUDGET, Math.floor(MANAGED_POLICY_QUOTA * 0.9), MANAGED_POLICY_QUOTA]);
  });

  test('what fits 10 policies at 80% stays at 80%', () => {
    const list = Array.from({ length: 30 }, (_, i) => statement(i, 1500));
    const { budget, packed } = packWithin([list], ([n]) => n);
    expect(budget).toBe(POLICY_BUDGET);
    expect(packed[0].length).toBe(pack(list).length);
    for (const p of packed[0]) expect(p.size).toBeLessThanOrEqual(POLICY_BUDGET);
  });

  test('what needs 11 at 80% is packed fuller into at most 10, with the same statements in the same order', () => {
    // Statements of 1,700 characters: 2 share a policy at 80% (4,915), 3 at 90% (5,529): 30 need 15, then 10.
    const list = Array.from({ length: 30 }, (_, i) => statement(i, 1700));
    const perPrincipal = ([n]: readonly number[]) => n;
    expect(pack(list, POLICY_BUDGET).length).toBeGreaterThan(GROUP_POLICY_QUOTA);
    const { budget, packed } = packWithin([list.map((s) => s)], perPrincipal, PACK_BUDGETS);
    expect(budget).toBe(PACK_BUDGETS[1]);
    expect(packed[0].length).toBeLessThanOrEqual(GROUP_POLICY_QUOTA);
    for (const p of packed[0]) expect(p.size).toBeLessThanOrEqual(budget);
    expect(flat(packed[0])).toEqual(list.map((s) => JSON.stringify(s.statement)));
  });

  test('shared and own policies count together per principal; past the whole quota the last packing stands', () => {
    const shared = Array.from({ length: 24 }, (_, i) => statement(i, 2000));
    const own = Array.from({ length: 24 }, (_, i) => statement(100 + i, 2000));
    const { budget, packed } = packWithin([shared, own], ([a, b]) => a + b);
    expect(budget).toBe(MANAGED_POLICY_QUOTA);
    expect(packed[0].length + packed[1].length).toBeGreaterThan(GROUP_POLICY_QUOTA);
    expect(flat(packed[0])).toEqual(shared.map((s) => JSON.stringify(s.statement)));
  });
});

// ---------------------------------------------------------------------------------------------------------

const exactly = (n: number, text: string) => `${text.repeat(20).slice(0, n - 1)}x`;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

async function expand(properties: Record<string, unknown>): Promise<Resources> {
  const r = await handler({
    region: 'us-east-1',
    accountId: '123456789012',
    transformId: '123456789012::FormidableServerless',
    requestId: 'pack',
    params: {},
    templateParameterValues: {},
    fragment: { Resources: { LongAccess: { Type: 'Formidable::Serverless::Access', Properties: properties } } },
  });
  if (r.status !== 'success') throw new Error(String(r.errorMessage));
  return (r.fragment as { Resources: Resources }).Resources;
}

describe('the longest names with the Canary submodule (the case 80% alone cannot hold)', () => {
  const properties = {
    ServiceName: exactly(100, 'hippopotamus-migration-orchestrator-'),
    Stage: exactly(45, 'performance-testing-'),
    ResourcePrefix: exactly(100, 'platform-team-access-'),
    StackName: exactly(128, 'sls-hippopotamus-migration-'),
    PermissionsBoundary: 'arn:aws:iam::123456789012:policy/platform-boundary',
    Canary: true,
  };
  let resources: Resources;
  beforeAll(async () => {
    resources = await expand(properties);
  });
  const documentsOf = (group: string) =>
    (resources[group].Properties.ManagedPolicyArns as { Ref: string }[]).map(
      (a) => resources[a.Ref].Properties.PolicyDocument as { Statement: unknown[] },
    );

  test("admin's group holds at most 10 policies, each within IAM's 6,144 (some past 80%: the fallback was needed)", () => {
    const sizes = documentsOf('LongAccessAdminGroup').map((d) => policyChars(d));
    expect(sizes.length).toBeLessThanOrEqual(GROUP_POLICY_QUOTA);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MANAGED_POLICY_QUOTA);
    expect(Math.max(...sizes)).toBeGreaterThan(POLICY_BUDGET);
  });

  test('the group holds exactly the statements 80% packing would spread over more than 10 policies', () => {
    for (const group of ['LongAccessAdminGroup', 'LongAccessDeveloperGroup', 'LongAccessCiGroup']) {
      const statements = documentsOf(group).flatMap((d) => d.Statement);
      const sids = statements.map((s) => (s as { Sid: string }).Sid);
      expect(new Set(sids).size).toBe(sids.length);
      // The same statements, re-packed at 80% (sizes as IAM counts them), need more than 10 policies for admin.
      const rendered: RenderedStatement[] = statements.map((s, i) => {
        const size = policyChars(s);
        return { id: `x.${i}`, reason: '', statement: s as RenderedStatement['statement'], size, jsonSize: size };
      });
      if (group === 'LongAccessAdminGroup')
        expect(pack(rendered, POLICY_BUDGET).length).toBeGreaterThan(GROUP_POLICY_QUOTA);
    }
  });
});
