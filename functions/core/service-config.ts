/**
 * Which Access properties a Serverless Framework service needs, read off its configuration (serverless.yml
 * with the variables of the stage resolved). The README asks a platform team for one Access resource per
 * service and stage; besides SlsServiceName, Stage, StackName, DeploymentBucket and DeploymentPrefix, these
 * are the properties whose values come from the service's own configuration:
 *
 * - FunctionNames: `functions.<fn>.name` values outside `<service>-<stage>-*`;
 * - LayerNames: layer names outside `<service>-<stage>-*` (the framework's default name is the bare layer key,
 *   the same layer in every stage and service of the account: listing it trades that layer's isolation for
 *   deployability);
 * - ExecutionRoleNames: the roles the functions run as besides the framework's default
 *   `<service>-<stage>-<region>-lambdaRole`: `provider.iam.role.name` (or the role an ARN in `provider.iam.role`
 *   names), and a function's own role when its name is known before the deploy (an ARN, or a role of
 *   `resources:` with RoleName). A role CloudFormation names (`<stack>-<LogicalId>-<suffix>`) cannot be listed
 *   before the first deploy;
 * - DeploymentRoleArn: `provider.iam.deploymentRole` (or the older `provider.cfnRole`);
 * - PermissionsBoundary: `provider.iam.role.permissionsBoundary` (or the older `provider.rolePermissionsBoundary`);
 * - AlbListenerArns: the listeners `alb` events add rules to (`functions.<fn>.events[].alb.listenerArn`);
 * - Events: the event types whose statements are granted only to services that use them (alb, cloudFront,
 *   cognitoUserPool, iot, iotFleetProvisioning), and schedule when an EventBridge rule of the stack names no event
 *   source (a schedule on a rule, or a pattern without source: event-access-properties.ts ruleSources).
 * - ResourceTypes: the types of `resources.Resources`, AWS::Lambda::LayerVersionPermission when a layer has
 *   allowedAccounts (the framework then shares each version it publishes: osls compile/layers), and
 *   Custom::EventBridge with provider.eventBridge.useCloudFormation: false (osls 3's custom resource writes the rules).
 *
 * - VpcSubnetIds, VpcSecurityGroupIds: the subnets and security groups of `provider.vpc` and of every
 *   `functions.<fn>.vpc` (a function with `vpc: false` or `null` leaves provider.vpc); ids the framework resolved
 *   (`${ssm:...}`, `${cf:...}`) are literals by then, a CloudFormation expression (Fn::ImportValue, Ref, Fn::Split) is
 *   refused: the ids must be known before the deploy.
 * - TopicNames, QueueNames, StreamNames, EventBucketNames, EventBusNames, EventSources, SubscribedLogGroupNames, ExternalLayerArns: what the service's
 *   events touch outside its own names (./event-access-properties.ts).
 *
 * Properties the service does not need are left out.
 */

import { CORE_PROPERTIES } from './config';
import { eventAccessProperties, ruleSources } from './event-access-properties';

