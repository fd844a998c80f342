/**
 * Reads a compiled Serverless template the way CloudFormation would: physical ids, Ref and Fn::GetAtt
 * values, resolved properties, and the IAM resource ARN of each resource. Physical ids come from moto
 * (ListStackResources) where moto models the type with AWS's identifier; otherwise they are synthesized
 * with AWS's rules (named resources keep their name, generated names follow the rule of
 * test/fixtures/recorded/README.md "Generated names", random ids
 * are stable pseudo-random strings). This only feeds ARNs to the simulator; it never creates anything.
 */
import { createHash } from 'crypto';
import { cfnGeneratedName } from '../../../functions/core/generated-names';
import type { CfnResourceJson, CfnTemplate, PhysicalIds } from './types';

export interface EvalEnv {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly template: CfnTemplate;
  /** Physical ids by logical id (complete: see physicalIds()). */
  readonly physical: PhysicalIds;
}

/** Types whose PhysicalResourceId moto reports as AWS does (a name, or the API id). */
const MOTO_PHYSICAL_TRUSTED = new Set([
  'AWS::Lambda::Function',
  'AWS::IAM::Role',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
  'AWS::DynamoDB::Table',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::UsagePlan',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Kinesis::StreamConsumer',
]);

/** The property that names a resource (CloudFormation generates the name when it is absent). */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Events::Rule': 'Name',
  'AWS::Events::EventBus': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::Kinesis::StreamConsumer': 'ConsumerName',
};

/** Generated-name limits (test/fixtures/recorded/README.md, "Generated names"): S3 names are lower-cased. */
const GENERATED_LIMIT: Record<string, number> = {
  'AWS::S3::Bucket': 63,
  'AWS::IAM::Role': 64,
  'AWS::Events::Rule': 64,
  'AWS::Scheduler::Schedule': 64,
  'AWS::SQS::Queue': 80,
  'AWS::SNS::Topic': 256,
  'AWS::Logs::LogGroup': 512,
  'AWS::Lambda::Function': 64,
  'AWS::DynamoDB::Table': 255,
};

/** A stable pseudo-random id, so a run's synthesized ids repeat across steps. */
export function syntheticId(seed: string, length = 10, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[digest[i % digest.length] % alphabet.length];
  return out;
}

/**
 * Complete physical ids for a template: moto's where trusted, else synthesized. `moto` maps logical id to
 * what ListStackResources reported.
 */
export function physicalIds(
  template: CfnTemplate,
  base: Omit<EvalEnv, 'physical' | 'template'>,
  moto: PhysicalIds,
): PhysicalIds {
  const out: PhysicalIds = {};
  const resources = template.Resources ?? {};
  // Named resources may name themselves with Refs to other resources: resolve in passes.
  const pending = new Set(Object.keys(resources));
  for (let pass = 0; pass < 5 && pending.size; pass++) {
    for (const id of [...pending]) {
      const r = resources[id];
      if (moto[id] && MOTO_PHYSICAL_TRUSTED.has(r.Type)) {
        out[id] = moto[id];
        pending.delete(id);
        continue;
      }
      const nameProp = NAME_PROPERTY[r.Type];
      const raw = nameProp ? r.Properties?.[nameProp] : undefined;
      if (raw !== undefined) {
        try {
          out[id] = String(resolve(raw, { ...base, template, physical: out }));
          pending.delete(id);
        } catch {
          /* depends on a resource not resolved yet */
        }
        continue;
      }
      out[id] = synthesize(id, r, base);
      pending.delete(id);
    }
  }
  for (const id of pending) out[id] = synthesize(id, resources[id], base);
  return out;
}

