/** Which Access properties a serverless.yml needs (functions/core/service-config.ts). */
import { accessPropertiesOf } from '../../functions/core/service-config';

const of = (config: Record<string, unknown>) => accessPropertiesOf(config, 'orders', 'dev');

describe('accessPropertiesOf', () => {
  test('a service that keeps the framework defaults needs none', () => {
    expect(
      of({
        provider: { name: 'aws', iam: { role: { statements: [] } } },
        functions: { create: { handler: 'h.create' }, list: { handler: 'h.list', name: 'orders-dev-list' } },
        layers: {},
      }),
    ).toEqual({});
  });

  test('function and layer names outside <service>-<stage>-*, sorted and without repeats', () => {
    expect(
      of({
        functions: { a: { name: 'custom-b' }, b: { name: 'custom-a' }, c: { name: 'custom-a' }, d: {} },
        layers: {
          sharp: { path: 'layers/sharp' },
          shared: { name: 'orders-dev-shared' },
          other: { name: 'team-utils' },
        },
      }),
    ).toEqual({ FunctionNames: ['custom-a', 'custom-b'], LayerNames: ['sharp', 'team-utils'] });
  });

  test('queues named outside <service>-<stage>-* in resources:, not the own prefix, unnamed or computed ones', () => {
    expect(
      of({
        resources: {
          Resources: {
            Jobs: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orders-dev-jobs' } },
            Shared: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'billing-intake.fifo' } },
            Generated: { Type: 'AWS::SQS::Queue' },
            Computed: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::Sub': '${AWS::StackName}-q' } } },
            Again: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'billing-intake.fifo' } },
          },
        },
      }),
    ).toEqual({ QueueNames: ['billing-intake.fifo'], ResourceTypes: ['AWS::SQS::Queue'] });
  });

  test('kinesis streams that stream events register a consumer on, by ARN, not the own prefix or computed ARNs', () => {
    const arn = (name: string) => `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`;
    expect(
      of({
        functions: {
          a: { events: [{ stream: { type: 'kinesis', arn: arn('clickstream'), consumer: true } }] },
          b: { events: [{ stream: { type: 'kinesis', arn: arn('orders-dev-events'), consumer: true } }] },
          c: { events: [{ stream: { type: 'kinesis', arn: arn('no-consumer') } }, { stream: arn('plain') }] },
          d: { events: [{ stream: { type: 'kinesis', arn: { 'Fn::GetAtt': ['S', 'Arn'] }, consumer: true } }] },
          e: { events: [{ stream: { type: 'kinesis', arn: arn('clickstream'), consumer: true } }] },
        },
      }),
    ).toEqual({ StreamNames: ['clickstream'] });
  });

  test('sns: topics the service creates by name (TopicNames) apart from topics it only subscribes to by ARN', () => {
    const arn = (name: string, region = 'us-east-1') => `arn:aws:sns:${region}:123456789012:${name}`;
    expect(
      of({
        functions: {
          a: { events: [{ sns: 'alerts' }, { sns: 'orders-dev-own' }, { sns: arn('acme-orders') }] },
          // With an arn, the framework subscribes to the ARN's topic; topicName only names the logical ids.
          b: { events: [{ sns: { arn: arn('billing', 'eu-west-1'), topicName: 'billingAlias' } }] },
          c: { events: [{ sns: { topicName: 'audit', displayName: 'Audit' } }, { sns: arn('orders-dev-mine') }] },
          // A topic the service creates, subscribed to by its ARN too, is its own; computed ARNs are left out.
          d: { events: [{ sns: arn('shared-made-here') }, { sns: { arn: { Ref: 'T' }, topicName: 'computed' } }] },
        },
        resources: { Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'shared-made-here' } } } },
      }),
    ).toEqual({
      TopicNames: ['alerts', 'audit', 'shared-made-here'],
      SubscribedTopicArns: [arn('billing', 'eu-west-1'), arn('acme-orders')],
      ResourceTypes: ['AWS::SNS::Topic'],
    });
  });

  test('the listeners of alb events, sorted and without repeats', () => {
    const listener =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme-shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2';
    const other = listener.replace('f2f7dc8efc522ab2', '0123456789abcdef');
    expect(
      of({
        functions: {
          a: { events: [{ alb: { listenerArn: listener, priority: 1 } }, { http: { path: '/' } }] },
          b: {
            events: [{ alb: { listenerArn: other, priority: 2 } }, { alb: { listenerArn: listener, priority: 3 } }],
          },
        },
      }),
    ).toEqual({ AlbListenerArns: [other, listener].sort(), Events: ['alb'] });
  });

  test('ResourceTypes: the types of resources.Resources, and layer sharing for layers with allowedAccounts', () => {
    expect(
      of({
        layers: { sharp: { path: 'l' }, shared: { path: 'l', allowedAccounts: ['210987654321'] } },
        resources: {
          Resources: {
            Table: { Type: 'AWS::DynamoDB::Table' },
            Queue: { Type: 'AWS::SQS::Queue' },
            Other: { Type: 'AWS::DynamoDB::Table' },
            NotAType: { Type: 'dynamodb table' },
            NoType: { Properties: {} },
          },
        },
      }),
    ).toEqual({
      LayerNames: ['sharp', 'shared'].sort(),
      ResourceTypes: ['AWS::DynamoDB::Table', 'AWS::Lambda::LayerVersionPermission', 'AWS::SQS::Queue'],
    });
    // A layer without accounts to share with, or with an empty list, compiles no LayerVersionPermission.
    expect(of({ layers: { shared: { name: 'orders-dev-shared', allowedAccounts: [] } } })).toEqual({});
  });

  test('the event types whose statements are granted on request, sorted and without repeats', () => {
    expect(
      of({
        functions: {
          a: {
            events: [{ cloudFront: { eventType: 'viewer-request' } }, { http: { path: '/' } }, { iot: { sql: 'x' } }],
          },
          b: {
            events: [{ cognitoUserPool: { pool: 'p', trigger: 'PreSignUp' } }, { iot: { sql: 'y' } }, { sqs: 'arn' }],
          },
        },
      }),
    ).toEqual({ Events: ['cloudFront', 'cognitoUserPool', 'iot'] });
  });

  test('execution roles: provider role name, role ARNs and named roles of resources:, not the framework default', () => {
    expect(
      of({
        provider: { iam: { role: { name: 'orders-dev-runner' } } },
        functions: {
          a: { role: 'arn:aws:iam::123456789012:role/path/external-role' },
          b: { role: 'NamedRole' },
          c: { role: { 'Fn::GetAtt': ['OtherNamedRole', 'Arn'] } },
          d: { role: 'GeneratedRole' },
          e: { role: 'arn:aws:iam::123456789012:role/orders-dev-us-east-1-lambdaRole' },
        },
        resources: {
          Resources: {
            NamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'orders-audit' } },
            OtherNamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'orders-audit' } },
            GeneratedRole: { Type: 'AWS::IAM::Role', Properties: {} },
          },
        },
      }),
    ).toEqual({
      ExecutionRoleNames: ['orders-audit', 'orders-dev-runner', 'external-role'].sort(),
      ResourceTypes: ['AWS::IAM::Role'],
    });
  });

  test('a provider role given as an ARN names an execution role', () => {
    expect(of({ provider: { iam: { role: 'arn:aws:iam::123456789012:role/shared-lambda' } } })).toEqual({
      ExecutionRoleNames: ['shared-lambda'],
    });
  });

  test('deployment role and permissions boundary, current and older spellings', () => {
    const boundary = 'arn:aws:iam::123456789012:policy/boundary';
    const role = 'arn:aws:iam::123456789012:role/cfn';
    expect(of({ provider: { iam: { deploymentRole: role, role: { permissionsBoundary: boundary } } } })).toEqual({
      DeploymentRoleArn: role,
      PermissionsBoundary: boundary,
    });
    expect(of({ provider: { cfnRole: role, rolePermissionsBoundary: boundary } })).toEqual({
      DeploymentRoleArn: role,
      PermissionsBoundary: boundary,
    });
  });

  test('a boundary or deployment role that is not an ARN string is refused, naming the property', () => {
    expect(() => of({ provider: { iam: { role: { permissionsBoundary: { Ref: 'Boundary' } } } } })).toThrow(
      /provider\.iam\.role\.permissionsBoundary must be the boundary policy's ARN as a string/,
    );
    expect(() => of({ provider: { iam: { deploymentRole: { 'Fn::GetAtt': ['R', 'Arn'] } } } })).toThrow(
      /provider\.iam\.deploymentRole must be the role's ARN as a string/,
    );
  });
});
