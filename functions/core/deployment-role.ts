/**
 * DeploymentRoles (issue 11): the macro creates two CloudFormation service roles for the service and stage, and
 * the groups then run their stack only with their own (catalog/cloudformation.ts, catalog/iam.ts):
 * - admin's lifecycle role (`<ResourcePrefix>-<Stage>-deploy-admin`): what CloudFormation does on admin's behalf in
 *   classic mode: create, update and delete what the stack holds, the service's bounded roles included;
 * - the update role (`<ResourcePrefix>-<Stage>-deploy-update`), developer's and ci's: what CloudFormation does on
 *   developer's behalf in classic mode: updates of what exists (no function, log group or role creation or deletion,
 *   no IAM write, no stack deletion).
 *
 * One source of truth: each role's policy is the catalog itself, read as data. A role gets the entries its group
 * holds (audienceOf: `when`, `alsoFor` and ManyLambdas apply as for the group) that CloudFormation's resource
 * handlers call: every entry granted only through the stack (`aws:CalledVia` = cloudformation.amazonaws.com), and
 * the entries of STACK_CALLS, which the CLI and CloudFormation share (so they carry no CalledVia). Acting as a service
 * role, CloudFormation calls with the role's own session: no aws:CalledVia is set, so that key is dropped from the
 * role's statements (it would never match); every other condition (stack tags, iam:PermissionsBoundary,
 * lambda:Principal, events:TargetArn...) stays as the catalog wrote it. The group's Deny entries apply to its role
 * unchanged: the custom-resource functions' Deny holds because the role's calls carry no CalledVia.
 *
 * The groups lose every through-the-stack entry (the point of the mode: nobody holds the stack's resource writes in
 * person) and the STACK_ONLY entries the CLI never calls (function, log-group, mapping and bucket lifecycle).
 *
 * The roles trust cloudformation.amazonaws.com only, so no code runs as them: with provider.iam.deploymentRole the
 * framework runs its custom-resource functions as that role (custom-resources/index.js of osls 3 and 4), and Lambda
 * refuses a role it cannot assume, so such a service fails to deploy instead of running code a developer can
 * replace as a deployment role (config.ts refuses ExistingBuckets and ExistingUserPoolIds in this mode). No
 * aws:SourceAccount: CloudFormation documents no source key for service roles, and a role can only be passed
 * (iam:PassRole) within its own account.
 */
import type { CatalogEntry, ConditionBlock, GroupRole } from '../catalog/types';
import type { AccessConfig } from './config';
import { audienceOf } from './expand-access';
import type { DeploymentRoleKind } from './naming';

export { deploymentRoleName, deploymentPolicyName, type DeploymentRoleKind } from './naming';

/** The group whose through-the-stack grants each role carries (ci's equal developer's). */
export const ROLE_AUDIENCE: Readonly<Record<DeploymentRoleKind, GroupRole>> = { admin: 'admin', update: 'developer' };
/** The role each group passes (provider.iam.deploymentRole of its serverless.yml). */
export const GROUP_DEPLOYMENT_ROLE: Readonly<Record<GroupRole, DeploymentRoleKind>> = {
  admin: 'admin',
  developer: 'update',
  ci: 'update',
};

/**
 * Entries without aws:CalledVia that CloudFormation's resource handlers call too (scripts/lib/prove/cfn-on-behalf.json
 * lists each handler's calls; test/proof/deployment-roles.test.ts checks each is allowed to the role), with the
 * actions the handlers use when the CLI's share of the entry is more (`actions`: a subset, never new actions).
 */
