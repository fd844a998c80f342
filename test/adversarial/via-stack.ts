/**
 * "Anyone who may update a stack can put ANY resource into it": CloudFormation then runs each resource type's
 * handlers with the caller's credentials and aws:CalledVia = cloudformation.amazonaws.com. For every resource
 * type of the CloudFormation on-behalf table (scripts/lib/prove/cfn-on-behalf.json: what each handler calls) and
 * every write its create, update or delete handler makes, this file builds the same request against a resource
 * OUTSIDE the service: the neighbour stage's or another service's resource of that type, or one no service owns
 * (CloudTrail's log group). Every group must be Denied each of them: the handler would otherwise change it.
 *
 * FOREIGN_TARGETS says, per type, which foreign resource the attacker names and what the handler's other inputs
 * are (the property values the attacker writes into the template). A type of the table without a target fails
 * the suite: add one when a new type is covered. Reads (Get/Describe/List) are left out: they change nothing
 * (the isolation of reads is the allow/deny proof's); so are requests whose resource names no foreign token
 * (creating a new API, a new key: the collection, not someone else's resource).
 */
import onBehalf from '../../scripts/lib/prove/cfn-on-behalf.json';
import { GROUPS, type Attack, type AttackRequest } from './attacks';

interface OnBehalfRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
  readonly when?: string;
  readonly forEach?: string;
}
type Handler = 'create' | 'update' | 'delete';
const HANDLERS: readonly Handler[] = ['create', 'update', 'delete'];
const TYPES = (
  onBehalf as unknown as { types: Record<string, Partial<Record<Handler, OnBehalfRequest[]>> & { arn: string }> }
).types;

export interface ForeignTarget {
  /** What the attacker aims at, in words. */
  readonly what: string;
  /** The foreign resource's ARN ({arn} of the table). */
  readonly arn: string;
  /** Values of the table's other tokens: `p:<Path>`, `att:<Attr>`, `item:`, `fnarn:<Path>`, `sqsarn:`. */
  readonly values?: Readonly<Record<string, string>>;
  /** The foreign resource's tags as AWS evaluates them (aws:ResourceTag/...), where the type carries them. */
  readonly tags?: Readonly<Record<string, string>>;
}

const FN = 'arn:{Partition}:lambda:{Region}:{Account}:function';
const STAGE_TAG = { 'aws:ResourceTag/aws:cloudformation:stack-name': '{OtherStageStack}' };
const SERVICE_TAG = { 'aws:ResourceTag/aws:cloudformation:stack-name': '{OtherServiceStack}' };
const ARTIFACT = '{Prefix}/{Service}/{OtherStage}/1795526522406-2026-11-24T13:22:02.406Z/{Service}.zip';
const REST = (rest: string) => `arn:{Partition}:apigateway:{Region}::/restapis/{OtherStageApiId}${rest}`;
const HTTP = (rest: string) => `arn:{Partition}:apigateway:{Region}::/apis/{OtherStageApiId}${rest}`;
const REST_VALUES = { 'p:RestApiId': '{OtherStageApiId}', 'p:ResourceId': 'abc123', 'p:HttpMethod': 'GET' };
const HTTP_VALUES = { 'p:ApiId': '{OtherStageApiId}', 'p:StageName': '{OtherStage}' };

