/** ARN patterns shared by several catalog files, written with the `{Token}`s of core/naming.ts. */
export const ARN = {
  stack: 'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{StackName}/*',
  /** The service's functions, plus names chosen in serverless.yml and hashed custom-resource names. */
  functions: [
    'arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-*',
    'arn:{Partition}:lambda:{Region}:{Account}:function:{ExtraFunctions}',
    'arn:{Partition}:lambda:{Region}:{Account}:function:{ExtraFunctions}:*',
  ],
  /** The service's own functions: as `functions`, without the hashed custom-resource names (for targets and permissions). */
  ownFunctions: [
    'arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-*',
    'arn:{Partition}:lambda:{Region}:{Account}:function:{FunctionNames}',
    'arn:{Partition}:lambda:{Region}:{Account}:function:{FunctionNames}:*',
  ],
  /**
   * The framework's custom-resource functions (`<service>-<stage>-custom-resource-<kind>`, or the first 32
   * characters plus an md5 when that is over 64; osls lib/plugins/aws/custom-resources/index.js). They run as
   * the framework's custom-resource role (IAM writes with logs.restApi, lambda:AddPermission on function:*
   * with existing S3 buckets, cognito-idp:*), so whoever changes or invokes them holds that role.
   * `{Service}-{Stage}-*custom-resource-*` also holds a hyphen-sibling's (stage `<stage>-eu`, or service
   * `<service>-<stage>` with stage `eu`: `<service>-<stage>-eu-custom-resource-<kind>`), which lie inside the own
   * `<service>-<stage>-*`; their md5-shortened names are held by the stack tag (lambda.other-stack-functions). A
   * function of the service whose name contains `custom-resource-` is treated as the framework's (stack only).
   */
  customResourceFunctions: [
    'arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-*custom-resource-*',
    'arn:{Partition}:lambda:{Region}:{Account}:function:{HashedCustomResourceFunctions}',
    'arn:{Partition}:lambda:{Region}:{Account}:function:{HashedCustomResourceFunctions}:*',
  ],
  functionVersions: [
    'arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-*:*',
    'arn:{Partition}:lambda:{Region}:{Account}:function:{ExtraFunctions}:*',
  ],
  /** Layers named <service>-<stage>-*, plus the names listed in LayerNames. */
  layers: [
    'arn:{Partition}:lambda:{Region}:{Account}:layer:{Service}-{Stage}-*',
    'arn:{Partition}:lambda:{Region}:{Account}:layer:{LayerNames}',
  ],
  layerVersions: [
    'arn:{Partition}:lambda:{Region}:{Account}:layer:{Service}-{Stage}-*:*',
    'arn:{Partition}:lambda:{Region}:{Account}:layer:{LayerNames}:*',
  ],
  eventSourceMappings: 'arn:{Partition}:lambda:{Region}:{Account}:event-source-mapping:*',
  /** The bucket's ARN: a literal pattern, or the resolver's `BucketArn` (exact once the stack exists). */
  deploymentBucket: '{DeploymentBucketArn}',
  artifacts: '{DeploymentBucketArn}/{ArtifactPrefix}/*',
  /**
   * Roles the service's functions run as: the macro's (or LambdaRoleName), the framework's default
   * <service>-<stage>-<region>-lambdaRole, and ExecutionRoleNames. Never the framework's custom-resource role:
   * it holds IAM writes on role/*, and a function given it would run with them.
   */
  executionRoles: [
    'arn:{Partition}:iam::{Account}:role/{LambdaRole}',
    'arn:{Partition}:iam::{Account}:role/{Service}-{Stage}-*-lambdaRole',
    'arn:{Partition}:iam::{Account}:role/{ExecutionRoleNames}',
  ],
  /** The framework's roles: <service>-<stage>-<region>-lambdaRole, and the custom-resource role CloudFormation names. */
  frameworkRoles: [
    'arn:{Partition}:iam::{Account}:role/{Service}-{Stage}-*',
    'arn:{Partition}:iam::{Account}:role/{CustomResourceRoleHeads}-IamRoleCustomResources*',
  ],
  /** Log groups of the service: functions, REST access logs (service-stage), HTTP and WebSocket APIs (stack). */
  logGroups: [
    'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{Service}-{Stage}-*',
    'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{ExtraFunctions}',
    'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/api-gateway/{Service}-{Stage}',
    'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/http-api/{StackName}',
    'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/websocket/{StackName}',
  ],
  apigateway: (path: string) => `arn:{Partition}:apigateway:{Region}::${path}`,
} as const;

/** A log group's ARN and the ARN of its streams (`...:*`), as IAM needs both. */
export function withStreams(groups: readonly string[]): string[] {
  return groups.flatMap((g) => [g, `${g}:*`]);
}