function synthesize(logicalId: string, r: CfnResourceJson, base: Omit<EvalEnv, 'physical' | 'template'>): string {
  const seed = `${base.stackId}/${logicalId}`;
  const limit = GENERATED_LIMIT[r.Type];
  if (limit) {
    const lower = r.Type === 'AWS::S3::Bucket';
    const name = cfnGeneratedName(
      base.stackName,
      logicalId,
      limit,
      syntheticId(seed, 12, lower ? 'abcdefghijklmnopqrstuvwxyz0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
    );
    return lower ? name.toLowerCase() : name;
  }
  const hex = (n: number) => syntheticId(seed, n, '0123456789abcdef');
  const props = r.Properties ?? {};
  switch (r.Type) {
    case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
      // Ref and the physical id are the ARN: targetgroup/<name>/<16 hex>.
      const name =
        typeof props.Name === 'string'
          ? props.Name
          : cfnGeneratedName(base.stackName, logicalId, 32, syntheticId(seed, 6));
      return `arn:${base.partition}:elasticloadbalancing:${base.region}:${base.account}:targetgroup/${name}/${hex(16)}`;
    }
    case 'AWS::ElasticLoadBalancingV2::ListenerRule': {
      // listener-rule/app/<lb>/<lb id>/<listener id>/<16 hex>, under the listener the rule names.
      const listener =
        typeof props.ListenerArn === 'string'
          ? props.ListenerArn
          : `arn:${base.partition}:elasticloadbalancing:${base.region}:${base.account}:listener/app/unknown/${hex(16)}/${hex(16)}`;
      return `${listener.replace(':listener/', ':listener-rule/')}/${hex(16)}`;
    }
    case 'AWS::CloudFront::Distribution':
      return `E${syntheticId(seed, 13, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
    case 'AWS::CloudFront::CachePolicy':
    case 'AWS::CloudFront::OriginRequestPolicy': {
      const h = hex(32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    }
    case 'AWS::Cognito::UserPool':
      return `${base.region}_${syntheticId(seed, 9, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`;
    case 'AWS::IoT::TopicRule':
      // Rule names allow letters, digits and underscores only: CloudFormation names them <LogicalId>_<random>.
      return typeof props.RuleName === 'string'
        ? props.RuleName
        : `${logicalId}_${syntheticId(seed, 12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
    case 'AWS::IoT::ProvisioningTemplate':
      return typeof props.TemplateName === 'string'
        ? props.TemplateName
        : cfnGeneratedName(
            base.stackName,
            logicalId,
            36,
            syntheticId(seed, 12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
          );
    default:
      break;
  }
  if (r.Type === 'AWS::Lambda::EventSourceMapping') {
    const h = syntheticId(seed, 32, '0123456789abcdef');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  return syntheticId(seed, 10);
}

export class UnresolvedError extends Error {
  override name = 'UnresolvedError';
}

function pseudo(name: string, env: Omit<EvalEnv, 'physical' | 'template'>): string | undefined {
  switch (name) {
    case 'AWS::Partition':
      return env.partition;
    case 'AWS::Region':
      return env.region;
    case 'AWS::AccountId':
      return env.account;
    case 'AWS::StackName':
      return env.stackName;
    case 'AWS::StackId':
      return env.stackId;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::NoValue':
      return undefined;
    default:
      return undefined;
  }
}

/** What Ref of a resource returns (by type). */
export function refOf(logicalId: string, env: EvalEnv): string {
  const r = env.template.Resources?.[logicalId];
  if (!r) throw new UnresolvedError(`Ref to unknown ${logicalId}`);
  const id = env.physical[logicalId];
  if (id === undefined) throw new UnresolvedError(`no physical id for ${logicalId}`);
  const { partition: p, region, account } = env;
  switch (r.Type) {
    case 'AWS::SNS::Topic':
      return id.startsWith('arn:') ? id : `arn:${p}:sns:${region}:${account}:${id}`;
    case 'AWS::SQS::Queue':
      return id.startsWith('https:') ? id : `https://sqs.${region}.amazonaws.com/${account}/${id}`;
    case 'AWS::Lambda::Version':
      return `${getAtt(String(resolve(r.Properties?.FunctionName, env)), 'Arn', env, 'AWS::Lambda::Function')}:1`;
    case 'AWS::Lambda::LayerVersion':
      return `arn:${p}:lambda:${region}:${account}:layer:${layerName(logicalId, env)}:1`;
    case 'AWS::Kinesis::StreamConsumer':
      return getAtt(logicalId, 'ConsumerARN', env);
    default:
      return id;
  }
}

function layerName(logicalId: string, env: EvalEnv): string {
  const props = env.template.Resources?.[logicalId]?.Properties ?? {};
  return props.LayerName !== undefined ? String(resolve(props.LayerName, env)) : env.physical[logicalId];
}

/** A name or ARN of a function as CloudFormation properties hold it, to its name. */
function functionNameOf(value: string): string {
  const m = /:function:([^:]+)/.exec(value);
  return m ? m[1] : value;
}

/** Fn::GetAtt by type; `nameOrId` is the physical id (or, with `typeOverride`, a literal name). */
export function getAtt(logicalOrName: string, attr: string, env: EvalEnv, typeOverride?: string): string {
  const type = typeOverride ?? env.template.Resources?.[logicalOrName]?.Type;
  if (!type) throw new UnresolvedError(`GetAtt of unknown ${logicalOrName}`);
  const id = typeOverride ? logicalOrName : env.physical[logicalOrName];
  const { partition: p, region, account } = env;
  const props = typeOverride ? {} : (env.template.Resources?.[logicalOrName]?.Properties ?? {});
  switch (`${type}.${attr}`) {
    case 'AWS::Lambda::Function.Arn':
      return `arn:${p}:lambda:${region}:${account}:function:${functionNameOf(id)}`;
    case 'AWS::IAM::Role.Arn': {
      const path = props.Path !== undefined ? String(resolve(props.Path, env)) : '/';
      return `arn:${p}:iam::${account}:role${path}${id}`;
    }
    case 'AWS::S3::Bucket.Arn':
      return `arn:${p}:s3:::${id}`;
    case 'AWS::Logs::LogGroup.Arn':
      return `arn:${p}:logs:${region}:${account}:log-group:${id}:*`;
    case 'AWS::SQS::Queue.Arn':
      return `arn:${p}:sqs:${region}:${account}:${id.split('/').pop()}`;
    case 'AWS::SQS::Queue.QueueName':
      return id.split('/').pop() as string;
    case 'AWS::SNS::Topic.TopicArn':
      return refOf(logicalOrName, env);
    case 'AWS::SNS::Topic.TopicName':
      return refOf(logicalOrName, env).split(':').pop() as string;
    case 'AWS::Events::EventBus.Arn':
      return `arn:${p}:events:${region}:${account}:event-bus/${id}`;
    case 'AWS::Events::EventBus.Name':
      return id;
    case 'AWS::Events::Rule.Arn': {
      const bus = props.EventBusName !== undefined ? String(resolve(props.EventBusName, env)) : 'default';
      return `arn:${p}:events:${region}:${account}:rule/${bus === 'default' ? '' : `${bus.split('/').pop()}/`}${id}`;
    }
    case 'AWS::DynamoDB::Table.Arn':
      return `arn:${p}:dynamodb:${region}:${account}:table/${id}`;
    case 'AWS::DynamoDB::Table.StreamArn':
      return `arn:${p}:dynamodb:${region}:${account}:table/${id}/stream/2026-01-01T00:00:00.000`;
    case 'AWS::ApiGateway::RestApi.RootResourceId':
      return syntheticId(`${id}/root`, 10);
    case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
      return `https://${id}.execute-api.${region}.amazonaws.com`;
    case 'AWS::Kinesis::StreamConsumer.ConsumerARN': {
      // AWS appends the creation timestamp (…/consumer/<name>:<epoch>); moto leaves it out.
      const arn = id.startsWith('arn:')
        ? id
        : `${String(resolve(props.StreamARN, env))}/consumer/${String(resolve(props.ConsumerName, env))}`;
      return /\/consumer\/[^:]+$/.test(arn) ? `${arn}:1700000000` : arn;
    }
    case 'AWS::Lambda::Url.FunctionUrl':
      return `https://${syntheticId(id, 32)}.lambda-url.${region}.on.aws/`;
    case 'AWS::Lambda::LayerVersion.LayerVersionArn':
      return refOf(logicalOrName, env);
    case 'AWS::Lambda::Version.Version':
      return '1';
    case 'AWS::Cognito::UserPool.Arn':
      return `arn:${p}:cognito-idp:${region}:${account}:userpool/${id}`;
    case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupArn':
    case 'AWS::ElasticLoadBalancingV2::ListenerRule.RuleArn':
      return id;
    case 'AWS::CloudFront::Distribution.DomainName':
      return `${id.toLowerCase()}.cloudfront.net`;
    default:
      if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return '';
      return `${id}.${attr}`;
  }
}

/** Resolve intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If-free templates). */
export function resolve(value: unknown, env: EvalEnv): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, env)).filter((v) => v !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = o[k];
    switch (k) {
      case 'Ref': {
        const name = String(arg);
        if (name === 'AWS::NoValue') return NO_VALUE;
        const p = pseudo(name, env);
        if (p !== undefined) return p;
        return refOf(name, env);
      }
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.+)/);
        return getAtt(id, String(resolve(attr, env)), env);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (resolve(parts, env) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (resolve(list, env) as unknown[])[Number(resolve(index, env))];
      }
      case 'Fn::Split': {
        const [sep, s] = arg as [string, unknown];
        return String(resolve(s, env)).split(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
        return text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          if (vars && name in vars) return String(resolve(vars[name], env));
          const p = pseudo(name, env);
          if (p !== undefined) return p;
          const [id, attr] = name.split(/\.(.+)/);
          return attr ? getAtt(id, attr, env) : refOf(id, env);
        });
      }
      case 'Fn::ImportValue':
        return `import:${String(resolve(arg, env))}`;
      case 'Fn::GetAZs':
        return [`${env.region}a`, `${env.region}b`];
      case 'Fn::Base64':
        return String(resolve(arg, env));
      default:
        break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const r = resolve(v, env);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** A resource's properties with every intrinsic resolved (unresolvable parts become '<unresolved>'). */
export function resolvedProperties(logicalId: string, env: EvalEnv): Record<string, unknown> {
  const props = env.template.Resources?.[logicalId]?.Properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    try {
      out[k] = resolve(v, env);
    } catch (e) {
      out[k] = `<unresolved: ${(e as Error).message}>`;
    }
  }
  return out;
}
