/** ARN patterns shared by several catalog files, written with the `{Token}`s of core/naming.ts. */
export const ARN = {
  stack: 'arn:{Partition}:cloudformation:{Region}:{Account}:stack/{StackName}/*',
  functions: 'arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-*',
  functionVersions: 'arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-*:*',
  layers: 'arn:{Partition}:lambda:{Region}:{Account}:layer:{Service}-{Stage}-*',
  layerVersions: 'arn:{Partition}:lambda:{Region}:{Account}:layer:{Service}-{Stage}-*:*',
  eventSourceMappings: 'arn:{Partition}:lambda:{Region}:{Account}:event-source-mapping:*',
  /** The bucket's ARN: a literal pattern, or the resolver's `BucketArn` (exact once the stack exists). */
  deploymentBucket: '{DeploymentBucketArn}',
  artifacts: '{DeploymentBucketArn}/{ArtifactPrefix}/*',
  executionRoles: ['arn:{Partition}:iam::{Account}:role/{LambdaRole}', 'arn:{Partition}:iam::{Account}:role/{Service}-{Stage}-*'],
  frameworkRoles: 'arn:{Partition}:iam::{Account}:role/{Service}-{Stage}-*',
  /** Log groups of the service: functions, REST access logs (service-stage), HTTP and WebSocket APIs (stack). */
  logGroups: [
    'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{Service}-{Stage}-*',
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
