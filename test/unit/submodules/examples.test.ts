/**
 * Every example in examples/ through the macro's Lambda handler, then all expansions through cfn-lint in one
 * invocation; the kitchen sink (every submodule on) against IAM's quotas.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_CATALOG } from '../../../functions/catalog';
import { MANAGED_POLICY_QUOTA, POLICY_BUDGET, GROUP_POLICY_QUOTA } from '../../../functions/core/iam/pack';
import { SUBMODULES } from '../../../functions/submodules';
import { catalogProblems, escalationProblems } from '../../support/catalog-checker';
import { errorsOf, lintTemplates } from '../../support/cfn-lint';
import { configFor, EXAMPLES_DIR, expandFile, fragmentOf, optionsOf, type Template } from './helpers';

const SUBMODULE_EXAMPLES = [
  'xray',
  'canary',
  'vpc-existing',
  'vpc-create',
  'kms',
  'secrets',
  'alarms-dashboard',
  'kitchen-sink',
];
const ALL_EXAMPLES = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

/** Resource types that take no Tags in CloudFormation (cfn-lint E3002 otherwise). */
const UNTAGGABLE = new Set([
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::KMS::Alias',
  'AWS::SNS::Subscription',
  'AWS::CloudWatch::Dashboard',
]);
/** What the core expands into; everything else in an expansion comes from a submodule. */
const CORE_TYPES = new Set(['AWS::IAM::ManagedPolicy', 'AWS::IAM::Group', 'Custom::ServerlessDeploymentBucket']);

const expanded: Record<string, Template> = {};
beforeAll(async () => {
  for (const name of ALL_EXAMPLES) expanded[name] = fragmentOf(await expandFile(join(EXAMPLES_DIR, `${name}.yaml`)));
});

test('the registry holds the submodules in a fixed order', () => {
  expect(SUBMODULES.map((s) => s.property)).toEqual(['Xray', 'Canary', 'Vpc', 'Kms', 'Secrets', 'Alarms', 'Dashboard']);
});

test('every submodule has an example', () => {
  expect(ALL_EXAMPLES).toEqual(expect.arrayContaining(SUBMODULE_EXAMPLES));
});

test.each(SUBMODULE_EXAMPLES)(
  '%s expands through the handler, and everything a submodule creates is tagged with service and stage',
  (name) => {
    const t = expanded[name];
    const extra = Object.entries(t.Resources).filter(
      ([id, r]) => !CORE_TYPES.has(r.Type) && !id.endsWith('LambdaRole'),
    );
    for (const [id, r] of extra) {
      if (UNTAGGABLE.has(r.Type)) {
        expect({ id, tags: r.Properties.Tags }).toEqual({ id, tags: undefined });
        continue;
      }
      const tags = r.Properties.Tags;
      const keys = Array.isArray(tags)
        ? (tags as Array<{ Key: string }>).map((x) => x.Key)
        : Object.keys((tags ?? {}) as object);
      expect({ id, keys }).toEqual({ id, keys: expect.arrayContaining(['service', 'stage']) });
    }
  },
);

test('every expansion is cfn-lint clean (one invocation; Errors and W3037/E3510/I3510 fail)', () => {
  const results = lintTemplates(Object.fromEntries(ALL_EXAMPLES.map((n) => [n, expanded[n]])));
  const failing = Object.fromEntries(
    Object.entries(results)
      .map(([n, f]) => [n, errorsOf(f).map((x) => `${x.Rule} ${x.Message} at ${x.Path.join('.')}`)])
      .filter(([, f]) => f.length),
  );
  expect(failing).toEqual({});
});

