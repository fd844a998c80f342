/**
 * What `npm run prove` does when moto cannot build a stack (scripts/lib/prove/runner.ts): which failure it reads,
 * and the stack state it emulates from the framework's compiled template instead of moto's half-built stack.
 */
import { emulatedState, rejectedStackCall } from '../../scripts/lib/prove/runner';
import { onBehalfRequests } from '../../scripts/lib/prove/on-behalf';
import type { CfnTemplate, RecordedCall, ServiceFacts } from '../../scripts/lib/prove/types';

const call = (
  seq: number,
  service: string,
  op: string,
  ok: boolean,
  error?: string,
  message?: string,
): RecordedCall => ({
  seq,
  sdk: 3,
  service,
  op,
  input: {},
  ok,
  ...(error ? { error } : {}),
  ...(message ? { message } : {}),
});

const facts: ServiceFacts = {
  service: 'genedge',
  stage: 'dev',
  region: 'us-east-1',
  stackName: 'genedge-dev',
  functions: {},
  accessProperties: {},
};
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme/50dc6c495c0c9188/f2f7dc8efc522ab2';
const template: CfnTemplate = {
  Resources: {
    WebLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: 'genedge-dev-web',
        Role: 'arn:aws:iam::123456789012:role/genedge-dev-us-east-1-lambdaRole',
        Code: { S3Bucket: 'b', S3Key: 'k.zip' },
      },
    },
    WebAlbTargetGroup: {
      Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      Properties: {
        Name: 'genedge3638fcd89d494e51c6aef8e77',
        TargetType: 'lambda',
        Targets: [{ Id: { 'Fn::GetAtt': ['WebLambdaFunction', 'Arn'] } }],
      },
    },
    WebAlbListenerRule7: {
      Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
      Properties: {
        ListenerArn: LISTENER,
        Priority: 7,
        Actions: [{ Type: 'forward', TargetGroupArn: { Ref: 'WebAlbTargetGroup' } }],
      },
    },
    CloudFrontDistribution: {
      Type: 'AWS::CloudFront::Distribution',
      Properties: { DistributionConfig: { Enabled: true } },
    },
  },
};
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/genedge-dev/00000000-0000-4000-8000-000000000001';
const env = { partition: 'aws', region: 'us-east-1', account: '123456789012', stackName: 'genedge-dev' };

describe('rejectedStackCall', () => {
  test('the last stack write moto refused, with its error and message', () => {
    const calls = [
      call(1, 'CloudFormation', 'CreateChangeSet', true),
      call(2, 'S3', 'PutObject', false, 'AccessDenied'),
      call(
        3,
        'CloudFormation',
        'ExecuteChangeSet',
        false,
        'ListenerNotFound',
        'The specified listener does not exist.',
      ),
      call(4, 'CloudFormation', 'DescribeStackEvents', false, 'ValidationError'),
    ];
    expect(rejectedStackCall(calls)).toEqual({
      logicalId: 'CloudFormation.ExecuteChangeSet',
      type: 'the whole template',
      reason: 'ListenerNotFound: The specified listener does not exist.',
    });
  });

  test('nothing when every stack write succeeded (a CLI failure elsewhere stays a failure)', () => {
    expect(
      rejectedStackCall([
        call(1, 'CloudFormation', 'UpdateStack', true),
        call(2, 'Lambda', 'UpdateFunctionCode', false, 'ResourceConflictException'),
      ]),
    ).toBeUndefined();
  });
});

describe('emulatedState', () => {
  test('ARN-shaped physical ids where Ref returns an ARN, and the listener rule under its listener', () => {
    const state = emulatedState(template, facts, STACK_ID);
    expect(state.stackId).toBe(STACK_ID);
    expect(state.physical.WebAlbTargetGroup).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/genedge3638fcd89d494e51c6aef8e77\/[0-9a-f]{16}$/,
    );
    expect(state.physical.WebAlbListenerRule7).toMatch(
      new RegExp(`^${LISTENER.replace(':listener/', ':listener-rule/').replace(/[/.]/g, '\\$&')}/[0-9a-f]{16}$`),
    );
    expect(state.physical.CloudFrontDistribution).toMatch(/^E[A-Z0-9]{13}$/);
    expect(emulatedState(template, facts, STACK_ID)).toEqual(state);
  });

  test('an update keeps the physical ids of resources that stay (same logical id and type)', () => {
    const before = emulatedState(template, facts, STACK_ID);
    const kept = { ...before, physical: { ...before.physical, CloudFrontDistribution: 'EKEPTDISTRIB01' } };
    const next = emulatedState(
      {
        Resources: {
          ...template.Resources,
          CloudFrontDistribution: {
            Type: 'AWS::CloudFront::Distribution',
            Properties: { DistributionConfig: { Enabled: false } },
          },
        },
      },
      facts,
      STACK_ID,
      kept,
    );
    expect(next.physical.CloudFrontDistribution).toBe('EKEPTDISTRIB01');
  });

  test("a create from nothing derives every resource's create handler; tag-scoped writes carry the stack name", () => {
    const created = emulatedState(template, facts, STACK_ID);
    const create = onBehalfRequests(undefined, created, env);
    expect(create.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'elasticloadbalancing:CreateTargetGroup',
        'elasticloadbalancing:CreateRule',
        'cloudfront:CreateDistribution',
      ]),
    );
    expect(create.find((r) => r.action === 'elasticloadbalancing:CreateRule')?.resource).toBe(LISTENER);
    const remove = onBehalfRequests(created, undefined, env);
    expect(
      remove.find((r) => r.action === 'elasticloadbalancing:DeleteRule')?.context[
        'aws:ResourceTag/aws:cloudformation:stack-name'
      ],
    ).toBe('genedge-dev');
  });
});
