/**
 * The attacks, as reviewable data. Each one is what a member of a group (or code running as the execution role)
 * would try to get beyond its own service and stage; it succeeds only when EVERY request it lists is Allowed.
 *
 * Strings use `{Name}` placeholders filled per subject (subjects.ts namesOf): the own service's names made
 * concrete ({Service}, {Stage}, {Stack}, {Bucket}, {ExecRole}, {CrFunctionApigw}, ...), a neighbour stage
 * ({OtherStage}, {OtherStageStack}, {OtherStageBucket}, {OtherStageFunction}, {OtherStageApiId}, ...) and a neighbour
 * service ({OtherService}, {OtherServiceStack}, ...) of the same account, and an outside account ({AttackerAccount}).
 * `via: 'cloudformation'` adds aws:CalledVia = cloudformation.amazonaws.com (the request a stack update makes with
 * the caller's credentials); `via: 'cli'` is a direct call. Every context key must be one AWS evaluates for the
 * action (the simulator throws otherwise).
 *
 * deniedFor: the roles that must be Denied (default: admin, developer and ci). 'lambda' is the execution role
 * the macro creates: whoever may change a function's code runs as it. requires: subject features (subjects.ts)
 * without which the attack does not apply (e.g. 'bucket:shared').
 *
 * The attacks generated from CloudFormation's handlers ("anyone who may update a stack can put any resource into
 * it") are in via-stack.ts.
 */
import type { SubjectRole } from './subjects';

export const ATTACK_CLASSES = {
  'privilege-escalation': 'IAM paths to more permissions (Rhino, pmapper, cloudsplaining, pathfinding.cloud)',
  'code-injection': "running own code as a stronger role: the framework's custom-resource functions",
  'resource-policy': 'opening a resource to anyone or another account through a resource policy',
  'foreign-resource':
    "another stage's or service's APIs, topics, buses, log groups, buckets, functions, layers, parameters",
  'role-passing': 'handing a role to a service or function it was not made for',
  'boundary-removal': 'creating or changing a role without the boundary, or changing the boundary',
  'service-role-reuse': "running a stack operation with a CloudFormation service role that is not one's own",
  'via-stack':
    'a resource of any type put into the own stack, whose handler reaches outside the service (via-stack.ts)',
  'execution-role': 'what code running as the execution role reaches outside the service',
} as const;
export type AttackClass = keyof typeof ATTACK_CLASSES;

export type Via = 'cli' | 'cloudformation';

export interface AttackRequest {
  readonly action: string;
  readonly resource: string;
  readonly via: Via;
  readonly context?: Readonly<Record<string, string | string[]>>;
}

export interface Attack {
  readonly id: string;
  readonly class: AttackClass;
  readonly why: string;
  readonly deniedFor?: readonly SubjectRole[];
  readonly requests: readonly AttackRequest[];
  readonly requires?: readonly string[];
}

export const GROUPS: readonly SubjectRole[] = ['admin', 'developer', 'ci'];
export const DEV_CI: readonly SubjectRole[] = ['developer', 'ci'];

const IAM = 'arn:{Partition}:iam::{Account}';
const ADMIN_POLICY = 'arn:{Partition}:iam::aws:policy/AdministratorAccess';
const FN = 'arn:{Partition}:lambda:{Region}:{Account}:function';
/** F9: another team's network (ids no subject's VpcSubnetIds, VpcSecurityGroupIds or Vpc submodule uses). */
const EC2 = 'arn:{Partition}:ec2:{Region}:{Account}';
const FOREIGN_SUBNET = 'subnet-0f0f0f0f0f0f0f0f0';
const FOREIGN_SG = 'sg-0f0f0f0f0f0f0f0f0';
const FOREIGN_VPC_ID = 'vpc-0f0f0f0f0f0f0f0f0';
const FOREIGN_VPC = {
  'lambda:SubnetIds': [FOREIGN_SUBNET],
  'lambda:SecurityGroupIds': [FOREIGN_SG],
  'lambda:VpcIds': FOREIGN_VPC_ID,
};
const API = 'arn:{Partition}:apigateway:{Region}::';
const FOREIGN_LAYER = 'arn:{Partition}:lambda:{Region}:{AttackerAccount}:layer:wrapper:1';
const OTHER_STAGE_TAG = { 'aws:ResourceTag/aws:cloudformation:stack-name': '{OtherStageStack}' };
const OTHER_SERVICE_TAG = { 'aws:ResourceTag/aws:cloudformation:stack-name': '{OtherServiceStack}' };
const CR_FUNCTIONS = ['CrFunctionApigw', 'CrFunctionS3', 'CrFunctionEventBridge', 'CrFunctionCognito'] as const;
/** H-lambda: the hyphen-sibling stage <stage>-eu's custom-resource functions (subjects.ts) and stack tag. */
const HYPHEN_CR_FUNCTIONS = [
  'HyphenStageCrFunctionApigw',
  'HyphenStageCrFunctionS3',
  'HyphenStageCrFunctionEventBridge',
  'HyphenStageCrFunctionCognito',
] as const;
const HYPHEN_STAGE_TAG = { 'aws:ResourceTag/aws:cloudformation:stack-name': '{HyphenStageStack}' };

const cli = (action: string, resource: string, context?: Record<string, string | string[]>): AttackRequest => ({
  action,
  resource,
  via: 'cli',
  ...(context ? { context } : {}),
});
const cfn = (action: string, resource: string, context?: Record<string, string | string[]>): AttackRequest => ({
  action,
  resource,
  via: 'cloudformation',
  ...(context ? { context } : {}),
});
const pass = (role: string, service: string, via: Via = 'cli'): AttackRequest => ({
  action: 'iam:PassRole',
  resource: `${IAM}:role/${role}`,
  via,
  context: { 'iam:PassedToService': service },
});