describe('kitchen sink: every submodule on', () => {
  const policies = () =>
    Object.entries(expanded['kitchen-sink'].Resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy');

  test('every submodule contributes', () => {
    const r = expanded['kitchen-sink'].Resources;
    for (const suffix of ['CodeDeployRole', 'Vpc', 'KmsKey', 'SecretDbPassword', 'AlarmHelloErrors', 'Dashboard'])
      expect(r[`TapirAccess${suffix}`]).toBeDefined();
    const sids = policies().flatMap(([, p]) =>
      (p.Properties.PolicyDocument as { Statement: Array<{ Sid: string }> }).Statement.map((s) => s.Sid),
    );
    for (const sid of [
      'XrayReadTraces',
      'CanaryCodedeployDeploy',
      'VpcDescribe',
      'KmsEnvironmentVariables',
      'SecretsPutValues',
      'AlarmsRead',
      'DashboardRead',
    ])
      expect(sids).toContain(sid);
  });

  test(`every managed policy stays within ${POLICY_BUDGET} characters (80% of 6,144)`, () => {
    for (const [id, p] of policies()) {
      // group policies state their packed size (unresolved values at their longest); the execution role's does not
      const declared = Number(/(\d+) characters\)$/.exec(String(p.Properties.Description))?.[1] ?? 0);
      const literal = JSON.stringify(p.Properties.PolicyDocument).length;
      // The boundary is one policy by nature (a role carries one): it may use the whole quota.
      const limit = id.endsWith('Boundary') ? MANAGED_POLICY_QUOTA : POLICY_BUDGET;
      expect({ id, declared: declared <= limit, literal: literal <= limit }).toEqual({
        id,
        declared: true,
        literal: true,
      });
    }
  });

  test(`each group holds at most ${GROUP_POLICY_QUOTA} managed policies`, () => {
    const groups = Object.values(expanded['kitchen-sink'].Resources).filter((r) => r.Type === 'AWS::IAM::Group');
    expect(groups).toHaveLength(3);
    for (const g of groups)
      expect((g.Properties.ManagedPolicyArns as unknown[]).length).toBeLessThanOrEqual(GROUP_POLICY_QUOTA);
  });

  test('statement ids are unique in each policy and across core and submodules', () => {
    for (const [, p] of policies()) {
      const sids = (p.Properties.PolicyDocument as { Statement: Array<{ Sid: string }> }).Statement.map((s) => s.Sid);
      expect(new Set(sids).size).toBe(sids.length);
    }
    const props = {
      ManyLambdas: true,
      Xray: true,
      Canary: { ServiceRole: 'plugin' },
      Vpc: true,
      Kms: true,
      Secrets: { Names: ['a'], Writers: ['admin', 'developer', 'ci'] },
      Alarms: { Functions: ['a'] },
      Dashboard: true,
    };
    const config = configFor(props);
    const entries = SUBMODULES.flatMap((m) =>
      m.entries(optionsOf(m, props[m.property as keyof typeof props], config), config),
    );
    expect(catalogProblems([...CORE_CATALOG, ...entries])).toEqual([]);
    expect(escalationProblems(entries)).toEqual([]);
  });

  test('the worst case (ManyLambdas, plugin canary role, every audience) still fits the quotas', async () => {
    const { expandProperties } = await import('./helpers');
    const t = fragmentOf(
      await expandProperties({
        ServiceName: 'analytics-pipeline-processor',
        Stage: 'integration',
        ManyLambdas: true,
        Xray: { Readers: ['admin', 'developer'] },
        Canary: { ServiceRole: 'plugin', PermissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary' },
        Vpc: true,
        Kms: { Users: ['developer', 'ci'] },
        Secrets: { Names: ['db-password', 'stripe/api-key', 'github/token'], Writers: ['admin', 'ci'] },
        Alarms: { Functions: ['a', 'b', 'c'], Api: true, Topic: true },
        Dashboard: true,
      }),
    );
    const counts = Object.values(t.Resources)
      .filter((x) => x.Type === 'AWS::IAM::Group')
      .map((r) => (r.Properties.ManagedPolicyArns as unknown[]).length);
    for (const n of counts) expect(n).toBeLessThanOrEqual(GROUP_POLICY_QUOTA);
    // Past 80% only when 80% would give a group more than 10 policies (iam/pack.ts PACK_BUDGETS).
    const nearQuota = Math.max(...counts) >= 8;
    for (const [id, r] of Object.entries(t.Resources).filter(([, x]) => x.Type === 'AWS::IAM::ManagedPolicy')) {
      expect(JSON.stringify(r.Properties.PolicyDocument).length).toBeLessThanOrEqual(
        id.endsWith('Boundary') || nearQuota ? MANAGED_POLICY_QUOTA : POLICY_BUDGET,
      );
    }
  });
});

test('docs/submodules.md has a row for every statement a submodule can grant', () => {
  const doc = readFileSync(join(EXAMPLES_DIR, '..', 'docs', 'submodules.md'), 'utf8');
  const props = {
    ManyLambdas: true,
    Xray: true,
    Canary: { ServiceRole: 'plugin' },
    Vpc: true,
    Kms: true,
    Secrets: { Names: ['a'] },
    Alarms: { Functions: ['a'] },
    Dashboard: true,
  };
  const config = configFor(props);
  const ids = SUBMODULES.flatMap((m) =>
    m.entries(optionsOf(m, props[m.property as keyof typeof props], config), config),
  ).map((e) => e.id);
  ids.push('alarms.metrics-read');
  expect(ids.filter((id) => !doc.includes(`| \`${id}\` |`))).toEqual([]);
  for (const m of SUBMODULES) expect(doc).toContain(`(\`${m.property}\`)`);
});