export const FOREIGN_TARGETS: Readonly<Record<string, ForeignTarget>> = {
  'AWS::S3::Bucket': {
    what: "the neighbour stage's deployment bucket",
    arn: 'arn:{Partition}:s3:::{OtherStageBucket}',
  },
  'AWS::S3::BucketPolicy': {
    what: "the neighbour stage's deployment bucket",
    arn: 'arn:{Partition}:s3:::{OtherStageBucket}',
  },
  'AWS::Logs::LogGroup': {
    what: "the neighbour stage's function log group",
    arn: 'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{OtherStageFunction}',
  },
  'AWS::IAM::Role': {
    what: "the neighbour stage's execution role",
    arn: 'arn:{Partition}:iam::{Account}:role/{OtherStageExecRole}',
    values: { 'item:': 'arn:{Partition}:iam::aws:policy/AdministratorAccess' },
  },
  'AWS::Lambda::Function': {
    what: "the neighbour stage's function",
    arn: `${FN}:{OtherStageFunction}`,
    values: {
      'p:Role': 'arn:{Partition}:iam::{Account}:role/{OtherStageExecRole}',
      'p:Code.S3Bucket': '{OtherStageBucket}',
      'p:Code.S3Key': ARTIFACT,
      'item:': 'arn:{Partition}:lambda:{Region}:{AttackerAccount}:layer:wrapper:1',
      'p:Layers': 'arn:{Partition}:lambda:{Region}:{AttackerAccount}:layer:wrapper:1',
    },
  },
  'AWS::Lambda::Version': { what: "the neighbour stage's function", arn: `${FN}:{OtherStageFunction}` },
  'AWS::Lambda::Permission': {
    what: "the neighbour stage's function, opened to anyone",
    arn: `${FN}:{OtherStageFunction}`,
    values: { 'p:Principal': '*', 'p:FunctionUrlAuthType': 'NONE' },
  },
  'AWS::Lambda::Url': {
    what: "the neighbour stage's function, given a public URL",
    arn: `${FN}:{OtherStageFunction}`,
    values: { 'p:AuthType': 'NONE' },
  },
  'AWS::Lambda::EventSourceMapping': {
    what: "a mapping that feeds another service's function",
    arn: 'arn:{Partition}:lambda:{Region}:{Account}:event-source-mapping:0b5e1c2a-1111-4222-8333-444444444444',
    values: { 'fnarn:FunctionName': `${FN}:{OtherServiceFunction}` },
  },
  'AWS::Lambda::LayerVersion': {
    what: "another service's layer",
    arn: 'arn:{Partition}:lambda:{Region}:{Account}:layer:{OtherService}-{Stage}-deps',
    values: {
      'p:Content.S3Bucket': '{OtherServiceBucket}',
      'p:Content.S3Key': '{Prefix}/{OtherService}/{Stage}/1795526522406-2026-11-24T13:22:02.406Z/deps.zip',
    },
  },
  'AWS::Lambda::LayerVersionPermission': {
    what: "another service's layer, shared with every account",
    arn: 'arn:{Partition}:lambda:{Region}:{Account}:layer:{OtherService}-{Stage}-deps:1',
  },
  'AWS::Events::Rule': {
    what: "the neighbour stage's rule",
    arn: 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{OtherStage}-api-rule-1',
    tags: STAGE_TAG,
  },
  'AWS::Events::EventBus': {
    what: "another service's event bus",
    arn: 'arn:{Partition}:events:{Region}:{Account}:event-bus/{OtherService}-bus',
    tags: SERVICE_TAG,
  },
  'AWS::Scheduler::Schedule': {
    what: "the neighbour stage's schedule",
    arn: 'arn:{Partition}:scheduler:{Region}:{Account}:schedule/default/{OtherStageStack}-NightlySchedule-Q7R8S9T0U1V2',
    values: { 'p:Target.RoleArn': 'arn:{Partition}:iam::{Account}:role/{OtherStageExecRole}' },
  },
  'AWS::SNS::Topic': {
    what: "another service's topic",
    arn: 'arn:{Partition}:sns:{Region}:{Account}:{OtherService}-{Stage}-events',
    tags: SERVICE_TAG,
  },
  'AWS::SNS::Subscription': {
    what: "another service's topic, subscribed to an outside endpoint",
    arn: 'arn:{Partition}:sns:{Region}:{Account}:{OtherService}-{Stage}-events',
    values: { 'p:Protocol': 'https', 'p:Endpoint': 'https://attacker.example.com/hook' },
    tags: SERVICE_TAG,
  },
  'AWS::SQS::Queue': {
    what: "another service's queue",
    arn: 'arn:{Partition}:sqs:{Region}:{Account}:{OtherService}-{Stage}-jobs',
    tags: SERVICE_TAG,
  },
  'AWS::SQS::QueuePolicy': {
    what: "another service's queue policy",
    arn: 'arn:{Partition}:sqs:{Region}:{Account}:{OtherService}-{Stage}-jobs',
    values: { 'sqsarn:': 'arn:{Partition}:sqs:{Region}:{Account}:{OtherService}-{Stage}-jobs' },
    tags: SERVICE_TAG,
  },
  'AWS::Kinesis::StreamConsumer': {
    what: "another service's stream",
    arn: 'arn:{Partition}:kinesis:{Region}:{Account}:stream/{OtherService}-{Stage}-clicks',
    values: {
      'att:ConsumerARN':
        'arn:{Partition}:kinesis:{Region}:{Account}:stream/{OtherService}-{Stage}-clicks/consumer/theirs:1700000000',
    },
  },
  'AWS::Logs::SubscriptionFilter': {
    what: "CloudTrail's log group",
    arn: 'arn:{Partition}:logs:{Region}:{Account}:log-group:aws-cloudtrail-logs-{Account}-a1b2c3d4',
  },
  'AWS::DynamoDB::Table': {
    what: "the neighbour stage's table",
    arn: 'arn:{Partition}:dynamodb:{Region}:{Account}:table/{Service}-{OtherStage}-records',
  },
  'AWS::ApiGateway::RestApi': { what: "the neighbour stage's REST API", arn: REST(''), tags: STAGE_TAG },
  'AWS::ApiGateway::Resource': {
    what: "a path of the neighbour stage's REST API",
    arn: REST('/resources/abc123'),
    values: REST_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGateway::Method': {
    what: "a method of the neighbour stage's REST API",
    arn: REST('/resources/abc123/methods/GET'),
    values: REST_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGateway::Authorizer': {
    what: "the neighbour stage's authorizer",
    arn: REST('/authorizers/auth01'),
    values: REST_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGateway::Deployment': {
    what: "a deployment of the neighbour stage's REST API",
    arn: REST('/deployments/dep001'),
    values: REST_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGateway::ApiKey': {
    what: "another service's API key",
    arn: 'arn:{Partition}:apigateway:{Region}::/apikeys/k3y0th3r',
    tags: SERVICE_TAG,
  },
  'AWS::ApiGateway::UsagePlan': {
    what: "another service's usage plan",
    arn: 'arn:{Partition}:apigateway:{Region}::/usageplans/pl4n0th3r',
    tags: SERVICE_TAG,
  },
  'AWS::ApiGateway::UsagePlanKey': {
    what: "another service's usage plan, given an own key",
    arn: 'arn:{Partition}:apigateway:{Region}::/usageplans/pl4n0th3r/keys/k3y0wn',
    values: { 'p:UsagePlanId': 'pl4n0th3r', 'p:KeyId': 'k3y0wn' },
    tags: SERVICE_TAG,
  },
  'AWS::ApiGatewayV2::Api': { what: "the neighbour stage's HTTP API", arn: HTTP(''), tags: STAGE_TAG },
  'AWS::ApiGatewayV2::Stage': {
    what: "the neighbour stage's HTTP API stage",
    arn: HTTP('/stages/{OtherStage}'),
    values: HTTP_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGatewayV2::Route': {
    what: "a route of the neighbour stage's HTTP API",
    arn: HTTP('/routes/r0ut3'),
    values: HTTP_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGatewayV2::Integration': {
    what: "an integration of the neighbour stage's HTTP API",
    arn: HTTP('/integrations/int001'),
    values: HTTP_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGatewayV2::Authorizer': {
    what: "the neighbour stage's HTTP API authorizer",
    arn: HTTP('/authorizers/auth01'),
    values: HTTP_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGateway::Stage': {
    what: "the neighbour stage's REST API stage",
    arn: REST('/stages/{OtherStage}'),
    values: { ...REST_VALUES, 'p:StageName': '{OtherStage}' },
    tags: STAGE_TAG,
  },
  'AWS::ApiGateway::Model': {
    what: "a model of the neighbour stage's REST API",
    arn: REST('/models/m0d3l'),
    values: REST_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGateway::RequestValidator': {
    what: "a request validator of the neighbour stage's REST API",
    arn: REST('/requestvalidators/rv001'),
    values: REST_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGatewayV2::Deployment': {
    what: "a deployment of the neighbour stage's WebSocket API",
    arn: HTTP('/deployments/dep001'),
    values: HTTP_VALUES,
    tags: STAGE_TAG,
  },
  'AWS::ApiGatewayV2::RouteResponse': {
    what: "a route response of the neighbour stage's WebSocket API",
    arn: HTTP('/routes/r0ut3/routeresponses/rr001'),
    values: { ...HTTP_VALUES, 'p:RouteId': 'r0ut3' },
    tags: STAGE_TAG,
  },
  'AWS::Lambda::Alias': {
    what: "the neighbour stage's function alias",
    arn: `${FN}:{OtherStageFunction}`,
    values: { 'p:Name': 'provisioned' },
  },
  'AWS::Lambda::EventInvokeConfig': {
    what: "the neighbour stage's function retry settings",
    arn: `${FN}:{OtherStageFunction}`,
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    what: "the neighbour stage's target group",
    arn: 'arn:{Partition}:elasticloadbalancing:{Region}:{Account}:targetgroup/{Service}-{OtherStage}-tg/4444444444444444',
    tags: STAGE_TAG,
  },
  'AWS::ElasticLoadBalancingV2::ListenerRule': {
    what: "a rule on another team's listener",
    arn: 'arn:{Partition}:elasticloadbalancing:{Region}:{Account}:listener-rule/app/payments-alb/1111111111111111/2222222222222222/3333333333333333',
    values: {
      'p:ListenerArn':
        'arn:{Partition}:elasticloadbalancing:{Region}:{Account}:listener/app/payments-alb/1111111111111111/2222222222222222',
    },
    tags: SERVICE_TAG,
  },
  'AWS::CloudFront::CachePolicy': {
    what: "another service's cache policy",
    arn: 'arn:{Partition}:cloudfront::{Account}:cache-policy/11111111-2222-3333-4444-555555555555',
  },
  'AWS::CloudFront::Distribution': {
    what: "another service's distribution, given an own Lambda@Edge",
    arn: 'arn:{Partition}:cloudfront::{Account}:distribution/EOTHERSERVICE01',
    values: { 'item:LambdaFunctionARN': `${FN}:{OtherServiceFunction}:1` },
    tags: SERVICE_TAG,
  },
  'AWS::IoT::TopicRule': {
    what: "another service's topic rule",
    arn: 'arn:{Partition}:iot:{Region}:{Account}:rule/OtherServiceRule_ABC123',
    tags: SERVICE_TAG,
  },
  'AWS::IoT::ProvisioningTemplate': {
    what: "another service's provisioning template, with its role",
    arn: 'arn:{Partition}:iot:{Region}:{Account}:provisioningtemplate/{OtherServiceStack}-tmpl',
    values: { 'p:ProvisioningRoleArn': 'arn:{Partition}:iam::{Account}:role/{OtherStageExecRole}' },
    tags: SERVICE_TAG,
  },
  'AWS::Cognito::UserPool': {
    what: "another service's user pool",
    arn: 'arn:{Partition}:cognito-idp:{Region}:{Account}:userpool/{Region}_OtherPool1',
    tags: SERVICE_TAG,
  },
  'Custom::*': {
    what: "a custom resource whose ServiceToken is another service's function",
    arn: `${FN}:{OtherServiceFunction}`,
  },
};

