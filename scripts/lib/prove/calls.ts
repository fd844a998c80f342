/**
 * The call side of the proof: the Serverless Framework's API calls, as concrete IAM requests.
 *
 * Source of truth: `test/fixtures/recorded/sls-api-calls.json` (format in that folder's README.md): one entry per
 * (command, SDK call) of the CLI and per permission CloudFormation uses on the caller's behalf when it
 * creates, updates or deletes the resources the framework emits. Placeholders (`${Service}`,
 * `${FunctionName}`, ...) are filled from a small model of the fixture's serverless.yml, computed for any
 * (service, stage), so the same entry can be replayed against the group's own service+stage and against
 * another stage or service. The model's names are checked against the osls-generated templates.
 *
 * Selection per fixture (the recorded folder's README.md, "Using the calls as an oracle"):
 * - CLI entries whose `condition` holds for the service (every condition string is mapped below; an
 *   unknown one throws). Conditions that describe a situation of the command rather than the service
 *   (first deploy vs update, `-t` given, objects found) are all included: each is a call the role line
 *   has an answer for.
 * - CloudFormation-on-behalf entries with `required: true` whose resource group (resourceType + logical id
 *   family) appears in the template, plus the few `required: false` ones whose property the fixture sets
 *   (OPTIONAL_ENTRIES).
 * - Entries the proof cannot or should not simulate are excluded by a rule of OUT_OF_SCOPE, with its reason;
 *   nothing else is dropped.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { macroBoundaryArn } from '../../../functions/core/boundary';
import { generatedBucketName } from '../../../functions/core/deployment-bucket';
import { cfnGeneratedName } from '../../../functions/core/generated-names';
import { accessPropertiesOf as serviceAccessProperties } from '../../../functions/core/service-config';
import { patternSources } from '../../../functions/core/event-access-properties';
import { parseTemplate } from '../cfn-yaml';
import { RECORDED, SERVICES_DIR } from '../repo-data';
import { ACCOUNT_ID, PRINCIPAL, type SimRequest } from './simulate';
import type { Target } from './types';

export const CATALOG_PATH = RECORDED.calls;
export const FIXTURES_DIR = SERVICES_DIR;
export const PARTITION = 'aws';

// ---------------------------------------------------------------------------------------------------------
// The catalog

export interface CatalogCall {
  readonly id: string;
  readonly command: string;
  readonly service: string;
  readonly action: string;
  readonly resource: string;
  readonly note: string;
  readonly condition: string;
  readonly required: boolean | 'when-condition';
  readonly via: 'cli' | 'cloudformation-on-behalf';
  readonly phase?: string;
  readonly sdkCall?: string | null;
  readonly requestContext?: Readonly<Record<string, string | null>>;
  readonly errorTolerated?: string;
  readonly resourceType?: string;
  readonly logicalId?: string;
  readonly handler?: 'create' | 'update' | 'delete';
  readonly alsoWhen?: string;
  readonly iamActionUnknown?: boolean;
}

let catalogCache: CatalogCall[] | undefined;
export function loadCatalog(): readonly CatalogCall[] {
  catalogCache ??= JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as CatalogCall[];
  return catalogCache;
}

/** `resourceType|logicalId` of an on-behalf entry: the resource group it belongs to. */
export function groupOf(e: CatalogCall): string | undefined {
  return e.resourceType ? `${e.resourceType}|${e.logicalId}` : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Out of scope: entries whose condition holds for a fixture but that are not simulated, and why.

export interface OutOfScopeRule {
  readonly id: string;
  readonly reason: string;
  readonly applies: (e: CatalogCall, m: ServiceModel) => boolean;
}

export const OUT_OF_SCOPE: readonly OutOfScopeRule[] = [
  {
    id: 'sts-get-caller-identity',
    reason:
      'sts:GetCallerIdentity needs no permission: AWS answers it for every principal and no policy can deny it, so there is nothing to prove.',
    applies: (e) => e.service === 'sts' && e.action === 'GetCallerIdentity',
  },
  {
    id: 'ecr-image-functions',
    reason:
      "Image (ECR) functions are not covered by the statement catalog; remove's ecr:DescribeRepositories (0124) tolerates AccessDenied, so remove works without it.",
    applies: (e) => e.service === 'ecr',
  },
  {
    id: 'cloudformation-service-role',
    reason:
      "provider.iam.deploymentRole is set: CloudFormation creates, updates and deletes resources with that service role, not with the caller's credentials (the caller only passes the role, entries 0054/0114/0133).",
    applies: (e, m) => e.via === 'cloudformation-on-behalf' && !!m.cfnRoleArn && !!e.resourceType,
  },
  {
    id: 'iam-action-unknown',
    reason: 'The registry lists an API name that is not an IAM action (iamActionUnknown); IAM never evaluates it.',
    applies: (e) => !!e.iamActionUnknown,
  },
  {
    id: 'registry-conditional',
    reason:
      'required: false on-behalf permissions are registry-listed for properties these fixtures do not set (KMS keys, VPC, code signing, object lock, ...); the ones whose property a fixture sets are in OPTIONAL_ENTRIES.',
    applies: (e, m) =>
      e.via === 'cloudformation-on-behalf' &&
      e.required === false &&
      !OPTIONAL_ENTRIES.some((o) => o.ids.includes(e.id) && o.when(m)),
  },
];

/**
 * Template resources no catalog entry describes: the service's own `resources:` section (04: the SQS
 * queues JobsQueue and AlertsDlq; 05: the DynamoDB table RecordsTable; 08: InvoiceQueue and the IAM role
 * AuditRole). sls-api-calls.json covers what the framework emits; what CloudFormation needs for arbitrary
 * user resources depends on their type and is not proven here (selectCalls reports them as
 * uncoveredTemplateResources; the test checks they all come from `resources:`). Functions that use such a
 * role are still proven: their PassRole names the role CloudFormation generates for it.
 */
export const OUT_OF_SCOPE_TEMPLATE_RESOURCES = "the service's own resources: section";

/**
 * `required: false` on-behalf entries whose property the fixture sets. (0301 lambda:GetLayerVersion for
 * layers is left out: the catalog gives it a function ARN, which is not a resource of that action.)
 */
export const OPTIONAL_ENTRIES: readonly {
  ids: readonly string[];
  reason: string;
  when: (m: ServiceModel) => boolean;
}[] = [
  {
    ids: ['0186', '0195'],
    reason: 'provider.logRetentionInDays sets RetentionInDays on the function log groups',
    when: (m) => m.provider.logRetentionInDays !== undefined,
  },
  {
    ids: ['0288', '0316'],
    reason: 'functions.<f>.reservedConcurrency sets ReservedConcurrentExecutions',
    when: (m) => m.functions.some((f) => f.raw.reservedConcurrency !== undefined),
  },
  {
    ids: ['0236', '0244', '0243'],
    reason: 'provider.iam.role.managedPolicies attaches managed policies to the execution role',
    when: (m) => !!m.providerRole?.managedPolicies,
  },
  {
    ids: ['0246'],
    reason: "provider.iam.role.permissionsBoundary sets the execution role's boundary",
    when: (m) => !!m.providerRole?.permissionsBoundary,
  },
  {
    ids: ['0237', '0248'],
    reason: 'provider.iam.role.tags tags the execution role',
    when: (m) => !!m.providerRole?.tags,
  },
];

// ---------------------------------------------------------------------------------------------------------
// The fixture model: serverless.yml → every name the framework derives, for any (service, stage)

export interface FixtureInfo {
  readonly dir: string;
  readonly service: string;
  readonly stages: readonly [string, string];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed serverless.yml: any shape the framework accepts
type Yaml = Record<string, any>;

export interface FunctionModel {
  readonly key: string;
  /** Normalized key, the prefix of the function's logical ids (`CreateLambdaFunction`). */
  readonly norm: string;
  readonly name: string;
  readonly roleName: string;
  readonly events: readonly Yaml[];
  readonly raw: Yaml;
}

export interface ServiceModel {
  readonly fixture: string;
  readonly service: string;
  readonly stage: string;
  readonly region: string;
  readonly raw: string;
  /** serverless.yml with the stage's variables resolved. */
  readonly doc: Yaml;
  readonly provider: Yaml;
  readonly providerRole?: Yaml;
  readonly stackName: string;
  readonly customBucket?: string;
  readonly deploymentPrefix: string;
  readonly deploymentMethod: 'changesets' | 'direct';
  readonly cfnRoleArn?: string;
  readonly executionRoleName: string;
  readonly functions: readonly FunctionModel[];
  readonly layers: readonly { key: string; name: string }[];
  readonly resources: Yaml;
}

export function fixtureInfo(dir: string): FixtureInfo {
  const raw = readFileSync(join(FIXTURES_DIR, dir, 'serverless.yml'), 'utf8');
  const service = /^service:\s*(\S+)\s*$/m.exec(raw)?.[1];
  if (!service) throw new Error(`${dir}/serverless.yml has no service`);
  const stages = ['dev', 'prod', 'development', 'integration', 'development-sandbox', 'integration-testing'].filter(
    (s) => existsSync(join(FIXTURES_DIR, dir, s)),
  );
  if (stages.length !== 2) throw new Error(`${dir}: expected two stage folders, found ${stages.join(', ')}`);
  return { dir, service, stages: [stages[0], stages[1]] };
}

/**
 * The model of `fixture`'s serverless.yml for `stage`, optionally as if the service were called
 * `service` (every occurrence of the real service name in the file is renamed: "another service,
 * configured the same way").
 */
export function loadModel(fixture: string, stage: string, service?: string): ServiceModel {
  let raw = readFileSync(join(FIXTURES_DIR, fixture, 'serverless.yml'), 'utf8');
  const real = /^service:\s*(\S+)\s*$/m.exec(raw)?.[1] ?? '';
  const svc = service ?? real;
  if (svc !== real) raw = raw.replace(new RegExp(`\\b${real.replace(/[-]/g, '\\-')}\\b`, 'g'), svc);
  const doc = resolveVariables(parseTemplate(raw), svc, stage) as Yaml;
  const provider = (doc.provider ?? {}) as Yaml;
  const region: string = provider.region ?? 'us-east-1';
  const stackName: string = typeof provider.stackName === 'string' ? provider.stackName : `${svc}-${stage}`;
  const bucketSetting = provider.deploymentBucket;
  const customBucket: string | undefined = typeof bucketSetting === 'string' ? bucketSetting : bucketSetting?.name;
  const providerRole = typeof provider.iam?.role === 'object' ? (provider.iam.role as Yaml) : undefined;
  const executionRoleName: string = providerRole?.name ?? `${svc}-${stage}-${region}-lambdaRole`;
  const resources = (doc.resources?.Resources ?? {}) as Yaml;
  const cfnRole = provider.iam?.deploymentRole ?? provider.cfnRole;

  const functions: FunctionModel[] = Object.entries((doc.functions ?? {}) as Yaml).map(([key, f]) => {
    const raw = (f ?? {}) as Yaml;
    return {
      key,
      norm: normalize(key),
      name: typeof raw.name === 'string' ? raw.name : `${svc}-${stage}-${key}`,
      roleName: functionRole(raw.role, executionRoleName, resources, stackName),
      events: (raw.events ?? []) as Yaml[],
      raw,
    };
  });
  const layers = Object.entries((doc.layers ?? {}) as Yaml).map(([key, l]) => ({
    key,
    name: typeof l?.name === 'string' ? l.name : key,
  }));
  return {
    fixture,
    service: svc,
    stage,
    region,
    raw,
    doc,
    provider,
    providerRole,
    stackName,
    customBucket,
    deploymentPrefix: provider.deploymentPrefix ?? 'serverless',
    deploymentMethod: provider.deploymentMethod === 'direct' ? 'direct' : 'changesets',
    cfnRoleArn: typeof cfnRole === 'string' ? cfnRole : undefined,
    executionRoleName,
    functions,
    layers,
    resources,
  };
}

/**
 * The Access properties a platform team sets for this service+stage (functions/core/service-config.ts),
 * from the model's resolved serverless.yml. Notes on the fixtures: 08-tracing-iam's AuditRole is named by
 * CloudFormation, so admin passes it through the stack and developer and ci do not (exemption
 * generated-function-role-pass); 06-layer's bare LayerNames entry `sharp` is the same layer in every stage and
 * service, so its requests are identical across stages (reported as identical requests, not gaps);
 * 11-custom-stack-name's DeploymentRoleArn is the same role for every stage, and the role line then rests on
 * that role's own policy.
 */
export function accessPropertiesOf(m: ServiceModel): Record<string, unknown> {
  return serviceAccessProperties(m.doc, m.service, m.stage);
}

function resolveVariables(value: unknown, service: string, stage: string): unknown {
  if (typeof value === 'string') {
    const out = value
      .replace(/\$\{sls:stage\}|\$\{opt:stage\}|\$\{self:provider\.stage\}/g, stage)
      .replace(/\$\{self:service\}/g, service);
    if (/\$\{[^}]*\}/.test(out) && !out.includes('${aws:') && !out.startsWith('$request')) {
      throw new Error(
        `serverless.yml value ${JSON.stringify(value)} uses a variable the proof's model does not resolve`,
      );
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => resolveVariables(v, service, stage));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVariables(v, service, stage)]));
  }
  return value;
}