export const STACK_CALLS: Readonly<Record<string, { readonly why: string; readonly actions?: readonly string[] }>> = {
  'apigateway.own-read': { why: 'the REST API, API key and usage plan handlers read what they write (own stack tag)' },
  'apigateway.http-api-read': { why: 'the HTTP API handlers read the API and its children after each write' },
  'apigateway.api-lifecycle': { why: "the REST API, key and usage plan delete handlers (admin's)" },
  'iam.read-execution-roles': { why: 'the role handler reads the role it writes' },
  'iam.pass-execution-roles': { why: 'the function and schedule handlers pass the execution roles' },
  'lambda.function-read': { why: 'the function, version and alias handlers read what they write' },
  'lambda.function-update': { why: 'the function, version, alias and invoke-config handlers; Custom::* invokes' },
  'lambda.function-lifecycle': {
    why: "the function, URL, alias and invoke-config create and delete handlers (admin's)",
  },
  'lambda.function-configuration': { why: 'the function update handler (no VPC without VpcSubnetIds)' },
  'lambda.function-configuration-network': { why: "the function update handler (the service's network only)" },
  'lambda.function-create': { why: "the function create handler (admin's; no VPC without VpcSubnetIds)" },
  'lambda.function-create-network': { why: "the function create handler (admin's; the service's network only)" },
  'lambda.vpc-config-check': { why: "the function create and update handlers check a VpcConfig's subnets and groups" },
  'lambda.version-prune': { why: 'the version delete handler' },
  'lambda.event-source-mapping-read': { why: 'the mapping handlers read the mapping' },
  'lambda.event-source-mapping-update': { why: 'the mapping update handler' },
  'lambda.event-source-mapping-create': { why: "the mapping create handler (admin's)" },
  'lambda.event-source-mapping-delete': { why: "the mapping delete handler (admin's)" },
  'lambda.layers': { why: 'the layer version and layer permission handlers' },
  'lambda.layer-sharing': { why: 'the layer permission handler (layers with allowedAccounts, ResourceTypes)' },
  'lambda.external-layer-read': { why: 'the function handler reads the layers a function uses' },
  'logs.describe-log-groups': { why: 'the log group handlers list log groups' },
  'logs.log-groups-update': { why: 'the log group handlers set retention and tags' },
  'logs.log-groups-lifecycle': { why: "the log group create and delete handlers (admin's)" },
  'logs.subscription-filters-read': { why: 'the subscription filter handlers read the filters' },
  's3.deployment-bucket-lifecycle': { why: "the deployment bucket and its policy (admin's first deploy and remove)" },
  's3.artifacts': {
    why: 'Lambda reads the code and layer zips from the artifacts with the caller’s credentials',
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
  },
};

/** STACK_CALLS entries no CLI command calls: the groups lose them with DeploymentRoles (their role holds them). */
export const STACK_ONLY: ReadonlySet<string> = new Set([
  'lambda.function-lifecycle',
  'lambda.function-create',
  'lambda.function-create-network',
  'lambda.event-source-mapping-create',
  'lambda.event-source-mapping-delete',
  'logs.log-groups-lifecycle',
  's3.deployment-bucket-lifecycle',
]);

const CALLED_VIA = 'aws:CalledVia';

/** Whether an entry is granted only through the stack: an Allow whose condition requires aws:CalledVia. */
export function throughStack(e: CatalogEntry): boolean {
  if ((e.effect ?? 'Allow') !== 'Allow') return false;
  return Object.entries(e.condition ?? {}).some(
    ([op, keys]) => op === 'ForAnyValue:StringEquals' && keys[CALLED_VIA] !== undefined,
  );
}

/** The condition without its aws:CalledVia requirement (a service role's calls carry none). */
function withoutCalledVia(condition: ConditionBlock | undefined): ConditionBlock | undefined {
  if (!condition) return undefined;
  const out: ConditionBlock = {};
  for (const [op, keys] of Object.entries(condition)) {
    const rest = Object.fromEntries(
      Object.entries(keys).filter(([k]) => !(op === 'ForAnyValue:StringEquals' && k === CALLED_VIA)),
    );
    if (Object.keys(rest).length) out[op] = rest;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The catalog entries of one deployment role's policy, for this Access resource (see the module comment). */
export function roleEntries(
  entries: readonly CatalogEntry[],
  config: AccessConfig,
  kind: DeploymentRoleKind,
): CatalogEntry[] {
  const group = ROLE_AUDIENCE[kind];
  const out: CatalogEntry[] = [];
  for (const e of entries) {
    if (!audienceOf(e, config).includes(group)) continue;
    if ((e.effect ?? 'Allow') === 'Deny') {
      // The group's guards on its own stack calls concern the group, not the role (which calls no stack API).
      if (!e.actions.every((a) => a.startsWith('cloudformation:'))) out.push(e);
      continue;
    }
    const shared = STACK_CALLS[e.id];
    if (!throughStack(e) && !shared) continue;
    const condition = withoutCalledVia(e.condition);
    const { condition: _dropped, when: _when, alsoFor: _alsoFor, ...rest } = e;
    out.push({
      ...rest,
      roles: [group],
      actions: shared?.actions ? e.actions.filter((a) => shared.actions?.includes(a)) : e.actions,
      ...(condition ? { condition } : {}),
    });
  }
  return out;
}

/** With DeploymentRoles, a group's own entries: no through-the-stack grant, no STACK_ONLY entry. */
export function forGroups(entries: readonly CatalogEntry[], config: AccessConfig): CatalogEntry[] {
  if (!config.deploymentRoles) return [...entries];
  return entries.filter((e) => !throughStack(e) && !STACK_ONLY.has(e.id));
}

/** The trust policy: CloudFormation only (a service role; Lambda cannot assume it, so no code runs as it). */
export function deploymentRoleTrust(): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
}
