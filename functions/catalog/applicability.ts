/**
 * When a catalog entry applies, as data: every form names an Access property as the user writes it (the README's
 * property table) and a value of it. `applies` is the one evaluator (the expansion, the boundary and the tests use
 * it), `describeApplicability` the one renderer to text (docs/catalog.md), so the doc cannot say other than what
 * the expansion does.
 */
import type { AccessConfig } from '../core/config';

/** Event types whose statements are granted on request (the `Events` property). */
export type EventType = 'alb' | 'cloudFront' | 'cognitoUserPool' | 'iot' | 'iotFleetProvisioning';

/** Access properties holding a list; "non-empty" is the only question the catalog asks of most. */
export type ListProperty =
  | 'EventBucketNames'
  | 'ExternalLayerArns'
  | 'AlbListenerArns'
  | 'ExistingBuckets'
  | 'ExistingUserPoolIds'
  | 'SubscribedTopicArns';

/** Access properties holding true or false, false when not written. */
export type BooleanProperty = 'ManyLambdas' | 'DeploymentRoles' | 'CreateApiGatewayCloudWatchRole';

/** Access properties holding one string, absent when not written. */
export type StringProperty = 'PermissionsBoundary' | 'DeploymentRoleArn';

export type Applicability =
  /** `ManyLambdas: true`, `DeploymentRoles: true` or `CreateApiGatewayCloudWatchRole: true` (absent is false). */
  | { readonly property: BooleanProperty; readonly equals: boolean }
  /** The property is written with exactly this value, e.g. `PermissionsBoundary: none`. */
  | { readonly property: StringProperty; readonly equals: string }
  /** The property is written (`present: true`) or left out (`present: false`). */
  | { readonly property: StringProperty; readonly present: boolean }
  /** `DeploymentBucket` left out (generated), a bucket name (custom), or `{Shared: true}` (shared). */
  | { readonly property: 'DeploymentBucket'; readonly mode: AccessConfig['deploymentBucket']['mode'] }
  /** The list holds at least one item. */
  | { readonly property: ListProperty; readonly nonEmpty: true }
  /** `Events` lists this event type. */
  | { readonly property: 'Events'; readonly includes: EventType }
  /** `ResourceTypes` lists this CloudFormation resource type. */
  | { readonly property: 'ResourceTypes'; readonly includes: string }
  | { readonly all: readonly Applicability[] }
  | { readonly not: Applicability };

/** Every Access property a condition may name (the tests check each is a property of the Access resource). */
export const APPLICABILITY_PROPERTIES = [
  'ManyLambdas',
  'DeploymentRoles',
  'CreateApiGatewayCloudWatchRole',
  'PermissionsBoundary',
  'DeploymentRoleArn',
  'DeploymentBucket',
  'EventBucketNames',
  'ExternalLayerArns',
  'AlbListenerArns',
  'ExistingBuckets',
  'ExistingUserPoolIds',
  'SubscribedTopicArns',
  'Events',
  'ResourceTypes',
] as const;

/** The value of a string property as the user wrote it, or undefined when left out. */
function stringValue(property: StringProperty, config: AccessConfig): string | undefined {
  switch (property) {
    case 'PermissionsBoundary':
      return config.boundary === 'none' ? 'none' : config.permissionsBoundary;
    case 'DeploymentRoleArn':
      return config.deploymentRoleArn;
  }
}

function listValue(property: ListProperty | 'Events', config: AccessConfig): readonly string[] {
  switch (property) {
    case 'EventBucketNames':
      return config.eventBucketNames;
    case 'ExternalLayerArns':
      return config.externalLayerArns;
    case 'AlbListenerArns':
      return config.albListenerArns;
    case 'ExistingBuckets':
      return config.existingBuckets;
    case 'ExistingUserPoolIds':
      return config.existingUserPoolIds;
    case 'SubscribedTopicArns':
      return config.subscribedTopicArns;
    case 'Events':
      return config.events;
  }
}

/** The one evaluator: does the condition hold for this Access resource? Absent means always. */
export function applies(condition: Applicability | undefined, config: AccessConfig): boolean {
  if (condition === undefined) return true;
  if ('all' in condition) return condition.all.every((c) => applies(c, config));
  if ('not' in condition) return !applies(condition.not, config);
  switch (condition.property) {
    case 'ManyLambdas':
      return config.manyLambdas === condition.equals;
    case 'DeploymentRoles':
      return config.deploymentRoles === condition.equals;
    case 'CreateApiGatewayCloudWatchRole':
      return config.createApiGatewayCloudWatchRole === condition.equals;
    case 'DeploymentBucket':
      return config.deploymentBucket.mode === condition.mode;
    case 'Events':
      return config.events.includes(condition.includes);
    case 'ResourceTypes':
      return config.resourceTypes.includes(condition.includes);
    case 'PermissionsBoundary':
    case 'DeploymentRoleArn': {
      const value = stringValue(condition.property, config);
      return 'equals' in condition ? value === condition.equals : (value !== undefined) === condition.present;
    }
    default:
      return listValue(condition.property, config).length > 0;
  }
}

const code = (s: string) => `\`${s}\``;

const BUCKET_MODES: Record<AccessConfig['deploymentBucket']['mode'], string> = {
  generated: `${code('DeploymentBucket')} unset (the generated bucket)`,
  custom: code('DeploymentBucket: <name>'),
  shared: code('DeploymentBucket: {Shared: true}'),
};

/** The one renderer: the condition as Markdown text, e.g. "`PermissionsBoundary` unset or other than `none`". */
export function describeApplicability(condition: Applicability): string {
  if ('all' in condition) return condition.all.map(describeApplicability).join(' and ');
  if ('not' in condition) {
    const inner = condition.not;
    if ('property' in inner && 'equals' in inner && typeof inner.equals === 'string')
      return `${code(inner.property)} unset or other than ${code(inner.equals)}`;
    return `not (${describeApplicability(inner)})`;
  }
  switch (condition.property) {
    case 'ManyLambdas':
    case 'DeploymentRoles':
    case 'CreateApiGatewayCloudWatchRole':
      return code(`${condition.property}: ${condition.equals}`);
    case 'DeploymentBucket':
      return BUCKET_MODES[condition.mode];
    case 'Events':
    case 'ResourceTypes':
      return `${code(condition.property)} listing ${code(condition.includes)}`;
    case 'PermissionsBoundary':
    case 'DeploymentRoleArn':
      if ('equals' in condition) return code(`${condition.property}: ${condition.equals}`);
      return `${code(condition.property)} ${condition.present ? 'set' : 'unset'}`;
    default:
      return `${code(condition.property)} non-empty`;
  }
}

/** The names of the Access properties a condition reads (for the tests and the doc's cross-check). */
export function propertiesOf(condition: Applicability): string[] {
  if ('all' in condition) return condition.all.flatMap(propertiesOf);
  if ('not' in condition) return propertiesOf(condition.not);
  return [condition.property];
}