const SUBJECT_TOKENS = new Set(['Partition', 'Region', 'Account']);
const READ = /^[a-z0-9-]+:(Get|Describe|List)|^apigateway:GET$/;

/** The table's types without a foreign target (the suite fails on any). */
export function typesWithoutTarget(): string[] {
  return Object.keys(TYPES).filter((t) => !FOREIGN_TARGETS[t]);
}

function fillToken(token: string, target: ForeignTarget, where: string): string | undefined {
  if (SUBJECT_TOKENS.has(token)) return `{${token}}`;
  if (token === 'arn' || token === 'ref' || token.startsWith('att:Arn') || token === 'att:TopicArn') return target.arn;
  if (token.startsWith('fnarn:') && !target.values?.[token]) return target.arn;
  const v = target.values?.[token];
  if (v === undefined && where === 'resource')
    throw new Error(`via-stack: no value for {${token}} (${where}); add it to FOREIGN_TARGETS`);
  return v;
}

function fill(template: string, target: ForeignTarget, where: string): string | undefined {
  let missing = false;
  const out = template.replace(/\{([^}]*)\}/g, (_m, token: string) => {
    const v = fillToken(token, target, where);
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

/** One attack per (type, handler, write request) of the on-behalf table, aimed at the type's foreign target. */
export function viaStackAttacks(): Attack[] {
  const attacks: Attack[] = [];
  for (const [type, spec] of Object.entries(TYPES)) {
    const target = FOREIGN_TARGETS[type];
    if (!target) continue;
    for (const handler of HANDLERS) {
      for (const r of spec[handler] ?? []) {
        if (READ.test(r.action)) continue;
        const tokens = [...r.resource.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
        if (!tokens.some((t) => !SUBJECT_TOKENS.has(t))) continue;
        const resource = fill(r.resource, target, 'resource') as string;
        const context: Record<string, string | string[]> = { ...(target.tags ?? {}) };
        for (const [k, v] of Object.entries(r.context ?? {})) {
          if (k.startsWith('$')) continue;
          const value = fill(v, target, 'context');
          if (value !== undefined && value !== '') context[k] = k === 'lambda:Layer' ? [value] : value;
        }
        const request: AttackRequest = {
          action: r.action,
          resource,
          via: 'cloudformation',
          ...(Object.keys(context).length ? { context } : {}),
        };
        const id = `via-stack:${type}:${handler}:${r.action}${r.resource.startsWith('{') ? '' : `:${r.resource.replace(/^.*::?/, '').replace(/\{[^}]*\}/g, '*')}`}`;
        if (attacks.some((a) => a.id === id)) continue;
        attacks.push({
          id,
          class: 'via-stack',
          deniedFor: GROUPS,
          why: `${type} ${handler} handler on ${target.what}`,
          requests: [request],
        });
      }
    }
  }
  return attacks;
}