/** naming.getNormalizedFunctionName (osls lib/plugins/aws/lib/naming.js). */
export function normalize(name: string): string {
  const n = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return n.charAt(0).toUpperCase() + n.slice(1);
}

function functionRole(role: unknown, executionRoleName: string, resources: Yaml, stackName: string): string {
  if (role === undefined) return executionRoleName;
  if (typeof role === 'string' && role.startsWith('arn:')) return role.slice(role.lastIndexOf('/') + 1);
  const logicalId = typeof role === 'string' ? role : (role as Yaml)?.['Fn::GetAtt']?.[0];
  const r = typeof logicalId === 'string' ? resources[logicalId] : undefined;
  if (!r || r.Type !== 'AWS::IAM::Role')
    throw new Error(`function role ${JSON.stringify(role)} is not an in-template AWS::IAM::Role`);
  return r.Properties?.RoleName ?? cfnGeneratedName(stackName, logicalId, 64, 'A1B2C3D4E5F6G');
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** osls custom-resources/index.js: `<service>-<stage>-custom-resource-<kind>`, hashed past 64 characters. */
export function customResourceFunctionName(service: string, stage: string, kind: string): string {
  const name = `${service}-${stage}-custom-resource-${kind}`;
  return name.length > 64 ? `${name.slice(0, 32)}${md5(name)}` : name;
}

/** osls event-bridge/utils.js makeAndHashRuleName. */
export function eventBridgeRuleName(functionName: string, index: number): string {
  const suffix = `rule-${index}`;
  const name = `${functionName}-${suffix}`;
  return name.length > 64 ? `${name.slice(0, 31 - suffix.length)}${md5(name)}-${suffix}` : name;
}

// ---------------------------------------------------------------------------------------------------------
// Names: placeholder values per instance (a function, a rule, a topic ...), aligned across variants by key

export type Binding = Record<string, string>;

export interface Names {
  readonly model: ServiceModel;
  readonly global: Binding;
  /** Instance key (`fn:create`, `rule:nightly:1`, ...) → its placeholders. */
  readonly instances: ReadonlyMap<string, Binding>;
}

/** Random-looking, stable ids for things AWS names at random (API ids, UUIDs), distinct per service+stage. */
function fakeId(kind: string, m: ServiceModel, length = 10): string {
  return md5(`${kind}:${m.service}:${m.stage}`).slice(0, length);
}

/** Per-variant suffix of CloudFormation-generated names (the own one is a1b2c3d4e5f6, as the brief asks). */
export interface NameOptions {
  readonly bucketSuffix: string;
  readonly generatedSuffix: string;
}
export const OWN_SUFFIXES: NameOptions = { bucketSuffix: 'a1b2c3d4e5f6', generatedSuffix: 'A1B2C3D4E5F6G' };
export const OTHER_SUFFIXES: NameOptions = { bucketSuffix: 'q7r8s9t0u1v2', generatedSuffix: 'Q7R8S9T0U1V2W' };

export const ARTIFACT_DIR = '1795526522406-2026-11-24T13:22:02.406Z';

export function namesOf(m: ServiceModel, opts: NameOptions): Names {
  const bucket = m.customBucket ?? generatedBucketName(m.stackName, opts.bucketSuffix);
  const restApiId = fakeId('restapi', m);
  const global: Binding = {
    Partition: PARTITION,
    Region: m.region,
    AccountId: ACCOUNT_ID,
    Service: m.service,
    Stage: m.stage,
    StackName: m.stackName,
    StackId: uuidOf(`stack:${m.stackName}`),
    BucketName: bucket,
    DeploymentPrefix: m.deploymentPrefix,
    ApiStage: m.provider.apiGateway?.stage ?? m.stage,
    ExecutionRoleName: m.executionRoleName,
    CustomResourceRoleName: cfnGeneratedName(
      m.stackName,
      'IamRoleCustomResourcesLambdaExecution',
      64,
      opts.generatedSuffix,
    ),
    ArtifactDir: ARTIFACT_DIR,
    ArtifactFile: `${m.service}.zip`,
    RestApiId: restApiId,
    HttpApiId: fakeId('httpapi', m),
    UsagePlanId: fakeId('usageplan', m, 6),
    TagsResource: encodeURIComponent(
      `arn:${PARTITION}:apigateway:${m.region}::/restapis/${restApiId}/stages/${m.provider.apiGateway?.stage ?? m.stage}`,
    ),
    FunctionVersion: '3',
    LayerVersion: '1',
    ...(m.cfnRoleArn ? { CfnRoleArn: m.cfnRoleArn } : {}),
  };
  const instances = new Map<string, Binding>();
  const add = (key: string, b: Binding) => {
    if (instances.has(key)) throw new Error(`${m.fixture}: instance ${key} twice`);
    instances.set(key, b);
  };
  for (const f of m.functions) {
    add(`fn:${f.key}`, { FunctionName: f.name, ExecutionRoleName: f.roleName });
    let schedule = 0;
    let eventBridge = 0;
    let mapping = 0;
    let topic = 0;
    let logs = 0;
    let s3 = 0;
    for (const ev of f.events) {
      const [type, spec] = Object.entries(ev)[0] as [string, Yaml | string];
      const o = (typeof spec === 'object' && spec !== null ? spec : {}) as Yaml;
      if (type === 'schedule') {
        schedule++;
        if (o.method === 'scheduler') {
          add(`scheduler:${f.key}:${schedule}`, {
            SchedulerScheduleName:
              o.name ??
              cfnGeneratedName(m.stackName, `${f.norm}SchedulerSchedule${schedule}`, 64, opts.generatedSuffix),
            ExecutionRoleName: f.roleName,
          });
        } else {
          add(`schedule:${f.key}:${schedule}`, {
            ScheduleRuleName:
              o.name ??
              cfnGeneratedName(m.stackName, `${f.norm}EventsRuleSchedule${schedule}`, 64, opts.generatedSuffix),
          });
        }
      } else if (type === 'eventBridge') {
        eventBridge++;
        const bus =
          typeof o.eventBus === 'string' && o.eventBus !== 'default'
            ? o.eventBus.replace(/^arn:.*:event-bus\//, '')
            : undefined;
        add(`ebrule:${f.key}:${eventBridge}`, {
          EventBridgeRuleName: eventBridgeRuleName(f.name, eventBridge),
          EventBusPath: bus ? `${bus}/` : '',
          // PutRule's events:source: the pattern's sources, one per line (none for an eventBridge schedule).
          EventSources: patternSources(o.pattern).join('\n'),
        });
        if (bus && !String(o.eventBus).startsWith('arn:')) add(`bus:${f.key}:${eventBridge}`, { EventBusName: bus });
      } else if (type === 'sqs' || type === 'stream') {
        mapping++;
        add(`esm:${f.key}:${mapping}`, {
          FunctionName: f.name,
          EsmUuid: uuidOf(`${m.service}:${m.stage}:${f.key}:${mapping}`),
        });
        const arn = typeof spec === 'string' ? spec : o.arn;
        if (type === 'stream' && o.consumer && typeof arn === 'string') {
          const stream = arn.slice(arn.lastIndexOf('/') + 1);
          add(`consumer:${f.key}:${mapping}`, {
            StreamName: stream,
            ConsumerName: `${f.key}${stream}Consumer`,
            ConsumerCreationTimestamp: '1795526522',
          });
        }
      } else if (type === 'sns') {
        topic++;
        const arn = typeof spec === 'string' ? (spec.startsWith('arn:') ? spec : undefined) : o.arn;
        const name = typeof spec === 'string' ? spec : o.topicName;
        if (arn) {
          const parts = String(arn).split(':');
          add(`snssub:${f.key}:${topic}`, { TopicName: parts[5], TopicAccountId: parts[4] });
          const dlq = o.redrivePolicy?.deadLetterTargetRef;
          if (dlq) add(`dlq:${f.key}:${topic}`, { DlqQueueName: m.resources[dlq]?.Properties?.QueueName ?? dlq });
        } else {
          add(`topic:${f.key}:${topic}`, { TopicName: name });
        }
      } else if (type === 's3') {
        s3++;
        const bucketName = typeof spec === 'string' ? spec : o.bucket;
        if (!o.existing) add(`s3bucket:${f.key}:${s3}`, { EventBucketName: bucketName });
      } else if (type === 'cloudwatchLog') {
        logs++;
        add(`subfilter:${f.key}:${logs}`, { SubscribedLogGroupName: typeof spec === 'string' ? spec : o.logGroup });
      }
    }
  }
  // Instance keys never contain a stage or service name, so the same key finds the same thing in a variant.
  for (const l of m.layers) add(`layer:${l.key}`, { LayerName: l.name, ArtifactFile: `${l.key}.zip` });
  for (const kind of ['existing-s3', 'existing-cup', 'event-bridge', 'apigw-cw-role']) {
    add(`crfn:${kind}`, {
      CustomResourceFunctionName: customResourceFunctionName(m.service, m.stage, kind),
      ArtifactFile: 'custom-resources.zip',
    });
  }
  const logs = m.provider.logs ?? {};
  if (logs.httpApi) add('apilog:http', { ApiLogGroupName: `/aws/http-api/${m.stackName}` });
  if (logs.websocket) add('apilog:websocket', { ApiLogGroupName: `/aws/websocket/${m.stackName}` });
  if (logs.restApi) add('apilog:rest', { ApiLogGroupName: `/aws/api-gateway/${m.service}-${global.ApiStage}` });
  // Sub-resources of the APIs (their ids are random; the proof invents stable ones per service+stage).
  const restSub: Record<string, string> = {
    'AWS::ApiGateway::Resource': `resources/${fakeId('res', m, 6)}`,
    'AWS::ApiGateway::Method': `resources/${fakeId('res', m, 6)}/methods/POST`,
    'AWS::ApiGateway::Authorizer': `authorizers/${fakeId('auth', m, 6)}`,
    'AWS::ApiGateway::Deployment': `deployments/${fakeId('dep', m, 6)}`,
    'AWS::ApiGateway::RequestValidator': `requestvalidators/${fakeId('rv', m, 6)}`,
    'AWS::ApiGateway::Model': 'models/Model',
  };
  const collection = (path: string) => path.slice(0, path.lastIndexOf('/'));
  for (const [type, path] of Object.entries(restSub))
    add(`restsub:${type}`, { RestSubPath: path, RestSubCollection: collection(path) });
  const httpSub: Record<string, string> = {
    'AWS::ApiGatewayV2::Stage': 'stages/$default',
    'AWS::ApiGatewayV2::Route': `routes/${fakeId('route', m, 7)}`,
    'AWS::ApiGatewayV2::Integration': `integrations/${fakeId('int', m, 7)}`,
    'AWS::ApiGatewayV2::Authorizer': `authorizers/${fakeId('hauth', m, 6)}`,
  };
  for (const [type, path] of Object.entries(httpSub))
    add(`httpsub:${type}`, { HttpSubPath: path, HttpSubCollection: collection(path) });
  const apiKeys = (m.provider.apiGateway?.apiKeys ?? []) as unknown[];
  apiKeys.forEach((_k, i) => {
    add(`apikey:${i + 1}`, { ApiKeyId: fakeId(`apikey${i}`, m) });
    add(`usageplankey:${i + 1}`, { UsagePlanKeyId: fakeId(`apikey${i}`, m) });
  });
  return { model: m, global, instances };
}

function uuidOf(seed: string): string {
  const h = md5(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Templates

export interface Template {
  readonly Resources: Record<string, { Type: string; Properties?: Yaml; DependsOn?: unknown }>;
}

export function loadTemplate(fixture: string, stage: string): Template {
  const path = join(FIXTURES_DIR, fixture, stage, 'cloudformation-template-update-stack.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Template;
}

// ---------------------------------------------------------------------------------------------------------
// Resource groups of on-behalf entries: which template resources they cover, and which instances

interface GroupDef {
  /** Does the template hold a resource of this group? */
  readonly matches: (logicalId: string, type: string, m: ServiceModel) => boolean;
  /** Instance keys (of Names.instances) the group's entries are replayed for; [] = once, global only. */
  readonly instances: (t: Template, m: ServiceModel, names: Names) => readonly string[];
}

const fnKeysWith = (m: ServiceModel, t: Template, suffix: string | RegExp) =>
  m.functions
    .filter((f) =>
      Object.keys(t.Resources).some((id) =>
        typeof suffix === 'string'
          ? id === `${f.norm}${suffix}`
          : id.startsWith(f.norm) && suffix.test(id.slice(f.norm.length)),
      ),
    )
    .map((f) => `fn:${f.key}`);
const keysWithPrefix = (names: Names, prefix: string) =>
  [...names.instances.keys()].filter((k) => k.startsWith(prefix));
const crKinds = (t: Template) =>
  Object.keys(t.Resources)
    .filter((id) => /^CustomDashresourceDash.*LambdaFunction$/.test(id))
    .map((id) => `crfn:${id.slice('CustomDashresourceDash'.length, -'LambdaFunction'.length).replace(/Dash/g, '-')}`);
const isFrameworkFunction = (id: string, m: ServiceModel) => m.functions.some((f) => id === `${f.norm}LambdaFunction`);

const instancesWithPrefix = (prefix: string) => (_t: Template, _m: ServiceModel, names: Names) =>
  keysWithPrefix(names, prefix);

export const GROUPS: Readonly<Record<string, GroupDef>> = {
  'AWS::S3::Bucket|ServerlessDeploymentBucket': {
    matches: (id) => id === 'ServerlessDeploymentBucket',
    instances: () => [],
  },
  'AWS::S3::BucketPolicy|ServerlessDeploymentBucketPolicy': {
    matches: (id) => id === 'ServerlessDeploymentBucketPolicy',
    instances: () => [],
  },
  'AWS::Logs::LogGroup|<Function>LogGroup': {
    matches: (id, type, m) => type === 'AWS::Logs::LogGroup' && m.functions.some((f) => id === `${f.norm}LogGroup`),
    instances: (t, m) => fnKeysWith(m, t, 'LogGroup'),
  },
  'AWS::Logs::LogGroup|HttpApiLogGroup / WebsocketsLogGroup / ApiGatewayLogGroup': {
    matches: (id) => ['HttpApiLogGroup', 'WebsocketsLogGroup', 'ApiGatewayLogGroup'].includes(id),
    instances: (t) =>
      [
        ['HttpApiLogGroup', 'apilog:http'],
        ['WebsocketsLogGroup', 'apilog:websocket'],
        ['ApiGatewayLogGroup', 'apilog:rest'],
      ]
        .filter(([id]) => t.Resources[id])
        .map(([, k]) => k),
  },
  'AWS::IAM::Role|IamRoleLambdaExecution': { matches: (id) => id === 'IamRoleLambdaExecution', instances: () => [] },
  'AWS::IAM::Role|IamRoleCustomResourcesLambdaExecution': {
    matches: (id) => id === 'IamRoleCustomResourcesLambdaExecution',
    instances: () => [],
  },
  'AWS::Lambda::Function|<Function>LambdaFunction': {
    matches: (id, type, m) => type === 'AWS::Lambda::Function' && isFrameworkFunction(id, m),
    instances: (t, m) => fnKeysWith(m, t, 'LambdaFunction'),
  },
  'AWS::Lambda::Function|CustomDashresource…LambdaFunction': {
    matches: (id, type) => type === 'AWS::Lambda::Function' && id.startsWith('CustomDashresource'),
    instances: (t) => crKinds(t),
  },
  'AWS::Lambda::Version|<Function>LambdaVersion<sha>': {
    matches: (_id, type) => type === 'AWS::Lambda::Version',
    instances: (t, m) => fnKeysWith(m, t, /^LambdaVersion[0-9A-Za-z]+$/),
  },
  'AWS::Lambda::Url|<Function>LambdaFunctionUrl': {
    matches: (_id, type) => type === 'AWS::Lambda::Url',
    instances: (t, m) => fnKeysWith(m, t, 'LambdaFunctionUrl'),
  },
  'AWS::Lambda::Permission|<Function>LambdaPermission*': {
    matches: (_id, type) => type === 'AWS::Lambda::Permission',
    instances: (t, m) => {
      const targets = new Set(
        Object.values(t.Resources)
          .filter((r) => r.Type === 'AWS::Lambda::Permission')
          .map((r) => r.Properties?.FunctionName?.['Fn::GetAtt']?.[0] as string | undefined),
      );
      return m.functions.filter((f) => targets.has(`${f.norm}LambdaFunction`)).map((f) => `fn:${f.key}`);
    },
  },
  'AWS::Lambda::EventSourceMapping|<Function>EventSourceMapping*': {
    matches: (_id, type) => type === 'AWS::Lambda::EventSourceMapping',
    instances: instancesWithPrefix('esm:'),
  },
  'AWS::Lambda::LayerVersion|<Layer>LambdaLayer': {
    matches: (_id, type) => type === 'AWS::Lambda::LayerVersion',
    instances: instancesWithPrefix('layer:'),
  },
  'AWS::Lambda::LayerVersionPermission|<Layer><Account>LambdaLayerPermission': {
    matches: (_id, type) => type === 'AWS::Lambda::LayerVersionPermission',
    instances: (t, m) =>
      m.layers
        .filter((l) =>
          Object.keys(t.Resources).some(
            (id) => id.startsWith(normalize(l.key)) && id.includes('LambdaLayerPermission'),
          ),
        )
        .map((l) => `layer:${l.key}`),
  },
  'AWS::Events::Rule|<Function>EventsRuleSchedule<n>': {
    matches: (id, type) => type === 'AWS::Events::Rule' && /EventsRuleSchedule\d+$/.test(id),
    instances: instancesWithPrefix('schedule:'),
  },
  'AWS::Scheduler::Schedule|<Function>SchedulerSchedule<n>': {
    matches: (_id, type) => type === 'AWS::Scheduler::Schedule',
    instances: instancesWithPrefix('scheduler:'),
  },
  'AWS::Events::Rule|<Name>EventBridgeRule': {
    matches: (id, type) => type === 'AWS::Events::Rule' && id.endsWith('EventBridgeRule'),
    instances: instancesWithPrefix('ebrule:'),
  },
  'AWS::Events::EventBus|<Bus>EventBridgeEventBus': {
    matches: (_id, type) => type === 'AWS::Events::EventBus',
    instances: instancesWithPrefix('bus:'),
  },
  'AWS::SNS::Topic|SNSTopic<Name>': {
    matches: (_id, type) => type === 'AWS::SNS::Topic',
    instances: instancesWithPrefix('topic:'),
  },
  'AWS::SNS::Subscription|<Function>SnsSubscription<Topic>': {
    matches: (_id, type) => type === 'AWS::SNS::Subscription',
    instances: instancesWithPrefix('snssub:'),
  },
  'AWS::SQS::QueuePolicy|<Topic>To<Function>DLQPolicy': {
    matches: (id, type) => type === 'AWS::SQS::QueuePolicy' && id.endsWith('DLQPolicy'),
    instances: instancesWithPrefix('dlq:'),
  },
  'AWS::Logs::SubscriptionFilter|<Function>LogsSubscriptionFilterCloudWatchLog<n>': {
    matches: (_id, type) => type === 'AWS::Logs::SubscriptionFilter',
    instances: instancesWithPrefix('subfilter:'),
  },
  'AWS::Kinesis::StreamConsumer|<Function><Stream>ConsumerStreamConsumer': {
    matches: (_id, type) => type === 'AWS::Kinesis::StreamConsumer',
    instances: instancesWithPrefix('consumer:'),
  },
  'AWS::S3::Bucket|S3Bucket<Name>': {
    matches: (id, type) => type === 'AWS::S3::Bucket' && id.startsWith('S3Bucket'),
    instances: instancesWithPrefix('s3bucket:'),
  },
  'AWS::ApiGateway::RestApi|ApiGatewayRestApi': { matches: (id) => id === 'ApiGatewayRestApi', instances: () => [] },
  'AWS::ApiGateway::Method|ApiGatewayResource*/ApiGatewayMethod*/Authorizer/Deployment/RequestValidator/Model': {
    matches: (_id, type) =>
      [
        'AWS::ApiGateway::Resource',
        'AWS::ApiGateway::Method',
        'AWS::ApiGateway::Authorizer',
        'AWS::ApiGateway::Deployment',
        'AWS::ApiGateway::RequestValidator',
        'AWS::ApiGateway::Model',
      ].includes(type),
    instances: (t) =>
      [...new Set(Object.values(t.Resources).map((r) => r.Type))]
        .filter(
          (type) =>
            type.startsWith('AWS::ApiGateway::') &&
            /::(Resource|Method|Authorizer|Deployment|RequestValidator|Model)$/.test(type),
        )
        .map((type) => `restsub:${type}`),
  },
  'AWS::ApiGateway::ApiKey|ApiGatewayApiKey<n>': {
    matches: (_id, type) => type === 'AWS::ApiGateway::ApiKey',
    instances: instancesWithPrefix('apikey:'),
  },
  'AWS::ApiGateway::UsagePlan|ApiGatewayUsagePlan*': {
    matches: (_id, type) => type === 'AWS::ApiGateway::UsagePlan',
    instances: () => [],
  },
  'AWS::ApiGateway::UsagePlanKey|ApiGatewayUsagePlanKey<n>': {
    matches: (_id, type) => type === 'AWS::ApiGateway::UsagePlanKey',
    instances: instancesWithPrefix('usageplankey:'),
  },
  'AWS::ApiGatewayV2::Api|HttpApi / WebsocketsApi': {
    matches: (_id, type) => type === 'AWS::ApiGatewayV2::Api',
    instances: () => [],
  },
  'AWS::ApiGatewayV2::Route|HttpApiStage/Route/Integration/Authorizer, Websockets*': {
    matches: (_id, type) =>
      [
        'AWS::ApiGatewayV2::Stage',
        'AWS::ApiGatewayV2::Route',
        'AWS::ApiGatewayV2::Integration',
        'AWS::ApiGatewayV2::Authorizer',
      ].includes(type),
    instances: (t) =>
      [...new Set(Object.values(t.Resources).map((r) => r.Type))]
        .filter((type) => /^AWS::ApiGatewayV2::(Stage|Route|Integration|Authorizer)$/.test(type))
        .map((type) => `httpsub:${type}`),
  },
  'AWS::CloudFront::Distribution|CloudFrontDistribution': {
    matches: (_id, type) => type === 'AWS::CloudFront::Distribution',
    instances: () => [],
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup|<Function>AlbTargetGroup<id>': {
    matches: (_id, type) => type === 'AWS::ElasticLoadBalancingV2::TargetGroup',
    instances: () => [],
  },
  'AWS::ElasticLoadBalancingV2::ListenerRule|<Function>AlbListenerRule<n>': {
    matches: (_id, type) => type === 'AWS::ElasticLoadBalancingV2::ListenerRule',
    instances: () => [],
  },
  'AWS::Cognito::UserPool|CognitoUserPool<Name>': {
    matches: (_id, type) => type === 'AWS::Cognito::UserPool',
    instances: () => [],
  },
  'Custom::*|*CustomS31 / *CustomCognitoUserPool1 / *CustomEventBridge<n> / CustomApiGatewayAccountCloudWatchRole': {
    matches: (_id, type) => type.startsWith('Custom::'),
    instances: (t) => crKinds(t),
  },
};

// ---------------------------------------------------------------------------------------------------------
// CLI conditions: every condition string of the catalog, decided for a service

type Condition = (m: ServiceModel) => boolean;
const always: Condition = () => true;
const hasEvent = (m: ServiceModel, type: string) =>
  m.functions.some((f) => f.events.some((e) => Object.keys(e)[0] === type));
const defaultBucket: Condition = (m) => !m.customBucket;
const changesets: Condition = (m) => m.deploymentMethod === 'changesets';
const direct: Condition = (m) => m.deploymentMethod === 'direct';
const apiKeys: Condition = (m) =>
  Array.isArray(m.provider.apiGateway?.apiKeys) && m.provider.apiGateway.apiKeys.length > 0;
const versioning: Condition = (m) => !!m.provider.deploymentBucket?.versioning;
const uses =
  (needle: string): Condition =>
  (m) =>
    m.raw.includes(needle);

export const CLI_CONDITIONS: Readonly<Record<string, Condition>> = {
  'variable ${aws:accountId} used in serverless.yml': uses('${aws:accountId}'),
  'variable ${cf(:region)?:<stack>.<output>} used': uses('${cf'),
  'variable ${ssm:/path} used': uses('${ssm:'),
  'variable ${s3:bucket/key} used': uses('${s3:'),
  'service defines layers': (m) => m.layers.length > 0,
  'function/service package.artifact is an s3:// URL': (m) => m.raw.includes('s3://'),
  'function image given as ECR URI with a tag (no digest)': (m) => m.functions.some((f) => f.raw.image !== undefined),
  'provider.ecr.images (docker build + push at package time)': (m) => !!m.provider.ecr,
  always,
  'stack absent AND default deployment bucket AND deploymentMethod=changesets': (m) =>
    defaultBucket(m) && changesets(m),
  'stack absent AND default deployment bucket AND deploymentMethod=direct': (m) => defaultBucket(m) && direct(m),
  'after every CreateStack/UpdateStack/ExecuteChangeSet/DeleteStack': always,
  'default deployment bucket (no provider.deploymentBucket)': defaultBucket,
  'default deployment bucket (bucket name resolved from the stack)': defaultBucket,
  'provider.deploymentBucket (custom bucket) set': (m) => !defaultBucket(m),
  'provider.deploymentBucket (custom bucket) set; serverless@3 only': (m) => !defaultBucket(m),
  'stack exists but has no ServerlessDeploymentBucket (custom bucket setting was removed)': defaultBucket,
  'always (skipped with --force)': always,
  'a previous deployment exists (skipped with --force)': always,
  'always (skipped with --force); one call per function': always,
  'functions have cloudwatchLog events': (m) => hasEvent(m, 'cloudwatchLog'),
  'cloudwatchLog events AND the log group already has subscription filters': (m) => hasEvent(m, 'cloudwatchLog'),
  'cloudwatchLog events AND an old filter of this stack must be removed first (2-filter limit)': (m) =>
    hasEvent(m, 'cloudwatchLog'),
  'deployment needed (not skipped)': always,
  'deployment needed': always,
  'deployment needed AND deploymentMethod=changesets': changesets,
  'deployment needed AND deploymentMethod=changesets AND provider.stackPolicy': (m) =>
    changesets(m) && !!m.provider.stackPolicy,
  'deployment needed AND deploymentMethod=direct': direct,
  'provider.iam.deploymentRole (or legacy provider.cfnRole) set': (m) => !!m.cfnRoleArn,
  'provider.apiGateway.apiKeys defined': apiKeys,
  'provider.httpApi.id (external HTTP API) set': (m) => m.provider.httpApi?.id !== undefined,
  'provider.httpApi.id given as Fn::ImportValue': (m) => m.provider.httpApi?.id?.['Fn::ImportValue'] !== undefined,
  'http (REST) events AND no provider.apiGateway.restApiId AND any of provider.tracing.apiGateway / provider.logs.restApi / provider.tags / provider.stackTags / provider.apiGateway.metrics set':
    (m) =>
      hasEvent(m, 'http') &&
      !m.provider.apiGateway?.restApiId &&
      !!(
        m.provider.tracing?.apiGateway ||
        m.provider.logs?.restApi ||
        m.provider.tags ||
        m.provider.stackTags ||
        m.provider.apiGateway?.metrics
      ),
  'osls v4: provider.deletionProtection set (true/false or {stages})': (m) =>
    m.provider.deletionProtection !== undefined,
  'osls v4: provider.pruneFunctionVersions set': (m) => m.provider.pruneFunctionVersions !== undefined,
  'deployment happened (cleanup)': always,
  'more than maxPreviousDeploymentArtifacts deployments stored (or empty change set: the just-uploaded directory)':
    always,
  'code hash changed or --force (not with --update-config)': always,
  'after UpdateFunctionCode': always,
  'configuration differs from the deployed one': always,
  // deploy function passes a role only when one is configured as an ARN or a logical id with RoleName
  // (deploy-function.js normalizeArnRole); a logical id without RoleName makes the command fail first.
  'function/provider role set AND it differs from the deployed role': (m) =>
    m.functions.some(
      (f) =>
        typeof f.raw.role === 'string' &&
        (f.raw.role.startsWith('arn:') || !!m.resources[f.raw.role]?.Properties?.RoleName),
    ) || typeof m.provider.iam?.role === 'string',
  'function role given as {Fn::GetAtt: [<LogicalId>, Arn]}': (m) =>
    m.functions.some((f) => typeof f.raw.role === 'object' && f.raw.role?.['Fn::GetAtt']),
  'function role given as a logical id of an in-template role with RoleName': (m) =>
    m.functions.some((f) => typeof f.raw.role === 'string' && !!m.resources[f.raw.role]?.Properties?.RoleName),
  'image function given by tag': (m) => m.functions.some((f) => f.raw.image !== undefined),
  'default deployment bucket': defaultBucket,
  'one per function': always,
  'one per function (paginated)': always,
  'always (repeated with --tail)': always,
  'environment variable uses Ref': (m) =>
    /\bRef\b/.test(JSON.stringify([m.provider.environment, ...m.functions.map((f) => f.raw.environment)])),
  'environment variable uses Fn::ImportValue': (m) =>
    JSON.stringify([m.provider.environment, ...m.functions.map((f) => f.raw.environment)]).includes('ImportValue'),
  '--docker with layers given by ARN': () => false, // invoke local --docker runs on the developer's machine; no fixture uses it
  'always; 4 calls per function (or only -f)': always,
  '-t <timestamp> given': always,
  '-t given AND deploymentMethod=changesets': changesets,
  '-t given AND deploymentMethod=changesets AND provider.stackPolicy': (m) => changesets(m) && !!m.provider.stackPolicy,
  '-t given AND deploymentMethod=direct': direct,
  '-t given': always,
  'provider.iam.deploymentRole set': (m) => !!m.cfnRoleArn,
  'osls v4 only': always,
  'provider.apiGateway.apiKeys defined AND a usage plan references this REST API': apiKeys,
  'osls v4 only (deletion-protection check)': always,
  'bucket name resolved': always,
  'bucket exists AND versioning not enabled in provider.deploymentBucket': (m) => !versioning(m),
  'bucket exists AND provider.deploymentBucket.versioning': versioning,
  'objects found': always,
  'objects found AND versioning': versioning,
  'the ECR repository exists': (m) => m.functions.some((f) => f.raw.image !== undefined) || !!m.provider.ecr,
};

// ---------------------------------------------------------------------------------------------------------
// Selection

export interface SelectedCall {
  readonly entry: CatalogCall;
  /** Instance key in Names.instances, or '' for the global binding only. */
  readonly instance: string;
}

export interface Excluded {
  readonly entry: CatalogCall;
  readonly why: 'condition-false' | 'group-absent' | 'out-of-scope';
  readonly rule?: string;
}

export interface Selection {
  readonly selected: readonly SelectedCall[];
  readonly excluded: readonly Excluded[];
  /** Template resources no catalog group covers: the user's own `resources:` (out of scope: not in the catalog). */
  readonly uncoveredTemplateResources: readonly string[];
}

/** The CLI entries' per-instance placeholders. */
const CLI_INSTANCE_PLACEHOLDERS: readonly [string, string][] = [
  ['${FunctionName}', 'fn:'],
  ['${LayerName}', 'layer:'],
  ['${SubscribedLogGroupName}', 'subfilter:'],
  ['${ExecutionRoleName}', 'fn:'],
  ['${ApiKeyId}', 'apikey:'],
];

export function selectCalls(own: Names, template: Template): Selection {
  const m = own.model;
  const selected: SelectedCall[] = [];
  const excluded: Excluded[] = [];
  const covered = new Set<string>();
  for (const [id, r] of Object.entries(template.Resources)) {
    for (const g of Object.values(GROUPS)) if (g.matches(id, r.Type, m)) covered.add(id);
  }
  for (const entry of loadCatalog()) {
    let applies: boolean;
    let instances: readonly string[] = [''];
    if (entry.via === 'cli' || !entry.resourceType) {
      const cond = CLI_CONDITIONS[entry.condition];
      if (!cond && entry.via === 'cli')
        throw new Error(
          `catalog entry ${entry.id}: unknown condition ${JSON.stringify(entry.condition)}; map it in CLI_CONDITIONS`,
        );
      applies = entry.via === 'cli' ? cond(m) : true; // 0046/0113: TemplateURL reads of every deploy and rollback -t
      if (!applies) {
        excluded.push({ entry, why: 'condition-false' });
        continue;
      }
      const placeholder = CLI_INSTANCE_PLACEHOLDERS.find(
        ([p]) =>
          resourceTemplate(entry).includes(p) || Object.values(entry.requestContext ?? {}).some((v) => v?.includes(p)),
      );
      if (placeholder) instances = keysWithPrefix(own, placeholder[1]);
    } else {
      const key = groupOf(entry) as string;
      const g = GROUPS[key];
      if (!g) throw new Error(`catalog entry ${entry.id}: unknown resource group ${key}; describe it in GROUPS`);
      const present = Object.entries(template.Resources)
        .filter(([id, r]) => g.matches(id, r.Type, m))
        .map(([id]) => id);
      if (!present.length) {
        excluded.push({ entry, why: 'group-absent' });
        continue;
      }
      const list = g.instances(template, m, own);
      instances = list.length ? list : [''];
    }
    const oos = OUT_OF_SCOPE.find((r) => r.applies(entry, m));
    if (oos) {
      excluded.push({ entry, why: 'out-of-scope', rule: oos.id });
      continue;
    }
    if (instances.length === 1 && instances[0] === '' && entry.resource !== '*' && needsInstance(entry, own)) {
      throw new Error(
        `catalog entry ${entry.id} (${groupOf(entry) ?? entry.command}) needs a per-instance placeholder but no instance was found for ${m.fixture}`,
      );
    }
    for (const instance of instances) {
      if (instance && !own.instances.has(instance))
        throw new Error(`${m.fixture}: entry ${entry.id} wants instance ${instance}, which the model does not know`);
      selected.push({ entry, instance });
    }
  }
  return {
    selected,
    excluded,
    uncoveredTemplateResources: Object.keys(template.Resources).filter((id) => !covered.has(id)),
  };
}

/** Does the entry's ARN need a placeholder only an instance provides? */
function needsInstance(e: CatalogCall, own: Names): boolean {
  return [...resourceTemplate(e).matchAll(/\$\{([A-Za-z]+)\}/g)].some(([, name]) => own.global[name] === undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Concretization: one selected entry + one variant's names → one IAM request

/** own, or the replay against another stage or service. */
export type VariantKind = Target;

export interface ConcreteCall {
  readonly entry: CatalogCall;
  readonly instance: string;
  readonly variant: VariantKind;
  /** e.g. `own`, `other-stage:prod`, `other-stage:dev2`, `other-service:orders2`. */
  readonly variantLabel: string;
  readonly request: SimRequest;
}

/** Catalog resource spellings rewritten to the placeholder that names the exact resource. */
const NORMALIZE: readonly [RegExp, string][] = [
  [/stack\/\$\{StackName\}\/\*$/, 'stack/${StackName}/${StackId}'],
  [/role\/\$\{Service\}-\$\{Stage\}-\$\{Region\}-lambdaRole/, 'role/${ExecutionRoleName}'],
  [/role\/\$\{StackName\}-IamRoleCustomResourcesLambdaExec\*/, 'role/${CustomResourceRoleName}'],
  [/function:\$\{Service\}-\$\{Stage\}-custom-resource-\*/, 'function:${CustomResourceFunctionName}'],
  [/rule\/\$\{EventBusPath\}\$\{Service\}-\$\{Stage\}-\*/, 'rule/${EventBusPath}${EventBridgeRuleName}'],
  [/\/\$\{Stage\}\/\*\//, '/${Stage}/${ArtifactDir}/'],
  [/\/\$\{Stage\}\/\*$/, '/${Stage}/${ArtifactDir}/${ArtifactFile}'],
  [/(function:\$\{FunctionName\}):\*$/, '$1:${FunctionVersion}'],
  [/(layer:\$\{LayerName\}):\*$/, '$1:${LayerVersion}'],
  // `log-group:NAME:*` is how the logs API spells a group for stream-level calls; IAM's resource is the group.
  [/(log-group:.*):\*$/, '$1'],
  [/event-source-mapping:\*$/, 'event-source-mapping:${EsmUuid}'],
  [/::\/restapis\/\*/, '::/restapis/${RestApiId}'],
  [/::\/apis\/\*/, '::/apis/${HttpApiId}'],
  [/::\/usageplans\/\*\/keys\/\*$/, '::/usageplans/${UsagePlanId}/keys/${UsagePlanKeyId}'],
  [/::\/usageplans\/\*/, '::/usageplans/${UsagePlanId}'],
  [/::\/apikeys\/\*$/, '::/apikeys/${ApiKeyId}'],
  [/::\/tags\/\*$/, '::/tags/${TagsResource}'],
];

const REST_SUB_GROUP =
  'AWS::ApiGateway::Method|ApiGatewayResource*/ApiGatewayMethod*/Authorizer/Deployment/RequestValidator/Model';
const HTTP_SUB_GROUP = 'AWS::ApiGatewayV2::Route|HttpApiStage/Route/Integration/Authorizer, Websockets*';

/** The concrete ARN template of an entry (placeholders left in). */
export function resourceTemplate(e: CatalogCall): string {
  let r = e.resource;
  for (const [from, to] of NORMALIZE) r = r.replace(from, to);
  const g = groupOf(e);
  // The catalog names the stream for every consumer call; IAM authorizes Describe/Deregister on the consumer.
  if (/^(Describe|Deregister)StreamConsumer$/.test(e.action))
    r = r.replace(
      /stream\/\$\{StreamName\}$/,
      'stream/${StreamName}/consumer/${ConsumerName}:${ConsumerCreationTimestamp}',
    );
  // Sub-resources of an API: an item ARN, or its collection for POST (API Gateway creates by POSTing to it).
  const sub = e.action === 'POST' ? 'Collection' : 'Path';
  if (g === REST_SUB_GROUP) r = r.replace(/\/restapis\/\$\{RestApiId\}$/, `/restapis/\${RestApiId}/\${RestSub${sub}}`);
  if (g === HTTP_SUB_GROUP) r = r.replace(/\/apis\/\$\{HttpApiId\}$/, `/apis/\${HttpApiId}/\${HttpSub${sub}}`);
  return r;
}

function fill(text: string, b: Binding, where: string): string {
  return text.replace(/\$\{([A-Za-z]+)\}/g, (_w, name: string) => {
    const v = b[name];
    if (v === undefined) throw new Error(`${where}: no value for \${${name}} in ${text}`);
    return v;
  });
}

/** Stack calls that carry a template: TemplateURL (condition key cloudformation:TemplateUrl) or TemplateBody. */
const TEMPLATE_ACTIONS = new Set([
  'cloudformation:CreateChangeSet',
  'cloudformation:CreateStack',
  'cloudformation:UpdateStack',
  'cloudformation:ValidateTemplate',
]);
/**
 * Entries whose note names neither TemplateURL nor TemplateBody, decided by the note of the entry they are a
 * variant of.
 */
const TEMPLATE_SOURCE_OVERRIDES: Readonly<Record<string, { source: 'url' | 'body'; reason: string }>> = {
  '0037': {
    source: 'body',
    reason:
      'deploymentMethod=direct variant of 0035: TemplateBody = deployed template + core resources (ensure-valid-bucket-exists.js)',
  },
};

/**
 * How a stack call sends its template, from the catalog entry's own note: `url` (TemplateURL, so the request
 * carries cloudformation:TemplateUrl: update deploys, rollback -t, the custom-bucket first deploy,
 * ValidateTemplate) or `body` (TemplateBody, the key is absent: the first deploy's core stack 0023/0027 and
 * re-adding a removed deployment bucket 0035/0037). undefined for calls without a template.
 */
export function templateSource(e: CatalogCall): 'url' | 'body' | undefined {
  if (!TEMPLATE_ACTIONS.has(`${e.service}:${e.action}`)) return undefined;
  const override = TEMPLATE_SOURCE_OVERRIDES[e.id];
  if (override) return override.source;
  const url = /TemplateURL/.test(e.note);
  const body = /TemplateBody/.test(e.note);
  if (url === body)
    throw new Error(
      `catalog entry ${e.id} (${e.action}): its note names ${url ? 'both TemplateURL and TemplateBody' : 'neither TemplateURL nor TemplateBody'}; decide it in TEMPLATE_SOURCE_OVERRIDES`,
    );
  return url ? 'url' : 'body';
}

const ROLE_ARN_ACTIONS = new Set([
  'cloudformation:CreateChangeSet',
  'cloudformation:CreateStack',
  'cloudformation:UpdateStack',
  'cloudformation:DeleteStack',
]);
/**
 * IAM role writes whose request carries iam:PermissionsBoundary: the boundary the request sets (CreateRole,
 * PutRolePermissionsBoundary) or the one the role already carries (the others).
 */
export const BOUNDARY_KEYED_ROLE_WRITES = new Set([
  'iam:AttachRolePolicy',
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
]);
/** IAM is global: its calls are made to us-east-1. */
const GLOBAL_SERVICES = new Set(['iam', 'sts', 'cloudfront']);

/** The principal of the first event of a function that gives an AWS service invoke rights (osls compile/events/*). */
const EVENT_PRINCIPAL: Readonly<Record<string, (region: string) => string>> = {
  http: () => 'apigateway.amazonaws.com',
  httpApi: () => 'apigateway.amazonaws.com',
  websocket: () => 'apigateway.amazonaws.com',
  s3: () => 's3.amazonaws.com',
  sns: () => 'sns.amazonaws.com',
  schedule: () => 'events.amazonaws.com',
  eventBridge: () => 'events.amazonaws.com',
  cloudwatchEvent: () => 'events.amazonaws.com',
  alb: () => 'elasticloadbalancing.amazonaws.com',
  cloudwatchLog: (r) => `logs.${r}.amazonaws.com`,
  cloudFront: () => 'edgelambda.amazonaws.com',
  iot: () => 'iot.amazonaws.com',
  cognitoUserPool: () => 'cognito-idp.amazonaws.com',
  alexaSkill: () => 'alexa-appkit.amazon.com',
  alexaSmartHome: () => 'alexa-connectedhome.amazon.com',
};
function permissionPrincipal(m: ServiceModel, functionName: string | undefined): string {
  const f = m.functions.find((x) => x.name === functionName);
  for (const e of f?.events ?? [])
    for (const key of Object.keys(e ?? {})) if (EVENT_PRINCIPAL[key]) return EVENT_PRINCIPAL[key](m.region);
  // url: true (auth NONE): the framework grants the function URL to everyone; else an authorizer API Gateway calls.
  return f?.raw.url ? '*' : 'apigateway.amazonaws.com';
}

/**
 * The stack tag CloudFormation stamps on what it creates (`aws:cloudformation:stack-name`), as IAM sees it on a
 * request: on the service's REST API and the children that inherit its tags, its API keys and usage plans (and
 * their keys), HTTP/WebSocket APIs and their children. Tag ARNs (`/tags/...`) carry none.
 */
export function resourceStackTag(resource: string, b: Binding): string | undefined {
  const m = /^arn:[^:]+:apigateway:[^:]*::\/(restapis|apis|apikeys|usageplans)\/([^/]+)/.exec(resource);
  if (!m) return undefined;
  const own = { restapis: b.RestApiId, apis: b.HttpApiId, apikeys: b.ApiKeyId, usageplans: b.UsagePlanId }[
    m[1] as 'restapis' | 'apis' | 'apikeys' | 'usageplans'
  ];
  return own !== undefined && m[2] === own ? b.StackName : undefined;
}

/** The request for one selected entry under `names` (the own service+stage or a variant). */
export function concretize(sel: SelectedCall, names: Names, variant: VariantKind, variantLabel: string): ConcreteCall {
  const { entry } = sel;
  const where = `${names.model.fixture} ${variantLabel} entry ${entry.id}${sel.instance ? ` [${sel.instance}]` : ''}`;
  const instance = sel.instance ? names.instances.get(sel.instance) : {};
  if (!instance) throw new Error(`${where}: the variant has no instance ${sel.instance}`);
  const b: Binding = { ...names.global, ...instance };
  const action = `${entry.service}:${entry.action}`;
  const resource = entry.resource === '*' ? '*' : fill(resourceTemplate(entry), b, where);
  if (resource !== '*' && /[*?]|\$\{/.test(resource)) throw new Error(`${where}: ${resource} is not concrete`);

  const onBehalf = entry.via === 'cloudformation-on-behalf';
  const context: Record<string, string | string[]> = {
    'aws:RequestedRegion': GLOBAL_SERVICES.has(entry.service) ? 'us-east-1' : names.model.region,
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': onBehalf ? 'true' : 'false',
    'aws:PrincipalArn': PRINCIPAL,
    'aws:PrincipalAccount': ACCOUNT_ID,
  };
  if (onBehalf) {
    context['aws:CalledVia'] = ['cloudformation.amazonaws.com'];
    context['aws:CalledViaFirst'] = 'cloudformation.amazonaws.com';
    context['aws:CalledViaLast'] = 'cloudformation.amazonaws.com';
  }
  for (const [k, v] of Object.entries(entry.requestContext ?? {})) if (v !== null) context[k] = fill(v, b, where);
  if (/EventSourceMapping$/.test(entry.action)) {
    context['lambda:FunctionArn'] =
      `arn:${PARTITION}:lambda:${names.model.region}:${ACCOUNT_ID}:function:${b.FunctionName}`;
  }
  if (templateSource(entry) === 'url') {
    context['cloudformation:TemplateUrl'] =
      `https://s3.amazonaws.com/${b.BucketName}/${b.DeploymentPrefix}/${b.Service}/${b.Stage}/${ARTIFACT_DIR}/compiled-cloudformation-template.json`;
  }
  // The function an event instance (`<kind>:<function key>:<n>`) belongs to: the target, endpoint or principal it sets.
  const instanceFunction = sel.instance
    ? names.model.functions.find((f) => f.key === sel.instance?.split(':')[1])
    : undefined;
  const fnArn = (name: string | undefined) =>
    `arn:${PARTITION}:lambda:${names.model.region}:${ACCOUNT_ID}:function:${name}`;
  if (action === 'lambda:AddPermission') context['lambda:Principal'] = permissionPrincipal(names.model, b.FunctionName);
  if (action === 'events:PutTargets') context['events:TargetArn'] = [fnArn(instanceFunction?.name ?? b.FunctionName)];
  if (action === 'events:PutRule' && b.EventSources) context['events:source'] = b.EventSources.split('\n');
  if (action === 'sns:Subscribe') {
    context['sns:Protocol'] = 'lambda';
    context['sns:Endpoint'] = fnArn(instanceFunction?.name ?? b.FunctionName);
  }
  const tagged = resourceStackTag(resource, b);
  if (tagged) context['aws:ResourceTag/aws:cloudformation:stack-name'] = tagged;
  if (ROLE_ARN_ACTIONS.has(action) && names.model.cfnRoleArn)
    context['cloudformation:RoleArn'] = names.model.cfnRoleArn;
  // provider.iam.role.permissionsBoundary puts the boundary on IamRoleLambdaExecution only (osls
  // merge-iam-templates.js); roles of `resources:` never carry it. A service without its own boundary is wired as the
  // README says for the macro's boundary (PermissionsBoundary omitted): provider.iam.role.permissionsBoundary and
  // resources.extensions.IamRoleCustomResourcesLambdaExecution.Properties.PermissionsBoundary both name it.
  const own = names.model.providerRole?.permissionsBoundary;
  const boundary =
    own ??
    macroBoundaryArn({ resourcePrefix: `cf-${names.model.service}`, stage: names.model.stage }, PARTITION, ACCOUNT_ID);
  const carries =
    (entry.logicalId === 'IamRoleLambdaExecution' && resource.endsWith(`:role/${names.global.ExecutionRoleName}`)) ||
    (!own && entry.logicalId === 'IamRoleCustomResourcesLambdaExecution');
  if (BOUNDARY_KEYED_ROLE_WRITES.has(action) && carries) context['iam:PermissionsBoundary'] = boundary;
  return { entry, instance: sel.instance, variant, variantLabel, request: { action, resource, context } };
}