export const ATTACKS: readonly Attack[] = [
  // ------------------------------------------------------------------------------------------ privilege escalation
  {
    id: 'iam-create-policy-version-own-group-policy',
    class: 'privilege-escalation',
    why: "a new default version of the group's own managed policy (Allow *)",
    requests: [cli('iam:CreatePolicyVersion', `${IAM}:policy/{GroupPolicy}`)],
  },
  {
    id: 'iam-set-default-policy-version-own-group-policy',
    class: 'privilege-escalation',
    why: "switching the group's policy to an older, wider version",
    requests: [cli('iam:SetDefaultPolicyVersion', `${IAM}:policy/{GroupPolicy}`)],
  },
  {
    id: 'iam-create-policy-version-boundary',
    class: 'privilege-escalation',
    why: 'widening the permissions boundary itself',
    requests: [cli('iam:CreatePolicyVersion', '{Boundary}'), cfn('iam:CreatePolicyVersion', '{Boundary}')],
  },
  {
    id: 'iam-attach-user-policy-self',
    class: 'privilege-escalation',
    why: 'AdministratorAccess on oneself',
    requests: [cli('iam:AttachUserPolicy', '{Principal}', { 'iam:PolicyARN': ADMIN_POLICY })],
  },
  {
    id: 'iam-put-user-policy-self',
    class: 'privilege-escalation',
    why: 'an inline *:* policy on oneself',
    requests: [cli('iam:PutUserPolicy', '{Principal}')],
  },
  {
    id: 'iam-attach-group-policy-admin-group',
    class: 'privilege-escalation',
    why: 'AdministratorAccess on the admin group',
    requests: [cli('iam:AttachGroupPolicy', `${IAM}:group/{AdminGroup}`, { 'iam:PolicyARN': ADMIN_POLICY })],
  },
  {
    id: 'iam-attach-group-policy-developer-group',
    class: 'privilege-escalation',
    why: 'AdministratorAccess on the developer group',
    requests: [cli('iam:AttachGroupPolicy', `${IAM}:group/{DeveloperGroup}`, { 'iam:PolicyARN': ADMIN_POLICY })],
  },
  {
    id: 'iam-put-group-policy-ci-group',
    class: 'privilege-escalation',
    why: 'an inline policy on the ci group',
    requests: [cli('iam:PutGroupPolicy', `${IAM}:group/{CiGroup}`)],
  },
  {
    id: 'iam-add-user-to-admin-group',
    class: 'privilege-escalation',
    why: 'joining the admin group',
    requests: [cli('iam:AddUserToGroup', `${IAM}:group/{AdminGroup}`)],
  },
  {
    id: 'iam-create-access-key-other-user',
    class: 'privilege-escalation',
    why: 'keys of another (administrator) user',
    requests: [cli('iam:CreateAccessKey', `${IAM}:user/alice-admin`)],
  },
  {
    id: 'iam-create-login-profile-other-user',
    class: 'privilege-escalation',
    why: 'a console password for a user that has none',
    requests: [cli('iam:CreateLoginProfile', `${IAM}:user/alice-admin`)],
  },
  {
    id: 'iam-update-login-profile-other-user',
    class: 'privilege-escalation',
    why: "resetting another user's console password",
    requests: [cli('iam:UpdateLoginProfile', `${IAM}:user/alice-admin`)],
  },
  {
    id: 'iam-create-user',
    class: 'privilege-escalation',
    why: 'a new user outside the groups',
    requests: [cli('iam:CreateUser', `${IAM}:user/mallory`)],
  },
  {
    id: 'iam-create-role-cli',
    class: 'privilege-escalation',
    why: 'a new role trusting oneself, straight from the CLI',
    requests: [cli('iam:CreateRole', `${IAM}:role/{Service}-{Stage}-escalate`)],
  },
  {
    id: 'iam-attach-role-policy-exec-role-cli',
    class: 'privilege-escalation',
    why: 'AdministratorAccess on the execution role, straight from the CLI',
    requests: [cli('iam:AttachRolePolicy', `${IAM}:role/{ExecRole}`, { 'iam:PolicyARN': ADMIN_POLICY })],
  },
  {
    id: 'iam-put-role-policy-exec-role-cli',
    class: 'privilege-escalation',
    why: 'an inline *:* policy on the execution role, straight from the CLI',
    requests: [cli('iam:PutRolePolicy', `${IAM}:role/{ExecRole}`)],
  },
  {
    id: 'iam-update-assume-role-policy-exec-role-cli',
    class: 'privilege-escalation',
    why: 'trusting oneself to assume the execution role',
    requests: [cli('iam:UpdateAssumeRolePolicy', `${IAM}:role/{ExecRole}`)],
  },
  {
    id: 'iam-update-assume-role-policy-macro-role',
    class: 'privilege-escalation',
    why: "trusting oneself to assume the macro's execution role (the Access stack's)",
    requests: [cfn('iam:UpdateAssumeRolePolicy', `${IAM}:role/{MacroRole}`)],
  },
  {
    id: 'iam-put-role-policy-macro-role',
    class: 'privilege-escalation',
    why: "an inline policy on the macro's execution role through the own stack",
    requests: [cfn('iam:PutRolePolicy', `${IAM}:role/{MacroRole}`)],
  },
  {
    id: 'iam-create-service-linked-role',
    class: 'privilege-escalation',
    why: 'a service-linked role (pathfinding.cloud: iam:CreateServiceLinkedRole)',
    requests: [
      cli(
        'iam:CreateServiceLinkedRole',
        `${IAM}:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk`,
        { 'iam:AWSServiceName': 'elasticbeanstalk.amazonaws.com' },
      ),
    ],
  },
  {
    id: 'sts-assume-admin-role',
    class: 'privilege-escalation',
    why: 'assuming an administrator role',
    requests: [cli('sts:AssumeRole', `${IAM}:role/Admin`)],
  },
  {
    id: 'sts-assume-exec-role',
    class: 'privilege-escalation',
    why: 'assuming the execution role directly',
    requests: [cli('sts:AssumeRole', `${IAM}:role/{ExecRole}`)],
  },
  {
    id: 'sts-assume-custom-resource-role',
    class: 'privilege-escalation',
    why: 'assuming the custom-resource role (IAM writes on role/*)',
    requests: [cli('sts:AssumeRole', `${IAM}:role/{CrRole}`)],
  },
  {
    id: 'lambda-create-function-pass-custom-resource-role',
    class: 'privilege-escalation',
    why: 'a new function running as the custom-resource role',
    requests: [pass('{CrRole}', 'lambda.amazonaws.com'), cli('lambda:CreateFunction', `${FN}:{Service}-{Stage}-x`)],
  },
  {
    id: 'lambda-create-function-pass-admin-role',
    class: 'privilege-escalation',
    why: 'a new function running as an administrator role',
    requests: [pass('Admin', 'lambda.amazonaws.com'), cli('lambda:CreateFunction', `${FN}:{Service}-{Stage}-x`)],
  },
  {
    id: 'lambda-create-function-dev',
    class: 'privilege-escalation',
    deniedFor: DEV_CI,
    requires: ['!many-lambdas'],
    why: "developer/ci creating functions (admin's, unless ManyLambdas)",
    requests: [pass('{ExecRole}', 'lambda.amazonaws.com'), cli('lambda:CreateFunction', `${FN}:{Service}-{Stage}-x`)],
  },
  {
    id: 'lambda-update-function-configuration-custom-resource-role',
    class: 'privilege-escalation',
    why: 'an own function switched to the custom-resource role',
    requests: [
      pass('{CrRole}', 'lambda.amazonaws.com'),
      cli('lambda:UpdateFunctionConfiguration', `${FN}:{OwnFunction}`),
    ],
  },
  {
    id: 'lambda-update-function-code-other-stage',
    class: 'privilege-escalation',
    why: "code of the neighbour stage's function (runs as its role)",
    requests: [cli('lambda:UpdateFunctionCode', `${FN}:{OtherStageFunction}`)],
  },
  {
    id: 'lambda-update-function-code-other-service',
    class: 'privilege-escalation',
    why: "code of another service's function",
    requests: [cli('lambda:UpdateFunctionCode', `${FN}:{OtherServiceFunction}`)],
  },
  {
    id: 'cloudformation-create-stack-pass-exec-role',
    class: 'privilege-escalation',
    why: 'a stack run with the execution role as service role (PassRole + CreateStack)',
    requests: [
      pass('{ExecRole}', 'cloudformation.amazonaws.com'),
      cli(
        'cloudformation:CreateStack',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{Stack}/6f1e1f3c-0000-4000-8000-00000000abcd',
        { 'cloudformation:RoleArn': `${IAM}:role/{ExecRole}` },
      ),
    ],
  },
  {
    id: 'ec2-run-instances-pass-exec-role',
    class: 'privilege-escalation',
    why: 'an instance profile with the execution role',
    requests: [
      pass('{ExecRole}', 'ec2.amazonaws.com'),
      cli('ec2:RunInstances', 'arn:{Partition}:ec2:{Region}:{Account}:instance/i-0123456789abcdef0'),
    ],
  },
  {
    id: 'glue-dev-endpoint-pass-exec-role',
    class: 'privilege-escalation',
    why: 'a Glue dev endpoint running as the execution role',
    requests: [pass('{ExecRole}', 'glue.amazonaws.com'), cli('glue:CreateDevEndpoint', '*')],
  },
  {
    id: 'codebuild-project-pass-exec-role',
    class: 'privilege-escalation',
    why: 'a CodeBuild project running as the execution role',
    requests: [
      pass('{ExecRole}', 'codebuild.amazonaws.com'),
      cli('codebuild:CreateProject', 'arn:{Partition}:codebuild:{Region}:{Account}:project/x'),
    ],
  },
  {
    id: 'datapipeline-pass-exec-role',
    class: 'privilege-escalation',
    why: 'a Data Pipeline running as the execution role',
    requests: [pass('{ExecRole}', 'datapipeline.amazonaws.com'), cli('datapipeline:CreatePipeline', '*')],
  },
  {
    id: 'sagemaker-notebook-pass-exec-role',
    class: 'privilege-escalation',
    why: 'a SageMaker notebook running as the execution role',
    requests: [
      pass('{ExecRole}', 'sagemaker.amazonaws.com'),
      cli('sagemaker:CreateNotebookInstance', 'arn:{Partition}:sagemaker:{Region}:{Account}:notebook-instance/x'),
    ],
  },
  {
    id: 'ecs-run-task-pass-exec-role',
    class: 'privilege-escalation',
    why: 'an ECS task running as the execution role',
    requests: [
      pass('{ExecRole}', 'ecs-tasks.amazonaws.com'),
      cli('ecs:RunTask', 'arn:{Partition}:ecs:{Region}:{Account}:task-definition/x:1'),
    ],
  },
  {
    id: 'ssm-send-command',
    class: 'privilege-escalation',
    why: 'running a shell on an instance of the account',
    requests: [cli('ssm:SendCommand', 'arn:{Partition}:ec2:{Region}:{Account}:instance/i-0123456789abcdef0')],
  },
  {
    id: 'ssm-start-session',
    class: 'privilege-escalation',
    why: 'a shell on an instance of the account',
    requests: [cli('ssm:StartSession', 'arn:{Partition}:ec2:{Region}:{Account}:instance/i-0123456789abcdef0')],
  },

  // ------------------------------------------------------------------------------------------ code injection
  ...CR_FUNCTIONS.flatMap((f): Attack[] => [
    {
      id: `lambda-update-function-code-${f}`,
      class: 'code-injection',
      why: "own code in the framework's custom-resource function, which runs as the custom-resource role (IAM writes on role/*)",
      requests: [cli('lambda:UpdateFunctionCode', `${FN}:{${f}}`)],
    },
    {
      id: `lambda-update-function-configuration-${f}`,
      class: 'code-injection',
      why: 'a foreign layer plus AWS_LAMBDA_EXEC_WRAPPER on the custom-resource function',
      requests: [cli('lambda:UpdateFunctionConfiguration', `${FN}:{${f}}`, { 'lambda:Layer': [FOREIGN_LAYER] })],
    },
    {
      id: `lambda-invoke-${f}`,
      class: 'code-injection',
      why: 'invoking the custom-resource function with a crafted event (it acts on what the event names)',
      requests: [cli('lambda:InvokeFunction', `${FN}:{${f}}`)],
    },
    {
      id: `lambda-publish-version-alias-${f}`,
      class: 'code-injection',
      why: 'repointing an alias of the custom-resource function',
      requests: [cli('lambda:UpdateAlias', `${FN}:{${f}}:live`)],
    },
  ]),

  // ------------------------------------------------------------------------------------------ resource policies
  {
    id: 'lambda-add-permission-public-via-stack',
    class: 'resource-policy',
    deniedFor: DEV_CI,
    why: 'anyone may invoke an own function (AWS::Lambda::Permission Principal *), through the stack',
    requests: [cfn('lambda:AddPermission', `${FN}:{OwnFunction}`, { 'lambda:Principal': '*' })],
  },
  {
    id: 'lambda-add-permission-foreign-account-via-stack',
    class: 'resource-policy',
    why: 'another account may invoke an own function, through the stack',
    requests: [cfn('lambda:AddPermission', `${FN}:{OwnFunction}`, { 'lambda:Principal': '{AttackerAccount}' })],
  },
  {
    id: 'lambda-add-permission-cli',
    class: 'resource-policy',
    why: 'a function policy straight from the CLI',
    requests: [cli('lambda:AddPermission', `${FN}:{OwnFunction}`, { 'lambda:Principal': '{AttackerAccount}' })],
  },
  {
    id: 'lambda-add-layer-permission-public',
    class: 'resource-policy',
    deniedFor: DEV_CI,
    why: 'sharing an own layer with every account',
    requests: [
      cli(
        'lambda:AddLayerVersionPermission',
        'arn:{Partition}:lambda:{Region}:{Account}:layer:{Service}-{Stage}-deps:1',
      ),
    ],
  },
  // F3: a resource-policy type added to the own stack opens the service's OWN resource to another account. The
  // cloudformation:ResourceTypes key cannot refuse the type (it is the caller's optional ResourceTypes parameter:
  // test/unit/resource-types-key.test.ts), so each handler call is judged here.
  {
    id: 'sns-topic-policy-own-topic-via-stack',
    class: 'resource-policy',
    why: "AWS::SNS::TopicPolicy in the own stack grants the service's topic to another account (sns:SetTopicAttributes Policy)",
    requests: [cfn('sns:SetTopicAttributes', 'arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-events')],
  },
  {
    id: 'sqs-queue-policy-own-queue-via-stack',
    class: 'resource-policy',
    why: "AWS::SQS::QueuePolicy in the own stack lets another account read the service's queue (sqs:SetQueueAttributes Policy)",
    requests: [cfn('sqs:SetQueueAttributes', 'arn:{Partition}:sqs:{Region}:{Account}:{Service}-{Stage}-jobs')],
  },
  {
    id: 'lambda-layer-version-permission-own-layer-via-stack',
    class: 'resource-policy',
    deniedFor: DEV_CI,
    why: "AWS::Lambda::LayerVersionPermission in the own stack shares the service's layer with every account",
    requests: [
      cfn(
        'lambda:AddLayerVersionPermission',
        'arn:{Partition}:lambda:{Region}:{Account}:layer:{Service}-{Stage}-deps:1',
      ),
    ],
  },
  {
    id: 'events-event-bus-policy-own-bus-via-stack',
    class: 'resource-policy',
    why: "AWS::Events::EventBusPolicy in the own stack lets another account put events on the service's bus",
    requests: [cfn('events:PutPermission', '*')],
  },
  {
    id: 'cloudformation-nested-stack-via-stack',
    class: 'via-stack',
    deniedFor: DEV_CI,
    why: "AWS::CloudFormation::Stack in the own stack: a nested stack of any template, created with the caller's credentials (admin's own stack may hold any type already; CreateStack is admin's and names the own stack only)",
    requests: [
      cfn(
        'cloudformation:CreateStack',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{Stack}-Nested-1A2B3C4D5E6F7/11111111-2222-3333-4444-555555555555',
        { 'cloudformation:TemplateUrl': 'https://s3.amazonaws.com/{Bucket}/nested.json' },
      ),
    ],
  },
  {
    id: 'sns-set-topic-attributes-other-service-topic',
    class: 'resource-policy',
    why: "rewriting another service's topic policy (AWS::SNS::TopicPolicy in the own stack)",
    requests: [
      cfn(
        'sns:SetTopicAttributes',
        'arn:{Partition}:sns:{Region}:{Account}:{OtherService}-{Stage}-events',
        OTHER_SERVICE_TAG,
      ),
    ],
  },
  {
    id: 'sns-set-topic-attributes-foreign-topic',
    class: 'resource-policy',
    why: "rewriting the policy of a topic no service stack owns (the security team's alerts)",
    requests: [cfn('sns:SetTopicAttributes', 'arn:{Partition}:sns:{Region}:{Account}:security-alerts')],
  },
  {
    id: 'sqs-set-queue-attributes-other-service-queue',
    class: 'resource-policy',
    why: "rewriting another service's queue policy (AWS::SQS::QueuePolicy in the own stack)",
    requests: [
      cfn(
        'sqs:SetQueueAttributes',
        'arn:{Partition}:sqs:{Region}:{Account}:{OtherService}-{Stage}-jobs',
        OTHER_SERVICE_TAG,
      ),
    ],
  },
  {
    id: 's3-put-bucket-policy-other-stage-deployment-bucket',
    class: 'resource-policy',
    why: "a bucket policy on the neighbour stage's deployment bucket (AWS::S3::BucketPolicy in the own stack)",
    requests: [cfn('s3:PutBucketPolicy', 'arn:{Partition}:s3:::{OtherStageBucket}')],
  },
  {
    id: 's3-put-bucket-policy-foreign-bucket',
    class: 'resource-policy',
    why: 'a bucket policy on any bucket of the account',
    requests: [cfn('s3:PutBucketPolicy', 'arn:{Partition}:s3:::acme-finance-exports')],
  },
  {
    id: 's3-put-bucket-policy-own-deployment-bucket',
    class: 'resource-policy',
    deniedFor: DEV_CI,
    why: 'opening the deployment bucket through the stack (admin sets its TLS-only policy)',
    requests: [cfn('s3:PutBucketPolicy', 'arn:{Partition}:s3:::{Bucket}')],
  },
  {
    id: 's3-delete-public-access-block-foreign-bucket',
    class: 'resource-policy',
    why: 'lifting the public access block of any bucket of the account',
    requests: [cfn('s3:PutBucketPublicAccessBlock', 'arn:{Partition}:s3:::acme-finance-exports')],
  },
  {
    id: 'events-put-permission-default-bus',
    class: 'resource-policy',
    why: 'letting another account put events on the default bus',
    requests: [cfn('events:PutPermission', '*')],
  },
  {
    id: 'events-put-targets-foreign-account-bus',
    class: 'resource-policy',
    why: "forwarding the default bus (CloudTrail events included) to another account's bus",
    requests: [
      cfn('events:PutTargets', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-api-rule-1', {
        'events:TargetArn': ['arn:{Partition}:events:{Region}:{AttackerAccount}:event-bus/default'],
      }),
    ],
  },
  {
    id: 'events-put-targets-other-service-function',
    class: 'resource-policy',
    why: "an own rule invoking another service's function",
    requests: [
      cfn('events:PutTargets', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-api-rule-1', {
        'events:TargetArn': [`${FN}:{OtherServiceFunction}`],
      }),
    ],
  },
  {
    id: 'sns-subscribe-own-topic-https-endpoint',
    class: 'resource-policy',
    why: "copying a topic's messages to an outside https endpoint",
    requests: [
      cfn('sns:Subscribe', 'arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-events', {
        'sns:Protocol': 'https',
        'sns:Endpoint': 'https://attacker.example.com/hook',
      }),
    ],
  },
  {
    id: 'sns-subscribe-foreign-queue',
    class: 'resource-policy',
    why: "copying a topic's messages to another account's queue",
    requests: [
      cfn('sns:Subscribe', 'arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-events', {
        'sns:Protocol': 'sqs',
        'sns:Endpoint': 'arn:{Partition}:sqs:{Region}:{AttackerAccount}:loot',
      }),
    ],
  },
  {
    id: 'sns-subscribe-other-service-topic',
    class: 'resource-policy',
    why: "subscribing an own function to another service's topic",
    requests: [
      cfn('sns:Subscribe', 'arn:{Partition}:sns:{Region}:{Account}:{OtherService}-{Stage}-events', {
        ...OTHER_SERVICE_TAG,
        'sns:Protocol': 'lambda',
        'sns:Endpoint': `${FN}:{OwnFunction}`,
      }),
    ],
  },

  // ------------------------------------------------------------------------------------------ foreign resources
  {
    id: 'apigateway-put-method-other-stage-api',
    class: 'foreign-resource',
    why: "an unauthenticated method on the neighbour stage's REST API (its Lambda permissions allow <api>/*/*)",
    requests: [
      cfn('apigateway:PUT', `${API}/restapis/{OtherStageApiId}/resources/abc123/methods/GET`, OTHER_STAGE_TAG),
    ],
  },
  {
    id: 'apigateway-post-resource-other-service-api',
    class: 'foreign-resource',
    why: "a new resource path on another service's REST API",
    requests: [cfn('apigateway:POST', `${API}/restapis/{OtherServiceApiId}/resources/abc123`, OTHER_SERVICE_TAG)],
  },
  {
    id: 'apigateway-post-deployment-other-stage-api',
    class: 'foreign-resource',
    why: "deploying the neighbour stage's REST API",
    requests: [cfn('apigateway:POST', `${API}/restapis/{OtherStageApiId}/deployments`, OTHER_STAGE_TAG)],
  },
  {
    id: 'apigateway-delete-other-stage-api',
    class: 'foreign-resource',
    why: "deleting the neighbour stage's REST API",
    requests: [cfn('apigateway:DELETE', `${API}/restapis/{OtherStageApiId}`, OTHER_STAGE_TAG)],
  },
  {
    id: 'apigateway-patch-other-stage-api-policy',
    class: 'foreign-resource',
    why: "rewriting the neighbour stage's REST API policy",
    requests: [cfn('apigateway:PATCH', `${API}/restapis/{OtherStageApiId}`, OTHER_STAGE_TAG)],
  },
  {
    id: 'apigateway-patch-other-stage-stage-cli',
    class: 'foreign-resource',
    why: "PATCH of the neighbour stage's API stage (throttling 0, stage variables, access-log destination)",
    requests: [cli('apigateway:PATCH', `${API}/restapis/{OtherStageApiId}/stages/{OtherStage}`, OTHER_STAGE_TAG)],
  },
  {
    id: 'apigateway-patch-other-service-stage-cli',
    class: 'foreign-resource',
    why: "PATCH of another service's API stage",
    requests: [cli('apigateway:PATCH', `${API}/restapis/{OtherServiceApiId}/stages/{Stage}`, OTHER_SERVICE_TAG)],
  },
  {
    id: 'apigateway-untag-other-stage-stage-cli',
    class: 'foreign-resource',
    why: "removing the tags that scope the neighbour stage's API stage",
    requests: [
      cli(
        'apigateway:DELETE',
        `${API}/tags/arn%3Aaws%3Aapigateway%3A{Region}%3A%3A%2Frestapis%2F{OtherStageApiId}%2Fstages%2F{OtherStage}`,
        OTHER_STAGE_TAG,
      ),
    ],
  },
  {
    id: 'apigateway-get-apikeys',
    class: 'foreign-resource',
    why: 'GET /apikeys?includeValues=true: every API key value of the region in one call',
    requests: [cli('apigateway:GET', `${API}/apikeys`)],
  },
  {
    id: 'apigateway-get-other-service-apikey',
    class: 'foreign-resource',
    why: "reading another service's API key value",
    requests: [cli('apigateway:GET', `${API}/apikeys/k3y0th3r`, OTHER_SERVICE_TAG)],
  },
  {
    id: 'apigateway-get-other-service-usage-plan-keys',
    class: 'foreign-resource',
    why: "reading another service's API key values through its usage plan (GET /usageplans/<id>/keys returns each value)",
    requests: [
      cli('apigateway:GET', `${API}/usageplans/pl4n0th3r/keys`, OTHER_SERVICE_TAG),
      cli('apigateway:GET', `${API}/usageplans/pl4n0th3r/keys/k3y0th3r`, OTHER_SERVICE_TAG),
    ],
  },
  {
    id: 'apigateway-patch-other-service-usage-plan',
    class: 'foreign-resource',
    why: "changing another service's usage plan (quota, throttle, keys)",
    requests: [cli('apigateway:PATCH', `${API}/usageplans/pl4n0th3r`, OTHER_SERVICE_TAG)],
  },
  {
    id: 'apigateway-patch-other-stage-http-api-route',
    class: 'foreign-resource',
    why: "a route without authorizer on the neighbour stage's HTTP API",
    requests: [cfn('apigateway:PATCH', `${API}/apis/{OtherStageApiId}/routes/r0ut3`, OTHER_STAGE_TAG)],
  },
  {
    id: 'apigateway-delete-other-service-http-api',
    class: 'foreign-resource',
    why: "deleting another service's HTTP API",
    requests: [cfn('apigateway:DELETE', `${API}/apis/{OtherServiceApiId}`, OTHER_SERVICE_TAG)],
  },
  {
    id: 'apigateway-add-route-other-service-websocket-api',
    class: 'foreign-resource',
    why: "a new unauthenticated route (and its integration) on another service's WebSocket API",
    requests: [
      cfn('apigateway:POST', `${API}/apis/{OtherServiceApiId}/routes`, OTHER_SERVICE_TAG),
      cfn('apigateway:POST', `${API}/apis/{OtherServiceApiId}/integrations`, OTHER_SERVICE_TAG),
    ],
  },
  {
    id: 'apigateway-patch-other-stage-http-api-stage-access-log',
    class: 'foreign-resource',
    why: "redirecting the neighbour stage's HTTP API access log (or throttling it to 0) through the own stack",
    requests: [cfn('apigateway:PATCH', `${API}/apis/{OtherStageApiId}/stages/{OtherStage}`, OTHER_STAGE_TAG)],
  },
  {
    id: 'apigateway-patch-other-stage-http-api-route-untagged',
    class: 'foreign-resource',
    why: 'the same route change where AWS leaves the API tag out of a V2 child request (inheritance documented for V1 only)',
    requests: [cfn('apigateway:PATCH', `${API}/apis/{OtherStageApiId}/routes/r0ut3`)],
  },
  {
    id: 'apigateway-patch-untagged-http-api',
    class: 'foreign-resource',
    why: 'an HTTP API made outside CloudFormation (no stack tag): CORS, endpoint, routes by reimport',
    requests: [cfn('apigateway:PATCH', `${API}/apis/{OtherServiceApiId}`)],
  },
  // ------------------------------------------------- API Gateway access logs and reads (N9, N10 of the red team)
  {
    id: 'apigateway-stage-access-log-into-foreign-log-group',
    class: 'foreign-resource',
    why: "the own REST stage's access log destination set to CloudTrail's log group: API Gateway writes forged lines as the account's CloudWatch role",
    requests: [
      cli('apigateway:PATCH', `${API}/restapis/{OwnApiId}/stages/{ApiStage}`, {
        'aws:ResourceTag/aws:cloudformation:stack-name': '{Stack}',
        'apigateway:Request/AccessLoggingDestination':
          'arn:{Partition}:logs:{Region}:{Account}:log-group:aws-cloudtrail-logs-{Account}-a1b2c3d4',
      }),
    ],
  },
  {
    id: 'apigateway-stage-access-log-into-other-service-log-group-via-stack',
    class: 'foreign-resource',
    why: "a REST stage of the own API made through the stack, logging into another service's function log group",
    requests: [
      cfn('apigateway:POST', `${API}/restapis/{OwnApiId}/stages`, {
        'aws:ResourceTag/aws:cloudformation:stack-name': '{Stack}',
        'apigateway:Request/AccessLoggingDestination':
          'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{OtherServiceFunction}',
      }),
    ],
  },
  {
    id: 'apigateway-stage-access-log-into-other-stage-rest-log-group',
    class: 'foreign-resource',
    why: "the own REST stage logging into the sibling stage's access log group (its metric filters and subscribers act on the lines)",
    requests: [
      cli('apigateway:PATCH', `${API}/restapis/{OwnApiId}/stages/{ApiStage}`, {
        'aws:ResourceTag/aws:cloudformation:stack-name': '{Stack}',
        'apigateway:Request/AccessLoggingDestination':
          'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/api-gateway/{Service}-{OtherStage}',
      }),
    ],
  },
  {
    id: 'apigateway-http-stage-access-log-into-other-service-log-group',
    class: 'foreign-resource',
    why: "the own HTTP API stage, through the stack, logging into another service's HTTP API access log group",
    requests: [
      cfn('apigateway:PATCH', `${API}/apis/{OwnApiId}/stages/$default`, {
        'aws:ResourceTag/aws:cloudformation:stack-name': '{Stack}',
        'apigateway:Request/AccessLoggingDestination':
          'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/http-api/{OtherServiceStack}:*',
      }),
    ],
  },
  {
    id: 'apigateway-websocket-stage-access-log-into-foreign-log-group-untagged',
    class: 'foreign-resource',
    why: 'a WebSocket stage created through the stack (no tag on the request) logging into a security log group',
    requests: [
      cfn('apigateway:POST', `${API}/apis/{OwnApiId}/stages`, {
        'apigateway:Request/AccessLoggingDestination':
          'arn:{Partition}:logs:{Region}:{Account}:log-group:/security/audit',
      }),
    ],
  },
  {
    id: 'apigateway-own-integration-through-foreign-vpc-link',
    class: 'foreign-resource',
    why: "another service's VPC link id read off its integration, then used by the own method: its private backend exposed",
    requests: [
      cli(
        'apigateway:GET',
        `${API}/restapis/{OtherServiceApiId}/resources/abc123/methods/GET/integration`,
        OTHER_SERVICE_TAG,
      ),
      cfn('apigateway:PUT', `${API}/restapis/{OwnApiId}/resources/abc123/methods/GET/integration`, {
        'aws:ResourceTag/aws:cloudformation:stack-name': '{Stack}',
      }),
    ],
  },
  {
    id: 'apigateway-get-other-stage-rest-stage',
    class: 'foreign-resource',
    why: "reading the sibling stage's REST stage (its stage variables: backend hosts, keys put there)",
    requests: [cli('apigateway:GET', `${API}/restapis/{OtherStageApiId}/stages/{OtherStage}`, OTHER_STAGE_TAG)],
  },
  {
    id: 'apigateway-get-other-service-rest-authorizer',
    class: 'foreign-resource',
    why: "reading another service's REST authorizers (their functions, identity sources) to find a way around them",
    requests: [cli('apigateway:GET', `${API}/restapis/{OtherServiceApiId}/authorizers`, OTHER_SERVICE_TAG)],
  },
  {
    id: 'apigateway-get-other-service-http-integration',
    class: 'foreign-resource',
    why: "reading another service's HTTP API integration: its VPC link (ConnectionId) and private backend URI",
    requests: [cli('apigateway:GET', `${API}/apis/{OtherServiceApiId}/integrations/abc1234`, OTHER_SERVICE_TAG)],
  },
  {
    id: 'iot-replace-other-service-topic-rule',
    class: 'foreign-resource',
    why: "rewriting another service's IoT topic rule (its SQL and actions) through the own stack",
    requests: [
      cfn(
        'iot:ReplaceTopicRule',
        'arn:{Partition}:iot:{Region}:{Account}:rule/OtherServiceRule_ABC123',
        OTHER_SERVICE_TAG,
      ),
    ],
  },
  {
    id: 'iot-delete-other-stage-provisioning-template',
    class: 'foreign-resource',
    why: "deleting the neighbour stage's fleet provisioning template through the own stack",
    requests: [
      cfn(
        'iot:DeleteProvisioningTemplate',
        'arn:{Partition}:iot:{Region}:{Account}:provisioningtemplate/{OtherStageStack}-tmpl',
        OTHER_STAGE_TAG,
      ),
    ],
  },
  {
    id: 'iot-replace-untagged-topic-rule',
    class: 'foreign-resource',
    why: 'rewriting an IoT topic rule made outside CloudFormation (no stack tag) through the own stack',
    requests: [cfn('iot:ReplaceTopicRule', 'arn:{Partition}:iot:{Region}:{Account}:rule/ConsoleMadeRule')],
  },
  {
    id: 'elbv2-own-rule-captures-shared-listener-traffic',
    class: 'foreign-resource',
    deniedFor: DEV_CI,
    why: "the own rule of a shared listener (AlbListenerArns) modified to match another service's host or path: its requests reach own code (no IAM key covers rule conditions)",
    requests: [
      cfn(
        'elasticloadbalancing:ModifyRule',
        'arn:{Partition}:elasticloadbalancing:{Region}:{Account}:listener-rule/app/acme-shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9999999999999999',
        { 'aws:ResourceTag/aws:cloudformation:stack-name': '{Stack}' },
      ),
    ],
  },
  {
    id: 'xray-read-other-service-traces',
    class: 'foreign-resource',
    requires: ['submodule:Xray'],
    why: "X-Ray trace reads accept no resource or key: every service's traces of the account (URLs, SQL, annotations)",
    requests: [cli('xray:GetTraceSummaries', '*'), cli('xray:BatchGetTraces', '*')],
  },
  {
    id: 'lambda-permission-sourceless-service-principal-via-stack',
    class: 'resource-policy',
    why: "a permission for apigateway.amazonaws.com without SourceArn/SourceAccount: any account's API may invoke the own function (no IAM key for the source)",
    requests: [cfn('lambda:AddPermission', `${FN}:{OwnFunction}`, { 'lambda:Principal': 'apigateway.amazonaws.com' })],
  },
  {
    id: 'logs-put-subscription-filter-cloudtrail',
    class: 'foreign-resource',
    why: "streaming CloudTrail's log group to an own function",
    requests: [
      cfn(
        'logs:PutSubscriptionFilter',
        'arn:{Partition}:logs:{Region}:{Account}:log-group:aws-cloudtrail-logs-{Account}-a1b2c3d4',
      ),
    ],
  },
  {
    id: 'logs-delete-subscription-filter-siem-cli',
    class: 'foreign-resource',
    why: "removing the SIEM's subscription filter from a security log group",
    requests: [
      cli(
        'logs:DeleteSubscriptionFilter',
        'arn:{Partition}:logs:{Region}:{Account}:log-group:aws-cloudtrail-logs-{Account}-a1b2c3d4',
      ),
    ],
  },
  {
    id: 'logs-delete-other-stage-log-group',
    class: 'foreign-resource',
    why: "deleting the neighbour stage's function logs",
    requests: [
      cfn('logs:DeleteLogGroup', 'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{OtherStageFunction}'),
    ],
  },
  {
    id: 'logs-put-retention-other-service-log-group',
    class: 'foreign-resource',
    why: "one-day retention on another service's logs",
    requests: [
      cfn(
        'logs:PutRetentionPolicy',
        'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{OtherServiceFunction}',
      ),
    ],
  },
  {
    id: 'logs-read-other-stage-logs',
    class: 'foreign-resource',
    why: "reading the neighbour stage's logs",
    requests: [
      cli('logs:FilterLogEvents', 'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{OtherStageFunction}'),
    ],
  },
  {
    id: 's3-put-bucket-notification-other-stage-deployment-bucket',
    class: 'foreign-resource',
    why: "notifications on the neighbour stage's deployment bucket (its templates and code) to an own function",
    requests: [cfn('s3:PutBucketNotification', 'arn:{Partition}:s3:::{OtherStageBucket}')],
  },
  {
    id: 's3-put-bucket-notification-foreign-bucket',
    class: 'foreign-resource',
    why: 'notifications on any bucket of the account (object keys leak, own code runs on each upload)',
    requests: [cfn('s3:PutBucketNotification', 'arn:{Partition}:s3:::acme-finance-exports')],
  },
  {
    id: 's3-delete-other-stage-deployment-bucket',
    class: 'foreign-resource',
    why: "deleting the neighbour stage's deployment bucket",
    requests: [cfn('s3:DeleteBucket', 'arn:{Partition}:s3:::{OtherStageBucket}')],
  },
  {
    id: 's3-put-lifecycle-foreign-bucket',
    class: 'foreign-resource',
    why: 'a one-day expiry on any bucket of the account',
    requests: [cfn('s3:PutLifecycleConfiguration', 'arn:{Partition}:s3:::acme-finance-exports')],
  },
  {
    id: 's3-put-other-stage-artifact',
    class: 'foreign-resource',
    why: "replacing the neighbour stage's template or code artifact",
    requests: [
      cli(
        's3:PutObject',
        'arn:{Partition}:s3:::{OtherStageBucket}/{Prefix}/{Service}/{OtherStage}/1795526522406-2026-11-24T13:22:02.406Z/compiled-cloudformation-template.json',
      ),
    ],
  },
  {
    id: 's3-get-other-service-artifact',
    class: 'foreign-resource',
    why: "reading another service's code",
    requests: [
      cli(
        's3:GetObject',
        'arn:{Partition}:s3:::{OtherServiceBucket}/{Prefix}/{OtherService}/{Stage}/1795526522406-2026-11-24T13:22:02.406Z/{OtherService}.zip',
      ),
    ],
  },
  {
    id: 'lambda-get-layer-version-other-service',
    class: 'foreign-resource',
    why: "reading another service's layer code",
    requests: [
      cli('lambda:GetLayerVersion', 'arn:{Partition}:lambda:{Region}:{Account}:layer:{OtherService}-{Stage}-deps:1'),
    ],
  },
  {
    id: 'lambda-publish-layer-other-stage',
    class: 'foreign-resource',
    why: "a new version of the neighbour stage's layer",
    requests: [
      cli('lambda:PublishLayerVersion', 'arn:{Partition}:lambda:{Region}:{Account}:layer:{Service}-{OtherStage}-deps'),
    ],
  },
  {
    id: 'lambda-update-function-code-other-region',
    class: 'foreign-resource',
    why: 'a function of the same name in another region (the service lives in one region; IamRegion defaults to *)',
    requests: [
      cli('lambda:UpdateFunctionCode', 'arn:{Partition}:lambda:{OtherRegion}:{Account}:function:{OwnFunction}', {
        'aws:RequestedRegion': '{OtherRegion}',
      }),
    ],
  },
  {
    id: 'lambda-invoke-other-stage-function',
    class: 'foreign-resource',
    why: "invoking the neighbour stage's function",
    requests: [cli('lambda:InvokeFunction', `${FN}:{OtherStageFunction}`)],
  },
  {
    id: 'lambda-update-configuration-other-service',
    class: 'foreign-resource',
    why: "another service's function configuration (environment, layers)",
    requests: [cli('lambda:UpdateFunctionConfiguration', `${FN}:{OtherServiceFunction}`)],
  },
  {
    id: 'lambda-event-source-mapping-other-service',
    class: 'foreign-resource',
    why: "repointing an event source mapping to another service's function",
    requests: [
      cfn(
        'lambda:UpdateEventSourceMapping',
        'arn:{Partition}:lambda:{Region}:{Account}:event-source-mapping:0b5e1c2a-1111-4222-8333-444444444444',
        { 'lambda:FunctionArn': `${FN}:{OtherServiceFunction}` },
      ),
    ],
  },
  {
    id: 'ssm-overwrite-v4-bucket-parameter',
    class: 'foreign-resource',
    why: 'redirecting every v4 service of the region to an own bucket (/serverless-framework/deployment/s3-bucket)',
    requests: [
      cli(
        'ssm:PutParameter',
        'arn:{Partition}:ssm:{Region}:{Account}:parameter/serverless-framework/deployment/s3-bucket',
        { 'ssm:Overwrite': 'true' },
      ),
    ],
  },
  {
    id: 'ssm-read-other-stage-parameter',
    class: 'foreign-resource',
    why: "reading the neighbour stage's parameters",
    requests: [
      cli('ssm:GetParameter', 'arn:{Partition}:ssm:{Region}:{Account}:parameter/{Service}/{OtherStage}/db-password'),
    ],
  },
  {
    id: 'cloudformation-update-other-stage-stack',
    class: 'foreign-resource',
    why: "updating the neighbour stage's stack",
    requests: [
      cli(
        'cloudformation:UpdateStack',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{OtherStageStack}/6f1e1f3c-0000-4000-8000-00000000abcd',
      ),
    ],
  },
  {
    id: 'cloudformation-delete-other-service-stack',
    class: 'foreign-resource',
    why: "deleting another service's stack",
    requests: [
      cli(
        'cloudformation:DeleteStack',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{OtherServiceStack}/6f1e1f3c-0000-4000-8000-00000000abcd',
      ),
    ],
  },
  {
    id: 'cloudformation-update-access-stack',
    class: 'foreign-resource',
    why: 'rewriting the groups themselves (the Access stack)',
    requests: [
      cli(
        'cloudformation:UpdateStack',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{AccessStack}/6f1e1f3c-0000-4000-8000-00000000abcd',
      ),
    ],
  },
  {
    id: 'dynamodb-update-other-stage-table',
    class: 'foreign-resource',
    why: "the neighbour stage's table settings (stream, TTL, backups)",
    requests: [
      cfn('dynamodb:UpdateTable', 'arn:{Partition}:dynamodb:{Region}:{Account}:table/{Service}-{OtherStage}-records'),
    ],
  },
  {
    id: 'events-put-rule-other-stage',
    class: 'foreign-resource',
    why: "rewriting the neighbour stage's rule",
    requests: [
      cfn(
        'events:PutRule',
        'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{OtherStage}-api-rule-1',
        OTHER_STAGE_TAG,
      ),
    ],
  },
  {
    id: 'events-put-targets-other-stage-schedule-rule',
    class: 'foreign-resource',
    why: "retargeting the neighbour stage's schedule rule (named by CloudFormation after its stack)",
    requests: [
      cfn('events:PutTargets', 'arn:{Partition}:events:{Region}:{Account}:rule/{OtherStageScheduleRule}', {
        ...OTHER_STAGE_TAG,
        'events:TargetArn': [`${FN}:{OwnFunction}`],
      }),
    ],
  },
  {
    id: 'events-put-rule-other-service-bus',
    class: 'foreign-resource',
    why: "a rule named like the service on another service's custom bus (reads its events)",
    requests: [
      cfn(
        'events:PutRule',
        'arn:{Partition}:events:{Region}:{Account}:rule/{OtherService}-bus/{Service}-{Stage}-api-rule-1',
      ),
    ],
  },
  {
    id: 'events-delete-other-service-bus',
    class: 'foreign-resource',
    why: "deleting another service's event bus",
    requests: [
      cfn(
        'events:DeleteEventBus',
        'arn:{Partition}:events:{Region}:{Account}:event-bus/{OtherService}-bus',
        OTHER_SERVICE_TAG,
      ),
    ],
  },
  {
    id: 'sqs-delete-other-service-queue',
    class: 'foreign-resource',
    why: "deleting another service's queue",
    requests: [
      cfn('sqs:DeleteQueue', 'arn:{Partition}:sqs:{Region}:{Account}:{OtherService}-{Stage}-jobs', OTHER_SERVICE_TAG),
    ],
  },
  {
    id: 'sqs-delete-other-stage-generated-queue',
    class: 'foreign-resource',
    why: "deleting the neighbour stage's unnamed queue (CloudFormation names it <stack>-<LogicalId>-<suffix>)",
    requests: [
      cfn(
        'sqs:DeleteQueue',
        'arn:{Partition}:sqs:{Region}:{Account}:{OtherStageStack}-JobsQueue-1A2B3C4D5E6F',
        OTHER_STAGE_TAG,
      ),
    ],
  },
  {
    id: 'sqs-set-attributes-other-service-queue',
    class: 'resource-policy',
    why: "opening another service's queue to every account (Policy attribute) through the own stack",
    requests: [
      cfn(
        'sqs:SetQueueAttributes',
        'arn:{Partition}:sqs:{Region}:{Account}:{OtherService}-{Stage}-jobs',
        OTHER_SERVICE_TAG,
      ),
    ],
  },
  {
    id: 'sns-delete-other-service-topic',
    class: 'foreign-resource',
    why: "deleting another service's topic",
    requests: [
      cfn('sns:DeleteTopic', 'arn:{Partition}:sns:{Region}:{Account}:{OtherService}-{Stage}-events', OTHER_SERVICE_TAG),
    ],
  },
  {
    id: 'kinesis-register-consumer-other-service-stream',
    class: 'foreign-resource',
    why: "an enhanced fan-out consumer on another service's stream (reads it all)",
    requests: [
      cfn(
        'kinesis:RegisterStreamConsumer',
        'arn:{Partition}:kinesis:{Region}:{Account}:stream/{OtherService}-{Stage}-clicks',
      ),
    ],
  },
  {
    id: 'kinesis-deregister-other-stage-stream-consumer',
    class: 'foreign-resource',
    why: "removing the neighbour stage's enhanced fan-out consumer (its functions stop receiving records)",
    requests: [
      cfn(
        'kinesis:DeregisterStreamConsumer',
        'arn:{Partition}:kinesis:{Region}:{Account}:stream/{Service}-{OtherStage}-clicks/consumer/workerclicksConsumer:1700000000',
      ),
    ],
  },
  {
    id: 'scheduler-update-other-stage-schedule',
    class: 'foreign-resource',
    why: "repointing the neighbour stage's schedule",
    requests: [
      cfn(
        'scheduler:UpdateSchedule',
        'arn:{Partition}:scheduler:{Region}:{Account}:schedule/default/{OtherStageStack}-NightlySchedule-Q7R8S9T0U1V2',
      ),
    ],
  },

  // ------------------------------------------------------------------------------------------ role passing
  {
    id: 'iam-pass-custom-resource-role-cli',
    class: 'role-passing',
    why: 'an own function run as the custom-resource role',
    requests: [pass('{CrRole}', 'lambda.amazonaws.com')],
  },
  {
    id: 'iam-pass-custom-resource-role-via-stack',
    class: 'role-passing',
    deniedFor: DEV_CI,
    why: 'an own function given role: IamRoleCustomResourcesLambdaExecution in a stack update',
    requests: [pass('{CrRole}', 'lambda.amazonaws.com', 'cloudformation')],
  },
  {
    id: 'iam-pass-other-stage-custom-resource-role-via-stack',
    class: 'role-passing',
    why: "an own function run as the neighbour stage's custom-resource role",
    requests: [pass('{OtherStageCrRole}', 'lambda.amazonaws.com', 'cloudformation')],
  },
  {
    id: 'iam-pass-service-named-role-via-stack',
    class: 'role-passing',
    deniedFor: DEV_CI,
    why: 'an own function run as a role of the own stack that is not an execution role',
    requests: [pass('{Service}-{Stage}-Admin', 'lambda.amazonaws.com', 'cloudformation')],
  },
  {
    id: 'iam-pass-admin-role-via-stack',
    class: 'role-passing',
    why: 'an own function run as an administrator role',
    requests: [pass('Admin', 'lambda.amazonaws.com', 'cloudformation')],
  },
  {
    id: 'iam-pass-other-stage-exec-role',
    class: 'role-passing',
    why: "an own function run as the neighbour stage's execution role",
    requests: [pass('{OtherStageExecRole}', 'lambda.amazonaws.com')],
  },
  {
    id: 'iam-pass-other-service-exec-role-via-stack',
    class: 'role-passing',
    why: "an own function run as another service's execution role",
    requests: [pass('{OtherServiceExecRole}', 'lambda.amazonaws.com', 'cloudformation')],
  },
  ...[
    'ec2.amazonaws.com',
    'cloudformation.amazonaws.com',
    'states.amazonaws.com',
    'codebuild.amazonaws.com',
    'glue.amazonaws.com',
    'ecs-tasks.amazonaws.com',
    'sagemaker.amazonaws.com',
    'datapipeline.amazonaws.com',
  ].flatMap((svc): Attack[] => [
    {
      id: `iam-pass-exec-role-to-${svc.split('.')[0]}`,
      class: 'role-passing',
      why: `the execution role handed to ${svc}, which runs arbitrary code with it`,
      requests: [pass('{ExecRole}', svc)],
    },
    {
      id: `iam-pass-macro-role-to-${svc.split('.')[0]}-via-stack`,
      class: 'role-passing',
      why: `the macro's execution role handed to ${svc} through the stack`,
      requests: [pass('{MacroRole}', svc, 'cloudformation')],
    },
  ]),

  // ------------------------------------------------------------------------------------------ boundary removal
  {
    id: 'iam-delete-role-permissions-boundary-exec-role',
    class: 'boundary-removal',
    why: "lifting the execution role's boundary through the stack",
    requests: [
      cfn('iam:DeleteRolePermissionsBoundary', `${IAM}:role/{ExecRole}`, { 'iam:PermissionsBoundary': '{Boundary}' }),
    ],
  },
  {
    id: 'iam-put-role-permissions-boundary-admin-access',
    class: 'boundary-removal',
    why: "AdministratorAccess as the execution role's boundary",
    requests: [
      cfn('iam:PutRolePermissionsBoundary', `${IAM}:role/{ExecRole}`, { 'iam:PermissionsBoundary': ADMIN_POLICY }),
    ],
  },
  {
    id: 'iam-create-role-without-boundary',
    class: 'boundary-removal',
    why: 'a role named like the service, without boundary, through the stack (then AdministratorAccess on it)',
    requests: [
      cfn('iam:CreateRole', `${IAM}:role/{Service}-{Stage}-escalate`),
      cfn('iam:AttachRolePolicy', `${IAM}:role/{Service}-{Stage}-escalate`, { 'iam:PolicyARN': ADMIN_POLICY }),
    ],
  },
  {
    id: 'iam-create-role-admin-boundary',
    class: 'boundary-removal',
    why: 'a role named like the service with AdministratorAccess as its boundary',
    requests: [
      cfn('iam:CreateRole', `${IAM}:role/{Service}-{Stage}-escalate`, { 'iam:PermissionsBoundary': ADMIN_POLICY }),
    ],
  },
  {
    id: 'iam-put-role-policy-exec-role-unbounded',
    class: 'boundary-removal',
    why: 'an inline *:* policy on an execution role that carries no boundary, through the stack',
    requests: [cfn('iam:PutRolePolicy', `${IAM}:role/{ExecRole}`)],
  },
  {
    id: 'iam-attach-admin-policy-exec-role-unbounded',
    class: 'boundary-removal',
    why: 'AdministratorAccess on an execution role that carries no boundary, through the stack',
    requests: [cfn('iam:AttachRolePolicy', `${IAM}:role/{ExecRole}`, { 'iam:PolicyARN': ADMIN_POLICY })],
  },
  {
    id: 'iam-update-assume-role-policy-exec-role-unbounded',
    class: 'boundary-removal',
    why: 'trusting an outside account on an unbounded execution role, through the stack',
    requests: [cfn('iam:UpdateAssumeRolePolicy', `${IAM}:role/{ExecRole}`)],
  },
  {
    id: 'iam-put-role-policy-custom-resource-role-unbounded',
    class: 'boundary-removal',
    why: 'an inline *:* policy on the custom-resource role, through the stack',
    requests: [cfn('iam:PutRolePolicy', `${IAM}:role/{CrRole}`)],
  },
  {
    id: 'iam-create-role-exec-role-other-boundary',
    class: 'boundary-removal',
    why: 'recreating the execution role with a weaker boundary',
    requests: [
      cfn('iam:CreateRole', `${IAM}:role/{ExecRole}`, {
        'iam:PermissionsBoundary': 'arn:{Partition}:iam::{Account}:policy/another-boundary',
      }),
    ],
  },

  // ------------------------------------------------------------------------------------------ service-role reuse
  {
    id: 'cloudformation-update-stack-foreign-role',
    class: 'service-role-reuse',
    why: 'an own stack update run with an administrator role as service role',
    requests: [
      cli(
        'cloudformation:UpdateStack',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{Stack}/6f1e1f3c-0000-4000-8000-00000000abcd',
        { 'cloudformation:RoleArn': `${IAM}:role/Admin` },
      ),
    ],
  },
  {
    id: 'cloudformation-create-change-set-other-service-role',
    class: 'service-role-reuse',
    why: "an own change set run with another service's deployment role",
    requests: [
      cli(
        'cloudformation:CreateChangeSet',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{Stack}/6f1e1f3c-0000-4000-8000-00000000abcd',
        {
          'cloudformation:RoleArn': `${IAM}:role/{OtherServiceStack}-deployment`,
          'cloudformation:ChangeSetName': '{Stack}-change-set',
          'cloudformation:TemplateUrl':
            'https://s3.amazonaws.com/{Bucket}/{Prefix}/{Service}/{Stage}/1795526522406-2026-11-24T13:22:02.406Z/compiled-cloudformation-template.json',
        },
      ),
    ],
  },
  {
    id: 'cloudformation-update-stack-without-role',
    class: 'service-role-reuse',
    requires: ['deployment-role'],
    why: 'an own stack update without RoleArn: CloudFormation reuses the role the stack remembers',
    requests: [
      cli(
        'cloudformation:UpdateStack',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{Stack}/6f1e1f3c-0000-4000-8000-00000000abcd',
      ),
    ],
  },

  // Deployment-role mode built by the macro (issue 11): the roles CloudFormation acts with.
  {
    id: 'cloudformation-update-stack-admin-deployment-role',
    class: 'service-role-reuse',
    deniedFor: DEV_CI,
    requires: ['macro-admin-deployment-role'],
    why: "a developer riding on admin's lifecycle role (create/delete functions, roles) for an own stack update",
    requests: [
      cli(
        'cloudformation:UpdateStack',
        'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{Stack}/6f1e1f3c-0000-4000-8000-00000000abcd',
        { 'cloudformation:RoleArn': `${IAM}:role/{AdminDeploymentRole}` },
      ),
    ],
  },
  {
    id: 'iam-pass-admin-deployment-role',
    class: 'service-role-reuse',
    deniedFor: DEV_CI,
    requires: ['macro-admin-deployment-role'],
    why: "passing admin's deployment role to CloudFormation",
    requests: [pass('{AdminDeploymentRole}', 'cloudformation.amazonaws.com')],
  },
  {
    id: 'iam-pass-admin-deployment-role-to-lambda',
    class: 'role-passing',
    requires: ['macro-admin-deployment-role'],
    why: "a function running as admin's deployment role",
    requests: [pass('{AdminDeploymentRole}', 'lambda.amazonaws.com')],
  },
  {
    id: 'iam-pass-update-deployment-role-to-lambda',
    class: 'role-passing',
    requires: ['macro-update-deployment-role'],
    why: 'a function running as the update deployment role',
    requests: [pass('{UpdateDeploymentRole}', 'lambda.amazonaws.com')],
  },
  {
    id: 'sts-assume-admin-deployment-role',
    class: 'service-role-reuse',
    requires: ['macro-admin-deployment-role'],
    why: "assuming admin's deployment role directly",
    requests: [cli('sts:AssumeRole', `${IAM}:role/{AdminDeploymentRole}`)],
  },
  {
    id: 'iam-put-role-policy-admin-deployment-role-via-stack',
    class: 'boundary-removal',
    requires: ['macro-admin-deployment-role'],
    why: "widening admin's deployment role through the own stack",
    requests: [cfn('iam:PutRolePolicy', `${IAM}:role/{AdminDeploymentRole}`)],
  },
  {
    id: 'iam-put-role-policy-update-deployment-role-via-stack',
    class: 'boundary-removal',
    requires: ['macro-update-deployment-role'],
    why: 'widening the update deployment role through the own stack',
    requests: [cfn('iam:PutRolePolicy', `${IAM}:role/{UpdateDeploymentRole}`)],
  },

  // ------------------------------------------------------------------------------------------ execution role
  {
    id: 'lambda-role-write-other-stage-logs',
    class: 'execution-role',
    deniedFor: ['lambda'],
    why: "code of the service writing into the neighbour stage's logs",
    requests: [
      cli(
        'logs:PutLogEvents',
        'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{OtherStageFunction}:log-stream:x',
      ),
    ],
  },
  {
    id: 'lambda-role-delete-foreign-eni',
    class: 'execution-role',
    deniedFor: ['lambda'],
    why: "deleting another VPC's network interface (ENIs of other services, load balancers, databases)",
    requests: [
      cli(
        'ec2:DeleteNetworkInterface',
        'arn:{Partition}:ec2:{Region}:{Account}:network-interface/eni-0f0e0d0c0b0a09080',
        {
          'ec2:Vpc': 'arn:{Partition}:ec2:{Region}:{Account}:vpc/vpc-0foreign0000000000',
          'ec2:Subnet': 'arn:{Partition}:ec2:{Region}:{Account}:subnet/subnet-0foreign000000000',
        },
      ),
    ],
  },
  {
    id: 'lambda-role-unassign-foreign-eni-ips',
    class: 'execution-role',
    deniedFor: ['lambda'],
    why: "taking addresses away from another VPC's network interface",
    requests: [
      cli(
        'ec2:UnassignPrivateIpAddresses',
        'arn:{Partition}:ec2:{Region}:{Account}:network-interface/eni-0f0e0d0c0b0a09080',
        {
          'ec2:Vpc': 'arn:{Partition}:ec2:{Region}:{Account}:vpc/vpc-0foreign0000000000',
          'ec2:Subnet': 'arn:{Partition}:ec2:{Region}:{Account}:subnet/subnet-0foreign000000000',
        },
      ),
    ],
  },
  {
    id: 'lambda-role-read-other-stage-secret',
    class: 'execution-role',
    deniedFor: ['lambda'],
    why: "reading the neighbour stage's secret",
    requests: [
      cli(
        'secretsmanager:GetSecretValue',
        'arn:{Partition}:secretsmanager:{Region}:{Account}:secret:{Service}/{OtherStage}/db-AbCdEf',
      ),
    ],
  },
  {
    id: 'lambda-role-pass-role',
    class: 'execution-role',
    deniedFor: ['lambda'],
    why: 'code passing any role on',
    requests: [pass('{ExecRole}', 'lambda.amazonaws.com')],
  },
  {
    id: 'lambda-role-invoke-other-service',
    class: 'execution-role',
    deniedFor: ['lambda'],
    why: "code invoking another service's function",
    requests: [cli('lambda:InvokeFunction', `${FN}:{OtherServiceFunction}`)],
  },
  // ------------------------------------------------------------------------ the boundary as the roles' ceiling
  // Code of the framework's custom-resource functions is changed by whoever may update the stack (developer, ci):
  // it then runs as the custom-resource role, bounded only by the boundary ('boundary', aws:PrincipalArn = that role).
  {
    id: 'boundary-cr-create-apigw-cloudwatch-role',
    class: 'code-injection',
    deniedFor: ['boundary'],
    requires: ['!create-apigw-cloudwatch-role'],
    why: 'custom-resource code creating serverlessApiGatewayCloudWatchRole trusting an outsider (reads every log group)',
    requests: [
      cli('iam:CreateRole', `${IAM}:role/serverlessApiGatewayCloudWatchRole`, { 'aws:PrincipalArn': '{CrRoleArn}' }),
      cli('iam:AttachRolePolicy', `${IAM}:role/serverlessApiGatewayCloudWatchRole`, {
        'aws:PrincipalArn': '{CrRoleArn}',
        'iam:PolicyARN': 'arn:{Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      }),
    ],
  },
  {
    id: 'boundary-cr-clear-apigw-account-logging-role',
    class: 'code-injection',
    deniedFor: ['boundary'],
    requires: ['!create-apigw-cloudwatch-role'],
    why: "custom-resource code clearing the region's API Gateway CloudWatch role (every API stops logging)",
    requests: [cli('apigateway:PATCH', `${API}/account`, { 'aws:PrincipalArn': '{CrRoleArn}' })],
  },
  {
    id: 'boundary-exec-role-invokes-custom-resource',
    class: 'code-injection',
    deniedFor: ['boundary'],
    why: 'code of the service invoking a custom-resource function with a crafted CloudFormation event (acts as its role)',
    requests: [cli('lambda:InvokeFunction', `${FN}:{CrFunctionApigw}`, { 'aws:PrincipalArn': '{ExecRoleArn}' })],
  },
  {
    id: 'boundary-exec-role-invokes-custom-resource-s3',
    class: 'code-injection',
    deniedFor: ['boundary'],
    why: "code of the service making the existing-bucket custom resource rewrite a bucket's notifications",
    requests: [cli('lambda:InvokeFunction', `${FN}:{CrFunctionS3}:$LATEST`, { 'aws:PrincipalArn': '{ExecRoleArn}' })],
  },
  {
    id: 'canary-alarm-notifies-foreign-topic',
    class: 'via-stack',
    requires: ['submodule:Canary'],
    why: "a canary alarm of the stack publishing into another service's (or the security team's) topic",
    requests: [
      cfn('cloudwatch:PutMetricAlarm', 'arn:{Partition}:cloudwatch:{Region}:{Account}:alarm:{Stack}-HelloErrors', {
        'cloudwatch:AlarmActions': ['arn:{Partition}:sns:{Region}:{Account}:{OtherServiceStack}-events'],
      }),
    ],
  },
  {
    id: 'canary-alarm-notifies-unrelated-topic',
    class: 'via-stack',
    requires: ['submodule:Canary'],
    why: 'a canary alarm of the stack publishing into an account-wide topic (security-alerts)',
    requests: [
      cfn('cloudwatch:PutMetricAlarm', 'arn:{Partition}:cloudwatch:{Region}:{Account}:alarm:{Stack}-HelloErrors', {
        'cloudwatch:AlarmActions': ['arn:{Partition}:sns:{Region}:{Account}:security-alerts'],
      }),
    ],
  },
  {
    id: 'boundary-exec-role-writes-outsider-bucket',
    class: 'execution-role',
    deniedFor: ['boundary'],
    why: "code of the service exfiltrating into another account's bucket named like the service",
    requests: [
      cli('s3:PutObject', 'arn:{Partition}:s3:::{Service}-{Stage}-exfil/x', {
        'aws:PrincipalArn': '{ExecRoleArn}',
        's3:ResourceAccount': '{AttackerAccount}',
      }),
    ],
  },

  // ------------------------------------------------ H-lambda (redteam2 N1, N7, N8): hyphen-siblings, stack-only writes
  // A hyphen-sibling (stage <stage>-eu, or service <service>-<stage> with stage eu) has its functions, custom-resource
  // ones included, inside the own <service>-<stage>-*; CloudFormation's stack tag tells them apart.
  {
    id: 'lambda-update-code-hyphen-sibling-custom-resource',
    class: 'code-injection',
    why: "stage <stage>-eu's custom-resource function (runs as that stack's custom-resource role) lies inside <service>-<stage>-*",
    requests: [cli('lambda:UpdateFunctionCode', `${FN}:{Service}-{Stage}-eu-custom-resource-apigw-cw-role`)],
  },
  {
    id: 'lambda-invoke-hyphen-sibling-custom-resource-qualified',
    class: 'code-injection',
    why: "a crafted event to the hyphen-sibling's existing-S3 custom resource (acts as its role), by a qualified ARN",
    requests: [cli('lambda:InvokeFunction', `${FN}:{Service}-{Stage}-eu-custom-resource-existing-s3:$LATEST`)],
  },
  ...HYPHEN_CR_FUNCTIONS.flatMap((f): Attack[] => [
    {
      id: `lambda-update-code-hyphen-sibling-tagged-${f}`,
      class: 'code-injection',
      why: "the hyphen-sibling's custom-resource function by its real name (md5-shortened when long), with its stack tag",
      requests: [cli('lambda:UpdateFunctionCode', `${FN}:{${f}}`, HYPHEN_STAGE_TAG)],
    },
    {
      id: `lambda-update-configuration-hyphen-sibling-tagged-${f}`,
      class: 'code-injection',
      why: "a foreign layer on the hyphen-sibling's custom-resource function (its real name, its stack tag)",
      requests: [
        cli('lambda:UpdateFunctionConfiguration', `${FN}:{${f}}`, {
          ...HYPHEN_STAGE_TAG,
          'lambda:Layer': [FOREIGN_LAYER],
        }),
      ],
    },
    {
      id: `lambda-invoke-hyphen-sibling-tagged-${f}`,
      class: 'code-injection',
      why: "a crafted event to the hyphen-sibling's custom-resource function (its real name, its stack tag)",
      requests: [cli('lambda:InvokeFunction', `${FN}:{${f}}`, HYPHEN_STAGE_TAG)],
    },
    {
      id: `boundary-exec-role-invokes-hyphen-sibling-tagged-${f}`,
      class: 'code-injection',
      deniedFor: ['boundary'],
      why: "code of the service invoking the hyphen-sibling's custom-resource function (acts as that stack's role)",
      requests: [
        cli('lambda:InvokeFunction', `${FN}:{${f}}`, { ...HYPHEN_STAGE_TAG, 'aws:PrincipalArn': '{ExecRoleArn}' }),
      ],
    },
  ]),
  {
    id: 'boundary-exec-role-invokes-hyphen-sibling-custom-resource',
    class: 'code-injection',
    deniedFor: ['boundary'],
    why: "code of the service invoking stage <stage>-eu's existing-S3 custom resource (untagged request: by name)",
    requests: [
      cli('lambda:InvokeFunction', `${FN}:{Service}-{Stage}-eu-custom-resource-existing-s3`, {
        'aws:PrincipalArn': '{ExecRoleArn}',
      }),
    ],
  },
  {
    id: 'lambda-update-code-hyphen-sibling-function',
    class: 'foreign-resource',
    requires: ['!stage-wildcard'],
    why: "stage <stage>-eu's function (its stack tag) is inside <service>-<stage>-*: its code replaced",
    requests: [cli('lambda:UpdateFunctionCode', `${FN}:{Service}-{Stage}-eu-api`, HYPHEN_STAGE_TAG)],
  },
  {
    id: 'lambda-read-hyphen-sibling-function',
    class: 'foreign-resource',
    requires: ['!stage-wildcard'],
    why: "stage <stage>-eu's function read: GetFunction returns its environment (secrets) and a link to its code",
    requests: [cli('lambda:GetFunction', `${FN}:{Service}-{Stage}-eu-api`, HYPHEN_STAGE_TAG)],
  },
  {
    id: 'lambda-delete-version-hyphen-sibling-function',
    class: 'foreign-resource',
    requires: ['!stage-wildcard'],
    why: "stage <stage>-eu's published version deleted as if it were an old own version (prune)",
    requests: [cli('lambda:DeleteFunction', `${FN}:{Service}-{Stage}-eu-api:1`, HYPHEN_STAGE_TAG)],
  },
  {
    id: 'lambda-update-code-hyphen-sibling-function-via-stack',
    class: 'foreign-resource',
    requires: ['!stage-wildcard'],
    why: "stage <stage>-eu's function (its stack tag) changed through the own stack",
    requests: [cfn('lambda:UpdateFunctionCode', `${FN}:{Service}-{Stage}-eu-api`, HYPHEN_STAGE_TAG)],
  },
  {
    id: 'lambda-add-permission-hyphen-sibling-function-via-stack',
    class: 'foreign-resource',
    requires: ['!stage-wildcard'],
    why: "an S3 event of the own stack made to invoke stage <stage>-eu's function (its stack tag)",
    requests: [
      cfn('lambda:AddPermission', `${FN}:{Service}-{Stage}-eu-api`, {
        ...HYPHEN_STAGE_TAG,
        'lambda:Principal': 's3.amazonaws.com',
      }),
    ],
  },
  // Writes only CloudFormation makes (N8): none direct.
  {
    id: 'lambda-event-invoke-config-hyphen-sibling-function-via-stack',
    requires: ['!stage-wildcard'],
    class: 'foreign-resource',
    why: "an AWS::Lambda::EventInvokeConfig of the own stack on a hyphen-sibling stage's function: no retries, 60 s maximum age (its async events dropped)",
    requests: [
      cfn('lambda:PutFunctionEventInvokeConfig', `${FN}:{Service}-{Stage}-eu-api`, HYPHEN_STAGE_TAG),
      cfn('lambda:UpdateFunctionEventInvokeConfig', `${FN}:{Service}-{Stage}-eu-api`, HYPHEN_STAGE_TAG),
    ],
  },
  {
    id: 'lambda-alias-hyphen-sibling-function-via-stack',
    requires: ['!stage-wildcard'],
    class: 'foreign-resource',
    why: "an AWS::Lambda::Alias of the own stack moving a hyphen-sibling stage's alias to another version",
    requests: [
      cfn('lambda:UpdateAlias', `${FN}:{Service}-{Stage}-eu-api:live`, HYPHEN_STAGE_TAG),
      cfn('lambda:PublishVersion', `${FN}:{Service}-{Stage}-eu-api`, HYPHEN_STAGE_TAG),
    ],
  },
  {
    id: 'lambda-delete-alias-hyphen-sibling-function',
    requires: ['!stage-wildcard'],
    class: 'foreign-resource',
    why: "deleting a hyphen-sibling stage's alias (its alias-routed API goes down) directly",
    requests: [cli('lambda:DeleteAlias', `${FN}:{Service}-{Stage}-eu-api:live`, HYPHEN_STAGE_TAG)],
  },
  {
    id: 'lambda-put-function-concurrency-direct',
    class: 'foreign-resource',
    why: "reserving the region's concurrency on an own function throttles every other service (only CloudFormation sets it)",
    requests: [cli('lambda:PutFunctionConcurrency', `${FN}:{OwnFunction}`)],
  },
  ...[
    'lambda:CreateAlias',
    'lambda:PublishVersion',
    'lambda:PutFunctionEventInvokeConfig',
    'lambda:TagResource',
    'lambda:UntagResource',
    'lambda:UpdateAlias',
    'lambda:UpdateFunctionEventInvokeConfig',
    'lambda:UpdateFunctionUrlConfig',
  ].map((action): Attack => ({
    id: `lambda-stack-only-direct-${action.slice('lambda:'.length)}`,
    class: 'foreign-resource',
    why: 'a function setting only CloudFormation changes (recorded cloudformation-on-behalf only), called directly',
    requests: [cli(action, `${FN}:{OwnFunction}`)],
  })),
  {
    id: 'lambda-stack-only-direct-PublishLayerVersion',
    class: 'foreign-resource',
    why: 'a layer version published outside the stack (only CloudFormation publishes layers)',
    requests: [
      cli('lambda:PublishLayerVersion', 'arn:{Partition}:lambda:{Region}:{Account}:layer:{Service}-{Stage}-deps'),
    ],
  },
  ...['logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource'].map(
    (action): Attack => ({
      id: `logs-stack-only-direct-${action.slice('logs:'.length)}`,
      class: 'foreign-resource',
      why: "a log group setting only CloudFormation changes (retention: the audit trail's lifetime), called directly",
      requests: [cli(action, 'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{OwnFunction}')],
    }),
  ),
  // N7: lambda:FunctionArn is the request's (new) function, so a foreign mapping could be re-pointed to own code.
  {
    id: 'lambda-event-source-mapping-hijack-to-own',
    class: 'foreign-resource',
    why: "another service's mapping (its queue or stream) re-pointed to an own function; lambda:FunctionArn is the request's",
    requests: [
      cli(
        'lambda:UpdateEventSourceMapping',
        'arn:{Partition}:lambda:{Region}:{Account}:event-source-mapping:0b5e1c2a-1111-4222-8333-444444444444',
        { 'lambda:FunctionArn': `${FN}:{OwnFunction}` },
      ),
    ],
  },

  // ---------------------------------------------------------------------------------------------------------
  // H-room (red-team F7, F4, F10): outsiders' buckets named like the deployment bucket pattern, canary alarms and
  // CodeDeploy applications of a sibling stack that shares the 24-character stack head.
  {
    id: 'deployment-bucket-outsider-artifacts-write',
    class: 'foreign-resource',
    requires: ['!bucket:custom'],
    why: "artifacts (the stack template CloudFormation deploys) uploaded into another account's bucket named like the deployment bucket",
    requests: [
      cli(
        's3:PutObject',
        'arn:{Partition}:s3:::{Bucket}/{Prefix}/{Service}/{Stage}/x/compiled-cloudformation-template.json',
        {
          's3:ResourceAccount': '{AttackerAccount}',
        },
      ),
    ],
  },
  {
    id: 'deployment-bucket-outsider-artifacts-read',
    class: 'foreign-resource',
    requires: ['!bucket:custom'],
    why: "a template or code planted by an outsider in its own bucket named like the deployment bucket, read as the service's",
    requests: [
      cli(
        's3:GetObject',
        'arn:{Partition}:s3:::{Bucket}/{Prefix}/{Service}/{Stage}/x/compiled-cloudformation-template.json',
        {
          's3:ResourceAccount': '{AttackerAccount}',
        },
      ),
    ],
  },
  {
    id: 'deployment-bucket-outsider-bucket-policy',
    class: 'foreign-resource',
    requires: ['!bucket:custom'],
    why: "admin rewriting the policy of another account's bucket named like the deployment bucket",
    requests: [
      cli('s3:PutBucketPolicy', 'arn:{Partition}:s3:::{Bucket}', { 's3:ResourceAccount': '{AttackerAccount}' }),
    ],
  },
  {
    id: 'deployment-bucket-outsider-list',
    class: 'foreign-resource',
    requires: ['!bucket:custom'],
    why: "probing another account's bucket named like the deployment bucket",
    requests: [
      cli('s3:GetBucketLocation', 'arn:{Partition}:s3:::{Bucket}', { 's3:ResourceAccount': '{AttackerAccount}' }),
    ],
  },
  {
    id: 'canary-alarm-rewrites-other-stage-alarm',
    class: 'via-stack',
    requires: ['submodule:Canary'],
    why: "an own stack rewriting (silencing) a sibling stage's canary alarm whose generated name shares the stack head",
    requests: [
      cfn(
        'cloudwatch:PutMetricAlarm',
        'arn:{Partition}:cloudwatch:{Region}:{Account}:alarm:{OtherStageStack}-HelloErrors-1A2B3C4D5E6F',
        {
          ...OTHER_STAGE_TAG,
          'cloudwatch:AlarmActions': ['arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-alarms'],
        },
      ),
    ],
  },
  {
    id: 'canary-alarm-deletes-other-stage-alarm',
    class: 'via-stack',
    requires: ['submodule:Canary'],
    why: "an own stack deleting a sibling stage's canary alarm (its traffic shift then never rolls back)",
    requests: [
      cfn(
        'cloudwatch:DeleteAlarms',
        'arn:{Partition}:cloudwatch:{Region}:{Account}:alarm:{OtherStageStack}-HelloErrors-1A2B3C4D5E6F',
        OTHER_STAGE_TAG,
      ),
    ],
  },
  {
    id: 'canary-alarm-untags-other-stage-alarm',
    class: 'via-stack',
    requires: ['submodule:Canary'],
    why: "an own stack retagging a sibling stage's canary alarm",
    requests: [
      cfn(
        'cloudwatch:TagResource',
        'arn:{Partition}:cloudwatch:{Region}:{Account}:alarm:{OtherStageStack}-HelloErrors-1A2B3C4D5E6F',
        OTHER_STAGE_TAG,
      ),
    ],
  },
  {
    id: 'canary-deletes-other-stage-codedeploy-application',
    class: 'via-stack',
    requires: ['submodule:Canary'],
    why: "an own stack deleting a sibling stage's CodeDeploy application (with its deployment groups)",
    requests: [
      cfn(
        'codedeploy:DeleteApplication',
        'arn:{Partition}:codedeploy:{Region}:{Account}:application:{OtherStageStack}-ServiceDeploymentApplication-1A2B3C4D5E6F',
        OTHER_STAGE_TAG,
      ),
    ],
  },
  {
    id: 'canary-renames-other-stage-codedeploy-application',
    class: 'via-stack',
    requires: ['submodule:Canary'],
    why: "an own stack renaming a sibling stage's CodeDeploy application (its deploys then fail)",
    requests: [
      cfn(
        'codedeploy:UpdateApplication',
        'arn:{Partition}:codedeploy:{Region}:{Account}:application:{OtherStageStack}-ServiceDeploymentApplication-1A2B3C4D5E6F',
        OTHER_STAGE_TAG,
      ),
    ],
  },
  {
    id: 'canary-registers-revision-other-stage-codedeploy-application',
    class: 'via-stack',
    requires: ['submodule:Canary'],
    why: "an own stack registering revisions in a sibling stage's CodeDeploy application",
    requests: [
      cfn(
        'codedeploy:RegisterApplicationRevision',
        'arn:{Partition}:codedeploy:{Region}:{Account}:application:{OtherStageStack}-ServiceDeploymentApplication-1A2B3C4D5E6F',
        OTHER_STAGE_TAG,
      ),
    ],
  },

  // ---- H-names (redteam2 N2, N2b): a *Names property naming ANOTHER owner's resource gets the subscriber's calls,
  // never the owner's. {SubscribedTopic} is the first SubscribedTopicArns ARN, {ListedLogGroup} the first
  // SubscribedLogGroupNames entry (subjects.ts).
  {
    id: 'sns-topic-policy-subscribed-foreign-topic-via-stack',
    class: 'resource-policy',
    why: "AWS::SNS::TopicPolicy on a topic the service only subscribes to (SubscribedTopicArns): another team's topic opened to any account",
    requires: ['subscribed-topics'],
    requests: [cfn('sns:SetTopicAttributes', '{SubscribedTopic}')],
  },
  {
    id: 'sns-delete-subscribed-foreign-topic-via-stack',
    class: 'foreign-resource',
    why: 'deleting (or tagging) a topic the service only subscribes to',
    requires: ['subscribed-topics'],
    requests: [cfn('sns:DeleteTopic', '{SubscribedTopic}')],
  },
  {
    id: 'sns-tag-subscribed-foreign-topic-via-stack',
    class: 'foreign-resource',
    why: "retagging a topic the service only subscribes to (the owner's tag-based access and cost allocation)",
    requires: ['subscribed-topics'],
    requests: [cfn('sns:TagResource', '{SubscribedTopic}')],
  },
  {
    id: 'sns-subscribe-outsider-to-subscribed-foreign-topic-via-stack',
    class: 'foreign-resource',
    why: "an AWS::SNS::Subscription delivering another team's topic to an outside https endpoint",
    requires: ['subscribed-topics'],
    requests: [
      cfn('sns:Subscribe', '{SubscribedTopic}', {
        'sns:Protocol': 'https',
        'sns:Endpoint': 'https://attacker.example.com/hook',
      }),
    ],
  },
  {
    id: 'logs-delete-owner-filter-listed-log-group',
    class: 'foreign-resource',
    why: "deleting any subscription filter (the owner's log shipping) of a log group the service only subscribes to",
    requires: ['subscribed-log-groups'],
    requests: [
      cli('logs:DeleteSubscriptionFilter', 'arn:{Partition}:logs:{Region}:{Account}:log-group:{ListedLogGroup}'),
    ],
  },
  // ---- end H-names
  // ------------------------------------------------ F5: catch-all EventBridge rules (events.rules-put-*, boundary-cr)
  // A rule whose event pattern names no source (`{"account": ["<account>"]}`) delivers every event of its bus to the
  // own function: other services' events, CloudTrail's "AWS API Call via CloudTrail" events of the whole account.
  // PutRule shows IAM the pattern's sources (events:source) and nothing for a pattern without one, nor for a schedule.
  {
    id: 'events-rule-catch-all-default-bus',
    class: 'via-stack',
    requires: ['!event-schedules'],
    why: 'a rule of the own stack whose pattern names no source: every event of the default bus to own code',
    requests: [
      cfn('events:PutRule', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy'),
      cfn('events:PutTargets', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy', {
        'events:TargetArn': [`${FN}:{OwnFunction}`],
      }),
    ],
  },
  {
    id: 'events-rule-catch-all-beside-schedules',
    class: 'via-stack',
    requires: ['event-schedules'],
    why: 'the same, for a service with schedule rules: AWS shows IAM a schedule and a source-less pattern alike',
    requests: [
      cfn('events:PutRule', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy'),
      cfn('events:PutTargets', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy', {
        'events:TargetArn': [`${FN}:{OwnFunction}`],
      }),
    ],
  },
  {
    id: 'events-rule-foreign-source',
    class: 'via-stack',
    why: "a rule of the own stack on another source: every IAM API call of the account (CloudTrail's aws.iam events)",
    requests: [
      cfn('events:PutRule', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy', {
        'events:source': ['aws.iam'],
      }),
      cfn('events:PutTargets', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy', {
        'events:TargetArn': [`${FN}:{OwnFunction}`],
      }),
    ],
  },
  {
    id: 'boundary-cr-rule-on-foreign-bus',
    class: 'code-injection',
    deniedFor: ['boundary'],
    why: "custom-resource code putting a rule named like the service on another service's bus (reads its events)",
    requests: [
      cli('events:PutRule', 'arn:{Partition}:events:{Region}:{Account}:rule/{OtherService}-bus/{Service}-{Stage}-spy', {
        'aws:PrincipalArn': '{CrRoleArn}',
      }),
      cli(
        'events:PutTargets',
        'arn:{Partition}:events:{Region}:{Account}:rule/{OtherService}-bus/{Service}-{Stage}-spy',
        { 'aws:PrincipalArn': '{CrRoleArn}', 'events:TargetArn': [`${FN}:{OwnFunction}`] },
      ),
    ],
  },
  {
    id: 'boundary-cr-rule-foreign-source',
    class: 'code-injection',
    deniedFor: ['boundary'],
    requires: ['event-sources'],
    why: 'custom-resource code putting a rule on the default bus for a source the service does not list (aws.iam)',
    requests: [
      cli('events:PutRule', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy', {
        'aws:PrincipalArn': '{CrRoleArn}',
        'events:source': ['aws.iam'],
      }),
    ],
  },
  {
    id: 'boundary-cr-rule-any-source-without-event-sources',
    class: 'code-injection',
    deniedFor: ['boundary'],
    requires: ['!event-sources'],
    why: "custom-resource code putting a rule for another team's source where the service lists no EventSources (an empty list must not mean any source)",
    requests: [
      cli('events:PutRule', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy', {
        'aws:PrincipalArn': '{CrRoleArn}',
        'events:source': ['acme.payments'],
      }),
    ],
  },
  {
    id: 'boundary-cr-rule-catch-all-default-bus',
    class: 'code-injection',
    deniedFor: ['boundary'],
    why: 'custom-resource code putting a source-less rule on the default bus: every event of the bus to own code',
    requests: [
      cli('events:PutRule', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy', {
        'aws:PrincipalArn': '{CrRoleArn}',
      }),
      cli('events:PutTargets', 'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-spy', {
        'aws:PrincipalArn': '{CrRoleArn}',
        'events:TargetArn': [`${FN}:{OwnFunction}`],
      }),
    ],
  },
  // ------------------------------------------- F9 (H-vpc): functions and interfaces in another team's network
  // Another service's subnets, database security group and VPC (ids no subject uses). Lambda puts the request's
  // subnets and groups into lambda:SubnetIds / lambda:SecurityGroupIds and the VPC it derives from them into
  // lambda:VpcIds; EC2 authorizes CreateNetworkInterface on the new interface, its subnet and its security groups.
  {
    id: 'lambda-function-into-foreign-vpc',
    class: 'foreign-resource',
    why: "an own function attached to another team's subnets and database security group (network pivot, their NAT egress)",
    requests: [cli('lambda:UpdateFunctionConfiguration', `${FN}:{OwnFunction}`, FOREIGN_VPC)],
  },
  {
    id: 'lambda-function-into-foreign-vpc-via-stack',
    class: 'via-stack',
    why: "an own function's VpcConfig pointed at another team's subnets and security group in the stack's template",
    requests: [cfn('lambda:UpdateFunctionConfiguration', `${FN}:{OwnFunction}`, FOREIGN_VPC)],
  },
  {
    id: 'lambda-function-foreign-security-group',
    class: 'foreign-resource',
    why: "an own function given another team's database security group (its ingress rules then admit the function)",
    requests: [
      cli('lambda:UpdateFunctionConfiguration', `${FN}:{OwnFunction}`, {
        'lambda:SecurityGroupIds': [FOREIGN_SG],
        'lambda:VpcIds': FOREIGN_VPC_ID,
      }),
    ],
  },
  {
    id: 'lambda-create-function-in-foreign-vpc',
    class: 'via-stack',
    why: "a new function of the stack created in another team's subnets and security group",
    requests: [
      pass('{ExecRole}', 'lambda.amazonaws.com', 'cloudformation'),
      cfn('lambda:CreateFunction', `${FN}:{Service}-{Stage}-x`, FOREIGN_VPC),
    ],
  },
  {
    id: 'boundary-exec-role-interface-in-foreign-subnet',
    class: 'execution-role',
    deniedFor: ['lambda', 'boundary'],
    why: "a role of the service (provider.vpc's AWSLambdaVPCAccessExecutionRole) creating an interface in another team's subnet and security group",
    requests: [
      cli('ec2:CreateNetworkInterface', `${EC2}:network-interface/eni-0123456789abcdef0`, {
        'aws:PrincipalArn': '{ExecRoleArn}',
      }),
      cli('ec2:CreateNetworkInterface', `${EC2}:subnet/${FOREIGN_SUBNET}`, {
        'aws:PrincipalArn': '{ExecRoleArn}',
        'ec2:SubnetID': FOREIGN_SUBNET,
        'ec2:Vpc': `${EC2}:vpc/${FOREIGN_VPC_ID}`,
      }),
      cli('ec2:CreateNetworkInterface', `${EC2}:security-group/${FOREIGN_SG}`, {
        'aws:PrincipalArn': '{ExecRoleArn}',
        'ec2:SecurityGroupID': FOREIGN_SG,
        'ec2:Vpc': `${EC2}:vpc/${FOREIGN_VPC_ID}`,
      }),
    ],
  },
  {
    id: 'boundary-exec-role-deletes-foreign-interface',
    class: 'execution-role',
    deniedFor: ['lambda', 'boundary'],
    why: "a role of the service deleting another team's network interface (its database's, its functions')",
    requests: [
      cli('ec2:DeleteNetworkInterface', `${EC2}:network-interface/eni-0f0f0f0f0f0f0f0f0`, {
        'aws:PrincipalArn': '{ExecRoleArn}',
        'ec2:Subnet': `${EC2}:subnet/${FOREIGN_SUBNET}`,
        'ec2:Vpc': `${EC2}:vpc/${FOREIGN_VPC_ID}`,
      }),
    ],
  },
];
