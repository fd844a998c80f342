/**
 * Names the macro generates always fit AWS's limits: functions/core/naming.ts fitName, and every
 * generated name of a real expansion, with the policies naming the shortened names exactly.
 */
import { createHash } from 'node:crypto';
import { handler } from '../../functions/handlers/macro';
import { IAM_NAME_LIMITS } from '../../functions/core/config';
import { fitName, NAME_HASH_LENGTH, NAME_LIMITS, type NameKind } from '../../functions/core/naming';

const HASH = `[0-9a-f]{${NAME_HASH_LENGTH}}`;

describe('fitName', () => {
  test('a name that fits is returned unchanged, at 63 and at exactly 64 characters of a role', () => {
    const n63 = `cf-${'a'.repeat(43)}-lambda-execution`;
    const n64 = `cf-${'a'.repeat(44)}-lambda-execution`;
    expect(n63).toHaveLength(63);
    expect(n64).toHaveLength(64);
    expect(fitName('iam-role', n63.slice(0, -17), '-lambda-execution')).toBe(n63);
    expect(fitName('iam-role', n64.slice(0, -17), '-lambda-execution')).toBe(n64);
    expect(fitName('iam-role', n64)).toBe(n64);
  });

  test('at 65 characters it is shortened to at most 64: a readable head, 8 hex characters of the hash, the tail', () => {
    const head = `cf-${'a'.repeat(45)}`;
    const full = `${head}-lambda-execution`;
    expect(full).toHaveLength(65);
    const fitted = fitName('iam-role', head, '-lambda-execution');
    expect(fitted.length).toBeLessThanOrEqual(64);
    expect(fitted).toMatch(new RegExp(`^cf-a+-${HASH}-lambda-execution$`));
    // The hash is the SHA-256 of the full name, so it is not a function of the kept characters alone.
    expect(fitted).toContain(createHash('sha256').update(full).digest('hex').slice(0, NAME_HASH_LENGTH));
    expect(head.startsWith(fitted.slice(0, fitted.indexOf('-', 4)))).toBe(true);
  });

  test('a 35-character service with a 19-character stage: its execution role becomes a 64-character name that starts with the prefix', () => {
    const fitted = fitName(
      'iam-role',
      'cf-hippopotamus-migration-orchestrator-performance-testing',
      '-lambda-execution',
    );
    expect(fitted).toMatch(new RegExp(`^cf-hippopotamus-migration-orchestrator-${HASH}-lambda-execution$`));
    expect(fitted.length).toBeLessThanOrEqual(64);
    // Pinned: a change of the algorithm renames every deployed shortened resource, which must be deliberate.
    expect(fitted).toBe('cf-hippopotamus-migration-orchestrator-163947e0-lambda-execution');
  });

  test('the IAM limits the expansion checks are the ones names are fitted to', () => {
    expect(IAM_NAME_LIMITS).toEqual({
      group: NAME_LIMITS['iam-group'],
      policy: NAME_LIMITS['iam-policy'],
      role: NAME_LIMITS['iam-role'],
    });
  });

  test('deterministic: the same input gives the same name, every time', () => {
    const a = fitName('iam-group', 'x'.repeat(200), '-admin');
    const b = fitName('iam-group', 'x'.repeat(200), '-admin');
    expect(a).toBe(b);
  });

  test('distinct inputs give distinct names, even when they differ only past the kept head', () => {
    const names = new Set<string>();
    const inputs = Array.from({ length: 3000 }, (_, i) => `cf-${'orders'.repeat(12)}-stage-${i}`);
    for (const n of inputs) names.add(fitName('iam-role', n, '-lambda-execution'));
    expect(names.size).toBe(inputs.length);
    // The same full name cut differently (head/tail split) is still the same full name.
    expect(fitName('iam-role', `${'q'.repeat(60)}-x`, '-ci')).not.toBe(
      fitName('iam-role', `${'q'.repeat(60)}-y`, '-ci'),
    );
  });

  test.each(Object.entries(NAME_LIMITS) as [NameKind, number][])(
    '%s: every length up to far past %i fits',
    (kind, limit) => {
      for (const length of [1, limit - 1, limit, limit + 1, limit + 9, 2 * limit + 5]) {
        const name = 'n'.repeat(length);
        const fitted = fitName(kind, name);
        expect(fitted.length).toBeLessThanOrEqual(limit);
        if (length <= limit) expect(fitted).toBe(name);
        else expect(fitted).toMatch(new RegExp(`^n+-${HASH}$`));
      }
    },
  );

  test('a tail longer than half the limit is cut with the rest, and the name still fits', () => {
    const fitted = fitName('iam-role', 'cf-orders-development-environment', `-${'developers'.repeat(4)}`);
    expect(fitted.length).toBeLessThanOrEqual(64);
    expect(fitted).toMatch(new RegExp(`^cf-orders-development-environment-developers.*-${HASH}$`));
  });

  test('no separator is left dangling before the hash, and no new character kind appears', () => {
    const fitted = fitName('iam-role', `cf-${'abc-'.repeat(20)}`, '-ci');
    expect(fitted).not.toMatch(/--/);
    expect(fitted).toMatch(/^[a-z0-9-]+$/);
    expect(fitName('kms-alias', `alias/${'s'.repeat(150)}/${'t'.repeat(150)}`)).toMatch(
      new RegExp(`^alias/s+/t+-${HASH}$`),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// A real expansion with long names: every generated name fits, and every grant names it exactly.

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

async function expand(properties: Record<string, unknown>): Promise<Resources> {
  const r = await handler({
    region: 'us-east-1',
    accountId: '123456789012',
    transformId: '123456789012::FormidableServerless',
    requestId: 'names',
    params: {},
    templateParameterValues: {},
    fragment: { Resources: { LongAccess: { Type: 'Formidable::Serverless::Access', Properties: properties } } },
  });
  if (r.status !== 'success') throw new Error(String(r.errorMessage));
  return (r.fragment as { Resources: Resources }).Resources;
}

/** Every string of a value (policy documents hold Fn::Sub strings too). */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(value);
}

/** Which name property of which resource type is limited how (the kinds of NAME_LIMITS). */
const NAMED: Record<string, [string, NameKind][]> = {
  'AWS::IAM::Role': [['RoleName', 'iam-role']],
  'AWS::IAM::Group': [['GroupName', 'iam-group']],
  'AWS::IAM::ManagedPolicy': [['ManagedPolicyName', 'iam-policy']],
  'AWS::CloudWatch::Alarm': [['AlarmName', 'cloudwatch-alarm']],
  'AWS::CloudWatch::Dashboard': [['DashboardName', 'cloudwatch-dashboard']],
  'AWS::SNS::Topic': [['TopicName', 'sns-topic']],
  'AWS::KMS::Alias': [['AliasName', 'kms-alias']],
  'AWS::SecretsManager::Secret': [['Name', 'secret']],
  'AWS::SSM::Parameter': [['Name', 'ssm-parameter']],
};

/** `text` cut to exactly `n` characters, ending in a letter. */
const exactly = (n: number, text: string) => `${text.repeat(20).slice(0, n - 1)}x`;

const LONGEST = {
  ServiceName: exactly(100, 'hippopotamus-migration-orchestrator-'),
  // Stage at 45 characters, not its 100: with ServiceName at 100 the ARNs of the least-privilege catalog (every
  // closure of issue 10) need more than IAM's 10 managed policies per group; ResourcePrefix keeps the group and
  // policy names past 128.
  Stage: exactly(45, 'performance-testing-'),
  ResourcePrefix: exactly(100, 'platform-team-access-'),
  // <service>-<stage> is past CloudFormation's 128 characters, so the service names its stack (provider.stackName)
  StackName: exactly(128, 'sls-hippopotamus-migration-'),
  RoleAdminName: `administrators-${'of-the-service-'.repeat(3)}x`,
  RoleDeveloperName: `developers-${'of-the-service-'.repeat(3)}xyz`,
  RoleCiName: `continuous-integration-${'pipeline-'.repeat(4)}`.slice(0, 64),
  // ~200 characters of <service>-<stage>- in every ARN overflow the macro's one-policy boundary (the macro refuses
  // that with its fix): names this long bring their own boundary.
  PermissionsBoundary: 'arn:aws:iam::123456789012:policy/platform-boundary',
};

describe('a real expansion with long names', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'a 35-character service with a 19-character stage',
      {
        ServiceName: 'hippopotamus-migration-orchestrator',
        SlsServiceName: 'hippopotamus-migration-orchestrator',
        Stage: 'performance-testing',
        Canary: true,
      },
    ],
    // At their longest, the names make the ARNs long enough that every submodule at once needs more than IAM's
    // 10 managed policies per group (a clear error of its own): the submodules are spread over three cases, each with
    // every name at its maximum. Where 80% per policy would need an 11th policy (the CodeDeploy role case), the
    // policies are filled fuller (functions/core/iam/pack.ts PACK_BUDGETS, test/unit/pack.test.ts).
    [
      'every name at its longest, with the submodules that name things',
      {
        ...LONGEST,
        Kms: true,
        Alarms: {
          Functions: [{ Name: `reconcile-${'every-warehouse-'.repeat(7)}now`, FunctionName: 'reconcile' }],
          Topic: { Emails: ['ops@example.com'] },
          Api: true,
        },
        Dashboard: true,
      },
    ],
    ['every name at its longest, with the CodeDeploy role', { ...LONGEST, Canary: true }],
    [
      'every name at its longest, with the VPC the macro creates (its Name tags) and Secrets',
      { ...LONGEST, Vpc: { Mode: 'create' }, Secrets: { Names: ['db-password'] } },
    ],
  ];

  test("the longest inputs are at the properties' maxima", () => {
    expect(LONGEST.ServiceName).toHaveLength(100);
    expect(LONGEST.Stage).toHaveLength(45);
    expect(LONGEST.ResourcePrefix).toHaveLength(100);
    for (const k of ['RoleAdminName', 'RoleDeveloperName', 'RoleCiName'] as const)
      expect(LONGEST[k].length).toBeGreaterThan(55);
  });

  test.each(cases)("%s: every name the macro creates fits AWS's limit for it", async (_name, properties) => {
    const resources = await expand(properties);
    let checked = 0;
    for (const [id, r] of Object.entries(resources)) {
      for (const [prop, kind] of NAMED[r.Type] ?? []) {
        const v = r.Properties?.[prop];
        if (typeof v !== 'string') continue;
        checked++;
        if (v.length > NAME_LIMITS[kind])
          throw new Error(`${id}.${prop} '${v}' is ${v.length} characters; ${kind} allows ${NAME_LIMITS[kind]}`);
      }
      const tags = r.Properties?.Tags;
      const values = Array.isArray(tags)
        ? (tags as { Value: string }[]).map((t) => t.Value)
        : Object.values((tags ?? {}) as Record<string, string>);
      for (const v of values) expect(v.length).toBeLessThanOrEqual(NAME_LIMITS['tag-value']);
    }
    expect(checked).toBeGreaterThan(8);
  });

  test.each(cases)(
    '%s: the policies name every role the macro creates exactly (no wildcard, never the full name)',
    async (_name, properties) => {
      const resources = await expand(properties);
      const policyText = Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Role')
        .flatMap((r) => strings(r.Properties?.PolicyDocument ?? r.Properties?.Policies));
      const roles = Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Role')
        .map((r) => String(r.Properties?.RoleName));
      expect(roles.length).toBe(properties.Canary ? 2 : 1);
      const roleArns = policyText.filter((s) => s.includes(':role/')).map((s) => s.slice(s.indexOf(':role/') + 6));
      for (const role of roles) {
        // Each created role is granted on (PassRole, or the execution role's own statements) by its exact name.
        expect(roleArns).toContain(role);
      }
      const prefix = `${properties.ResourcePrefix ?? `cf-${properties.ServiceName}`}-${properties.Stage}`;
      for (const arn of roleArns) {
        // A grant on a macro role never uses the full (unshortened) name, nor a pattern over the macro's prefix.
        if (arn.startsWith(prefix.slice(0, 20))) expect(roles).toContain(arn);
      }
    },
  );

  test("alarms and the dashboard: shortened names stay inside the groups' grants; the KMS condition names the alias", async () => {
    const resources = await expand(cases[1][1]);
    expect(cases[1][0]).toMatch(/submodules that name/);
    const policyText = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r) => strings(r.Properties?.PolicyDocument));
    const alarms = Object.values(resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => String(r.Properties?.AlarmName));
    expect(alarms.some((a) => new RegExp(`-${HASH}-errors$`).test(a))).toBe(true);
    const alarmPatterns = policyText.filter((s) => s.includes(':alarm:'));
    for (const a of alarms) {
      expect(
        alarmPatterns.some((p) =>
          globMatches(
            p.replace(/^arn:\*:cloudwatch:\*:/, 'arn:aws:cloudwatch:us-east-1:'),
            `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${a}`,
          ),
        ),
      ).toBe(true);
    }
    const dashboard = Object.values(resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')?.Properties
      ?.DashboardName as string;
    expect(
      policyText.filter((s) => s.includes(':dashboard/')).map((s) => s.slice(s.indexOf(':dashboard/') + 11)),
    ).toEqual(expect.arrayContaining([dashboard]));
    const alias = Object.values(resources).find((r) => r.Type === 'AWS::KMS::Alias')?.Properties?.AliasName as string;
    expect(policyText).toContain(alias);
  });

  test('the outputs show the real names: groups and roles; every managed policy is attached to one of them', async () => {
    const r = await handler({
      region: 'us-east-1',
      accountId: '123456789012',
      transformId: '123456789012::FormidableServerless',
      requestId: 'names',
      params: {},
      templateParameterValues: {},
      fragment: { Resources: { LongAccess: { Type: 'Formidable::Serverless::Access', Properties: cases[0][1] } } },
    });
    const fragment = r.fragment as { Resources: Resources; Outputs: Record<string, { Value: unknown }> };
    const referenced = new Set(Object.values(fragment.Outputs).flatMap((o) => strings(o.Value)));
    // policy ARNs are outputs only with DisableGroups (the footprint: 5 outputs per Access resource); otherwise
    // each policy is found through the group or role it is attached to, whose real name is an output
    const attached = new Set<string>();
    for (const res of Object.values(fragment.Resources)) {
      for (const arn of (res as { Properties?: { ManagedPolicyArns?: unknown[] } }).Properties?.ManagedPolicyArns ?? [])
        strings(arn).forEach((x) => attached.add(x));
    }
    for (const [id, res] of Object.entries(fragment.Resources)) {
      if (['AWS::IAM::Group', 'AWS::IAM::Role'].includes(res.Type))
        expect([id, referenced.has(id)]).toEqual([id, true]);
      if (res.Type === 'AWS::IAM::ManagedPolicy') {
        const roles = ((res as { Properties?: { Roles?: unknown[] } }).Properties?.Roles ?? []).flatMap(strings);
        // the permissions boundary is attached to no principal: its ARN is an output of its own
        expect([id, attached.has(id) || roles.some((r) => referenced.has(r)) || referenced.has(id)]).toEqual([
          id,
          true,
        ]);
      }
    }
  });
});