/** The ResourceTypes property's pattern: a type it would refuse (a typo in serverless.yml) is left for cfn-lint. */
const RESOURCE_TYPE = CORE_PROPERTIES.ResourceTypes.pattern as RegExp;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The name of a role given as an ARN, or as a logical id (or GetAtt) of a `resources:` role with RoleName. */
function knownRoleName(role: unknown, resources: Obj): string | undefined {
  if (role === undefined) return undefined;
  if (typeof role === 'string' && role.startsWith('arn:')) return role.slice(role.lastIndexOf('/') + 1);
  const getAtt = isObj(role) ? role['Fn::GetAtt'] : undefined;
  const logicalId = typeof role === 'string' ? role : Array.isArray(getAtt) ? getAtt[0] : undefined;
  const resource = typeof logicalId === 'string' ? resources[logicalId] : undefined;
  const name = isObj(resource) && isObj(resource.Properties) ? resource.Properties.RoleName : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The Access properties (FunctionNames, LayerNames, ExecutionRoleNames, DeploymentRoleArn, PermissionsBoundary)
 * the service `service` in stage `stage` needs, from its resolved configuration `config` (the serverless.yml
 * document: provider, functions, layers, resources).
 */
export function accessPropertiesOf(config: Readonly<Obj>, service: string, stage: string): Obj {
  const own = `${service}-${stage}-`;
  const provider = isObj(config.provider) ? config.provider : {};
  const iam = isObj(provider.iam) ? provider.iam : {};
  const resources = isObj(config.resources) && isObj(config.resources.Resources) ? config.resources.Resources : {};
  const functions = Object.entries(isObj(config.functions) ? config.functions : {}).map(([key, f]) => ({
    key,
    f: isObj(f) ? f : {},
  }));
  const outside = (names: readonly unknown[]) =>
    [...new Set(names.filter((n): n is string => typeof n === 'string' && !n.startsWith(own)))].sort();

  const functionNames = outside(functions.map(({ key, f }) => (typeof f.name === 'string' ? f.name : `${own}${key}`)));
  const layerNames = outside(
    Object.entries(isObj(config.layers) ? config.layers : {}).map(([key, l]) =>
      isObj(l) && typeof l.name === 'string' ? l.name : key,
    ),
  );

  const role = iam.role;
  const providerRoleName = isObj(role)
    ? typeof role.name === 'string'
      ? role.name
      : undefined
    : knownRoleName(role, resources);
  // The framework's default role, <service>-<stage>-<region>-lambdaRole, is the macro's own grant.
  const frameworkDefault = (n: string) =>
    n.startsWith(own) && n.endsWith('-lambdaRole') && n.length > own.length + '-lambdaRole'.length;
  const executionRoleNames = [
    ...new Set([providerRoleName, ...functions.map(({ f }) => knownRoleName(f.role, resources))]),
  ]
    .filter((n): n is string => !!n && !frameworkDefault(n))
    .sort();

  const boundary = isObj(role) ? role.permissionsBoundary : provider.rolePermissionsBoundary;
  if (boundary !== undefined && typeof boundary !== 'string') {
    throw new Error(
      `${service}: provider.iam.role.permissionsBoundary must be the boundary policy's ARN as a string, not ${JSON.stringify(boundary)}.`,
    );
  }
  const deploymentRole = iam.deploymentRole ?? provider.cfnRole;
  if (deploymentRole !== undefined && typeof deploymentRole !== 'string') {
    throw new Error(
      `${service}: provider.iam.deploymentRole must be the role's ARN as a string, not ${JSON.stringify(deploymentRole)}.`,
    );
  }
  const network = vpcIdsOf(provider.vpc, functions, service);
  const albListenerArns = [
    ...new Set(
      functions.flatMap(({ f }) =>
        (Array.isArray(f.events) ? f.events : [])
          .map((e) => (isObj(e) && isObj(e.alb) ? e.alb.listenerArn : undefined))
          .filter((a): a is string => typeof a === 'string'),
      ),
    ),
  ].sort();
  const onRequest = ['alb', 'cloudFront', 'cognitoUserPool', 'iot', 'iotFleetProvisioning'];
  const events = [
    ...new Set(
      functions.flatMap(({ f }) =>
        (Array.isArray(f.events) ? f.events : []).flatMap((e) => (isObj(e) ? Object.keys(e) : [])),
      ),
    ),
  ]
    .filter((e) => onRequest.includes(e))
    .concat(
      // EventBridge rules that name no event source (schedules on rules): PutRule then carries no events:source.
      ruleSources(
        functions.map(({ f }) => ({ events: Array.isArray(f.events) ? (f.events as Obj[]) : [] })),
        resources,
      ).sourceless
        ? ['schedule']
        : [],
    )
    .sort();
  // What the stack holds besides the framework's defaults: the declared resources' types, and the layer sharing the
  // framework compiles for layers.<name>.allowedAccounts (AWS::Lambda::LayerVersionPermission).
  const sharesLayers = Object.values(isObj(config.layers) ? config.layers : {}).some(
    (l) => isObj(l) && Array.isArray(l.allowedAccounts) && l.allowedAccounts.length > 0,
  );
  // osls 3 with provider.eventBridge.useCloudFormation: false writes eventBridge rules through its custom resource
  // (Custom::EventBridge, custom-resources/resources/event-bridge): the boundary lets the custom-resource role write
  // rules only then (boundary-cr.legacy-event-bridge).
  const eventBridge = isObj(provider.eventBridge) ? provider.eventBridge : {};
  const legacyEventBridge =
    eventBridge.useCloudFormation === false &&
    functions.some(({ f }) => Array.isArray(f.events) && f.events.some((e) => isObj(e) && e.eventBridge));
  const resourceTypes = [
    ...new Set([
      ...Object.values(resources)
        .map((r) => (isObj(r) ? r.Type : undefined))
        .filter((t): t is string => typeof t === 'string' && RESOURCE_TYPE.test(t)),
      ...(sharesLayers ? ['AWS::Lambda::LayerVersionPermission'] : []),
      ...(legacyEventBridge ? ['Custom::EventBridge'] : []),
    ]),
  ].sort();
  return {
    ...(functionNames.length ? { FunctionNames: functionNames } : {}),
    ...(layerNames.length ? { LayerNames: layerNames } : {}),
    ...(executionRoleNames.length ? { ExecutionRoleNames: executionRoleNames } : {}),
    ...(deploymentRole ? { DeploymentRoleArn: deploymentRole } : {}),
    // The macro's own boundary (default ResourcePrefix cf-<service>), wired as the README says, is the default:
    // PermissionsBoundary stays omitted so the macro creates it.
    ...(boundary && !new RegExp(`:policy/cf-${service}-${stage}-boundary$`).test(boundary)
      ? { PermissionsBoundary: boundary }
      : {}),
    ...eventAccessProperties(
      functions.map(({ f }) => ({
        events: Array.isArray(f.events) ? (f.events as Obj[]) : [],
        layers: Array.isArray(f.layers) ? f.layers : [],
      })),
      resources,
      service,
      stage,
      Array.isArray(provider.layers) ? provider.layers : [],
    ),
    ...(network.subnetIds.length ? { VpcSubnetIds: network.subnetIds } : {}),
    ...(network.securityGroupIds.length ? { VpcSecurityGroupIds: network.securityGroupIds } : {}),
    ...(events.length ? { Events: events } : {}),
    ...(albListenerArns.length ? { AlbListenerArns: albListenerArns } : {}),
    ...(resourceTypes.length ? { ResourceTypes: resourceTypes } : {}),
  };
}

/**
 * The subnets and security groups the functions are placed in: provider.vpc, unless a function sets its own vpc (the
 * framework takes each list from the function's vpc first, then provider.vpc: osls compile/functions.js), or opts
 * out with `vpc: false` / `vpc: null`.
 */
function vpcIdsOf(
  providerVpc: unknown,
  functions: readonly { key: string; f: Obj }[],
  service: string,
): { subnetIds: string[]; securityGroupIds: string[] } {
  const subnets = new Set<string>();
  const groups = new Set<string>();
  const ids = (value: unknown, where: string): string[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      throw new Error(
        `${service}: ${where} holds a CloudFormation expression (${JSON.stringify(value).slice(0, 80)}); the Access resource needs the ids before the deploy: resolve them in serverless.yml (\${cf:<stack>.<output>}, \${ssm:<parameter>}) or write VpcSubnetIds and VpcSecurityGroupIds yourself.`,
      );
    return value as string[];
  };
  const provider = isObj(providerVpc) ? providerVpc : {};
  for (const { key, f } of functions) {
    if (f.vpc === false || f.vpc === null) continue;
    const own = isObj(f.vpc) ? f.vpc : {};
    const s = own.subnetIds ?? provider.subnetIds;
    const g = own.securityGroupIds ?? provider.securityGroupIds;
    const where = (k: string) => (own[k] !== undefined ? `functions.${key}.vpc.${k}` : `provider.vpc.${k}`);
    // The framework drops a VpcConfig without both lists (compile/functions.js).
    if (s === undefined || g === undefined) continue;
    ids(s, where('subnetIds')).forEach((x) => subnets.add(x));
    ids(g, where('securityGroupIds')).forEach((x) => groups.add(x));
  }
  return { subnetIds: [...subnets].sort(), securityGroupIds: [...groups].sort() };
}
