/**
 * Expands one parsed Access resource into IAM groups, managed policies, the Lambda execution role,
 * submodule resources and outputs. Pure: config in, resources out.
 */
import { CORE_CATALOG } from '../catalog';
import { applies } from '../catalog/applicability';
import { GROUP_ROLES, type CatalogEntry, type GroupRole, type Role } from '../catalog/types';
import type { ExpansionContext, CfnResource, Submodule } from '../submodules/types';
import type { AccessConfig } from './config';
import { IAM_NAME_LIMITS } from './config';
import { InvalidResourceError } from './errors';
import { pack, GROUP_POLICY_QUOTA, packWithin as packFuller, PolicyTooLargeError, type PackedPolicy } from './iam/pack';
import { renderEntry } from './iam/render';
import { boundaryPolicy, boundaryPolicyName } from './boundary';
import { deploymentRoleTrust, forGroups, roleEntries } from './deployment-role';
import {
  accessRoleName,
  arnTokens,
  deploymentPolicyName,
  deploymentRoleName,
  type DeploymentRoleKind,
  exportName,
  groupName,
  lambdaPolicyName,
  lambdaRoleName,
  logicalIds,
  pascal,
  pascalName,
  policyName,
} from './naming';
import { existingProviderArn, providersToCreate, ROLE_KEYS, trustPolicy, type ProviderArn } from './roles';

export interface Expansion {
  readonly resources: Record<string, CfnResource>;
  readonly outputs: Record<string, Record<string, unknown>>;
  /** What Ref and Fn::GetAtt of the Access resource resolve to. */
  readonly refs: { readonly ref?: unknown; readonly attributes: Record<string, unknown> };
  /** IAM names this expansion creates, to detect clashes between Access resources. */
  readonly iamNames: readonly { kind: 'group' | 'policy' | 'role' | 'oidc-provider'; name: string }[];
  /** The Properties of each managed policy it creates, with its document's compact JSON length. */
  readonly policyDocuments: readonly { readonly properties: Record<string, unknown>; readonly jsonSize: number }[];
}

export interface EnabledSubmodule {
  readonly module: Submodule<unknown>;
  readonly options: unknown;
}

/** The principals whose policies the expansion fills from the catalog: the groups and the execution role. */
const EXPANDED_PRINCIPALS: readonly Role[] = [...GROUP_ROLES, 'lambda'];

/** Which group roles an entry applies to for this config (the "audience" of its statement). */
export function audienceOf(entry: CatalogEntry, config: AccessConfig): GroupRole[] {
  if (!applies(entry.when, config)) return [];
  const roles = new Set<Role>(entry.roles);
  if (entry.alsoFor && applies(entry.alsoFor.when, config)) entry.alsoFor.roles.forEach((r) => roles.add(r));
  return GROUP_ROLES.filter((r) => roles.has(r));
}

export function expandAccess(
  config: AccessConfig,
  submodules: readonly EnabledSubmodule[],
  accessResource: Record<string, unknown>,
  macroName: string,
): Expansion {
  const id = config.logicalId;
  const tokens = arnTokens(config);
  const entries: CatalogEntry[] = [...CORE_CATALOG, ...submodules.flatMap((s) => s.module.entries(s.options, config))];
  for (const e of entries) {
    const other = [...e.roles, ...(e.alsoFor?.roles ?? [])].find((r) => !EXPANDED_PRINCIPALS.includes(r));
    // A statement for a role a submodule creates (codedeploy) belongs in that role's own policy, not here.
    if (other) throw new Error(`catalog entry ${e.id} is for ${other}, which gets no statement from the expansion`);
  }
  const tags = [
    ...Object.entries(config.tags)
      .filter(([k]) => k !== 'service' && k !== 'stage')
      .map(([Key, Value]) => ({ Key, Value })),
    { Key: 'service', Value: config.serviceName },
    { Key: 'stage', Value: config.stage },
  ];

  // Carried over from the Access resource to everything it expands into.
  const carried: Record<string, unknown> = {};
  for (const key of ['Condition', 'DependsOn'] as const)
    if (accessResource[key] !== undefined) carried[key] = accessResource[key];
  const metadata = accessResource.Metadata as Record<string, unknown> | undefined;
  const withCarried = (r: CfnResource): CfnResource => {
    const md = metadata;
    const { Type, DependsOn, ...rest } = r;
    // A submodule resource's own DependsOn adds to the Access resource's, never replaces it.
    const dependsOn =
      DependsOn === undefined
        ? carried.DependsOn
        : carried.DependsOn === undefined
          ? DependsOn
          : [...new Set([...asList(carried.DependsOn), ...asList(DependsOn)])];
    return {
      Type,
      ...carried,
      ...(dependsOn !== undefined ? { DependsOn: dependsOn } : {}),
      ...(md ? { Metadata: md } : {}),
      ...rest,
    } as CfnResource;
  };

  const resources: Record<string, CfnResource> = {};
  const outputs: Record<string, Record<string, unknown>> = {};
  const iamNames: { kind: 'group' | 'policy' | 'role' | 'oidc-provider'; name: string }[] = [];
  const policyDocuments: { properties: Record<string, unknown>; jsonSize: number }[] = [];
  const output = (suffix: string, value: unknown, description?: string) => {
    outputs[`${id}${suffix}`] = {
      ...(description ? { Description: description } : {}),
      Value: value,
      Export: { Name: exportName(id, suffix) },
      ...(carried.Condition ? { Condition: carried.Condition } : {}),
    };
  };
  // Generated names already fit (naming.ts fitName); a name the user chose whole (LambdaRoleName) is refused
  // with its property when IAM would refuse it.
  const recordName = (kind: 'group' | 'policy' | 'role', name: string, userProperty?: string) => {
    const limit = IAM_NAME_LIMITS[kind];
    if (name.length > limit) {
      if (userProperty)
        throw new InvalidResourceError(
          id,
          userProperty,
          `'${name}' is ${name.length} characters long; IAM allows ${limit} in a ${kind} name. Choose a shorter name.`,
        );
      throw new Error(
        `internal error: the generated ${kind} name '${name}' is ${name.length} characters long (IAM allows ${limit}); naming.ts must fit it`,
      );
    }
    iamNames.push({ kind, name });
  };

  // 0. The deployment bucket resolver (template.yaml's BucketResolverFunction), when the name is generated.
  if (config.resolveDeploymentBucket) {
    resources[logicalIds.deploymentBucket(id)] = withCarried({
      Type: 'Custom::ServerlessDeploymentBucket',
      Properties: {
        ServiceToken: { 'Fn::ImportValue': `${macroName}-BucketResolverArn` },
        // Fail after 2 minutes (the resolver's own timeout is 60 s) instead of CloudFormation's default hour.
        ServiceTimeout: 120,
        StackName: config.stackName,
        Mode: config.deploymentBucket.mode,
        Region: config.region,
        Partition: { Ref: 'AWS::Partition' },
        ...(config.deploymentBucketToken ? { Token: config.deploymentBucketToken } : {}),
      },
    });
    output('DeploymentBucketArn', { 'Fn::GetAtt': [logicalIds.deploymentBucket(id), 'BucketArn'] });
  }

  // 1. Group policies: the statements all three groups get go into `shared` policies attached to each;
  // the others into one set per group (`admin`, `developer`, `ci`), a statement repeated where two groups
  // share it. That keeps each group's policy count at its own minimum, far under IAM's 10.
  const byAudience = new Map<string, { roles: GroupRole[]; entries: CatalogEntry[] }>([
    ['shared', { roles: [...GROUP_ROLES], entries: [] }],
    ...GROUP_ROLES.map((r): [string, { roles: GroupRole[]; entries: CatalogEntry[] }] => [
      r,
      { roles: [r], entries: [] },
    ]),
  ]);
  for (const entry of forGroups(entries, config)) {
    const roles = audienceOf(entry, config);
    if (roles.length === GROUP_ROLES.length) byAudience.get('shared')?.entries.push(entry);
    else for (const r of roles) byAudience.get(r)?.entries.push(entry);
  }
  const policiesOfRole = new Map<GroupRole, unknown[]>(GROUP_ROLES.map((r) => [r, []]));
  const rendered = [...byAudience].map(
    ([audience, { roles, entries: list }]) =>
      [audience, roles, list.sort(byId).map((e) => renderEntry(e, tokens))] as const,
  );
  // Policies filled to 80% (POLICY_BUDGET) unless that gives a group more than IAM's 10: then fuller (PACK_BUDGETS, iam/pack.ts).
  const packedByAudience = packWithin(
    id,
    rendered.map(([, , statements]) => statements),
    (counts) =>
      Math.max(
        ...GROUP_ROLES.map((r) => rendered.reduce((n, [, roles], i) => n + (roles.includes(r) ? counts[i] : 0), 0)),
      ),
  );
  for (const [k, [audience, roles]] of rendered.entries()) {
    const packed = packedByAudience[k];
    if (!packed.length) continue;
    packed.forEach((p, i) => {
      const logicalId = logicalIds.policy(id, audience, i);
      const name = policyName(config, audience, i, packed.length);
      recordName('policy', name);
      // The Description is immutable on AWS (a change replaces the policy, and a named policy cannot be
      // replaced in place), so it says only what never changes: no counts, no sizes.
      const properties = {
        ManagedPolicyName: name,
        Description: `${config.slsServiceName} ${config.stage}: ${roles.join(', ')}`,
        Path: config.policyPath,
        PolicyDocument: p.document,
      };
      policyDocuments.push({ properties, jsonSize: p.jsonSize });
      resources[logicalId] = withCarried({ Type: 'AWS::IAM::ManagedPolicy', Properties: properties });
      roles.forEach((r) => policiesOfRole.get(r)?.push({ Ref: logicalId }));
      // Without groups the policies are the interface (attach them to roles or permission sets).
      if (config.disableGroups) output(`${pascalName(audience)}Policy${i + 1}Arn`, { Ref: logicalId });
    });
  }

  // 2. The groups.
  if (!config.disableGroups) {
    for (const role of GROUP_ROLES) {
      const arns = policiesOfRole.get(role) ?? [];
      if (arns.length > GROUP_POLICY_QUOTA) {
        throw new InvalidResourceError(
          id,
          undefined,
          `needs ${arns.length} managed policies on the ${role} group; IAM allows ${GROUP_POLICY_QUOTA}. Turn off a submodule or split the service.`,
        );
      }
      const name = groupName(config, role);
      recordName('group', name);
      resources[logicalIds.group(id, role)] = withCarried({
        Type: 'AWS::IAM::Group',
        Properties: { GroupName: name, Path: '/', ManagedPolicyArns: arns },
      });
      output(`${pascal(role)}GroupName`, { Ref: logicalIds.group(id, role) });
    }
  }

  // 2b. Roles (the `Roles` property): the group's policies, assumable by the principals and tokens listed there.
  const providers = providersToCreate(config.roles);
  const providerIds = new Map<string, string>();
  let gitLabCount = 0;
  for (const p of providers) {
    const logicalId =
      p.kind === 'github'
        ? logicalIds.oidcProvider(id, 'GitHub')
        : logicalIds.oidcProvider(id, `GitLab${gitLabCount++ ? gitLabCount : ''}`);
    providerIds.set(p.host, logicalId);
    iamNames.push({ kind: 'oidc-provider', name: p.host });
    resources[logicalId] = withCarried({
      Type: 'AWS::IAM::OIDCProvider',
      Properties: { Url: `https://${p.host}`, ClientIdList: p.audiences, Tags: tags },
    });
    output(
      `${p.kind === 'github' ? 'GitHub' : logicalId.slice(id.length).replace(/Provider$/, '')}ProviderArn`,
      { Ref: logicalId },
      `OIDC provider ${p.host} (created by this stack: one per account)`,
    );
  }
  const providerArn: ProviderArn = (_kind, host) => {
    const created = providerIds.get(host);
    return created ? { Ref: created } : existingProviderArn(host);
  };
  for (const role of GROUP_ROLES) {
    const trust = config.roles[role];
    if (!trust) continue;
    const arns = policiesOfRole.get(role) ?? [];
    if (arns.length > GROUP_POLICY_QUOTA) {
      throw new InvalidResourceError(
        id,
        `Roles.${ROLE_KEYS[role]}`,
        `needs ${arns.length} managed policies on the ${role} role; IAM allows ${GROUP_POLICY_QUOTA}. Turn off a submodule or split the service.`,
      );
    }
    const name = accessRoleName(config, role);
    recordName('role', name);
    const reachable = serviceRolePatterns(config).find((pattern) => iamWildcardMatch(pattern, name));
    if (reachable) {
      throw new InvalidResourceError(
        id,
        'ResourcePrefix',
        `names the ${role} role '${name}', which the service's own role grants cover ('${reachable}': admin may rewrite those roles through the stack, developer and ci may pass some of them), so holding one access level could open another. Choose a ResourcePrefix that does not start with '${config.slsServiceName}-${config.iamStage}', such as the default cf-${config.serviceName}.`,
      );
    }
    trust.principals.forEach((p, i) => {
      const own = ownRoleSamples(config).find((sample) =>
        iamWildcardMatch(p.pattern.replace(/^arn:[^:]*:iam::[^:]*:/, ''), `role/${sample.name}`),
      );
      if (own) {
        throw new InvalidResourceError(
          id,
          `Roles.${ROLE_KEYS[role]}.Principals[${i}]`,
          `'${p.written}' matches ${own.what} '${own.name}': whoever can act as that role (${own.who}) could then assume the ${role} role. Trust the roles of people (IAM Identity Center) or CI, not the service's own.`,
        );
      }
    });
    const assumeRolePolicy = trustPolicy(trust, providerArn);
    if (!assumeRolePolicy.Statement.length) {
      throw new InvalidResourceError(
        id,
        `Roles.${ROLE_KEYS[role]}`,
        'names nobody who may assume the role; add Principals, GitHub branches or environments, or GitLab branches.',
      );
    }
    const logicalId = logicalIds.accessRole(id, role);
    resources[logicalId] = withCarried({
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: name,
        Description: `${config.slsServiceName} ${config.stage}: the ${role} access level (the policies of the ${role} group)`,
        Path: '/',
        ...(trust.maxSessionDuration !== undefined ? { MaxSessionDuration: trust.maxSessionDuration } : {}),
        AssumeRolePolicyDocument: assumeRolePolicy,
        ManagedPolicyArns: arns,
        Tags: tags,
      },
    });
    output(
      `${pascal(role)}RoleArn`,
      { 'Fn::GetAtt': [logicalId, 'Arn'] },
      `IAM role of the ${role} access level (aws-actions/configure-aws-credentials role-to-assume, or a profile's role_arn)`,
    );
  }

  // 3. The boundary every role of the service carries (core/boundary.ts), unless PermissionsBoundary names the
  // user's own or opts out; then the Lambda execution role (unless a custom one is named) and its policy.
  const lambdaEntries = entries.filter((e) => e.roles.includes('lambda') && applies(e.when, config));
  const boundaryId = logicalIds.boundary(id);
  let roleBoundary: unknown;
  if (config.boundary === 'macro') {
    const policy = boundaryPolicy(config, tokens, lambdaEntries);
    const name = boundaryPolicyName(config);
    recordName('policy', name);
    // A stable Description: it is immutable on AWS (see the group policies above).
    const properties = {
      ManagedPolicyName: name,
      Description: `${config.slsServiceName} ${config.stage}: permissions boundary of every role of the service`,
      Path: '/',
      PolicyDocument: policy.document,
    };
    policyDocuments.push({ properties, jsonSize: policy.jsonSize });
    resources[boundaryId] = withCarried({ Type: 'AWS::IAM::ManagedPolicy', Properties: properties });
    roleBoundary = { Ref: boundaryId };
    output(
      'BoundaryArn',
      { Ref: boundaryId },
      'Permissions boundary for every role of the service (provider.iam.role.permissionsBoundary)',
    );
  } else if (config.boundary === 'external') {
    roleBoundary = config.permissionsBoundary;
  }
  const roleName = lambdaRoleName(config);
  recordName('role', roleName, config.lambdaRoleName ? 'LambdaRoleName' : undefined);
  const roleLogicalId = logicalIds.lambdaRole(id);
  const lambdaRole = config.lambdaRoleName ? config.lambdaRoleName : { Ref: roleLogicalId };
  if (!config.lambdaRoleName) {
    resources[roleLogicalId] = withCarried({
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: roleName,
        Description: `Execution role of ${config.slsServiceName} ${config.stage} (provider.iam.role in serverless.yml)`,
        Path: '/',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ...(roleBoundary ? { PermissionsBoundary: roleBoundary } : {}),
        Tags: tags,
      },
    });
    output('LambdaRoleArn', { 'Fn::GetAtt': [roleLogicalId, 'Arn'] });
  }
  const lambdaPolicies = packOrFail(
    id,
    lambdaEntries.sort(byId).map((e) => renderEntry(e, tokens)),
  );
  lambdaPolicies.forEach((p, i) => {
    const name = lambdaPolicyName(config, i, lambdaPolicies.length);
    recordName('policy', name);
    const properties = {
      ManagedPolicyName: name,
      Description: `${config.slsServiceName} ${config.stage}: what the functions need at run time`,
      Path: '/',
      PolicyDocument: p.document,
      Roles: [lambdaRole],
    };
    policyDocuments.push({ properties, jsonSize: p.jsonSize });
    resources[`${logicalIds.lambdaPolicy(id)}${i ? i + 1 : ''}`] = withCarried({
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: properties,
    });
  });

  // 3b. DeploymentRoles: the two CloudFormation service roles (core/deployment-role.ts), their policies derived from
  // the catalog; the groups pass them (catalog/iam.ts) and run their stack only with their own (catalog/cloudformation.ts).
  if (config.deploymentRoles) {
    for (const kind of ['admin', 'update'] as const satisfies readonly DeploymentRoleKind[]) {
      const name = deploymentRoleName(config, kind);
      recordName('role', name);
      const reachable = serviceRolePatterns(config).find((pattern) => iamWildcardMatch(pattern, name));
      if (reachable) {
        throw new InvalidResourceError(
          id,
          'ResourcePrefix',
          `names the ${kind} deployment role '${name}', which the service's own role grants cover ('${reachable}': admin may rewrite those roles through its stack), so the stack could rewrite its own service role. Choose a ResourcePrefix that does not start with '${config.slsServiceName}-${config.iamStage}', such as the default cf-${config.serviceName}.`,
        );
      }
      const roleId = logicalIds.deploymentRole(id, kind);
      resources[roleId] = withCarried({
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: name,
          Description:
            kind === 'admin'
              ? `${config.slsServiceName} ${config.stage}: CloudFormation service role of the admin group (create, update, delete)`
              : `${config.slsServiceName} ${config.stage}: CloudFormation service role of the developer and ci groups (update only)`,
          Path: '/',
          AssumeRolePolicyDocument: deploymentRoleTrust(),
          Tags: tags,
        },
      });
      const [packed] = packWithin(
        id,
        [
          roleEntries(entries, config, kind)
            .sort(byId)
            .map((e) => renderEntry(e, tokens)),
        ],
        ([count]) => count,
      );
      packed.forEach((p, i) => {
        const policy = deploymentPolicyName(config, kind, i, packed.length);
        recordName('policy', policy);
        const properties = {
          ManagedPolicyName: policy,
          Description: `${config.slsServiceName} ${config.stage}: what CloudFormation does with the ${kind} deployment role`,
          Path: '/',
          PolicyDocument: p.document,
          Roles: [{ Ref: roleId }],
        };
        policyDocuments.push({ properties, jsonSize: p.jsonSize });
        resources[logicalIds.deploymentPolicy(id, kind, i)] = withCarried({
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: properties,
        });
      });
      const who = kind === 'admin' ? 'the admin group' : 'the developer and ci groups';
      output(
        `${pascal(kind)}DeploymentRoleArn`,
        { 'Fn::GetAtt': [roleId, 'Arn'] },
        `provider.iam.deploymentRole of ${who} (CloudFormation service role)`,
      );
      output(`${pascal(kind)}DeploymentRoleName`, { Ref: roleId }, `Name of the ${kind} deployment role`);
    }
  }

  // 4. Submodule resources and outputs.
  const ctx: ExpansionContext = { config, tokens, logicalId: id, tags, lambdaRole };
  for (const { module, options } of submodules) {
    for (const [suffix, r] of Object.entries(module.resources?.(options, ctx) ?? {}))
      resources[`${id}${suffix}`] = withCarried(r);
    for (const [suffix, o] of Object.entries(module.outputs?.(options, ctx) ?? {}))
      output(suffix, o.value, o.description);
  }

  const attributes: Record<string, unknown> = {};
  if (!config.disableGroups) {
    for (const role of GROUP_ROLES) {
      attributes[`${pascal(role)}GroupName`] = { Ref: logicalIds.group(id, role) };
      attributes[`${pascal(role)}GroupArn`] = { 'Fn::GetAtt': [logicalIds.group(id, role), 'Arn'] };
    }
  }
  for (const role of GROUP_ROLES) {
    if (!config.roles[role]) continue;
    attributes[`${pascal(role)}RoleName`] = { Ref: logicalIds.accessRole(id, role) };
    attributes[`${pascal(role)}RoleArn`] = { 'Fn::GetAtt': [logicalIds.accessRole(id, role), 'Arn'] };
  }
  attributes.LambdaRoleName = config.lambdaRoleName ?? { Ref: roleLogicalId };
  attributes.LambdaRoleArn = config.lambdaRoleName
    ? { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${config.lambdaRoleName}` }
    : { 'Fn::GetAtt': [roleLogicalId, 'Arn'] };
  if (config.boundary === 'macro') attributes.BoundaryArn = { Ref: boundaryId };
  if (config.deploymentRoles) {
    for (const kind of ['admin', 'update'] as const) {
      attributes[`${pascal(kind)}DeploymentRoleArn`] = { 'Fn::GetAtt': [logicalIds.deploymentRole(id, kind), 'Arn'] };
      attributes[`${pascal(kind)}DeploymentRoleName`] = { Ref: logicalIds.deploymentRole(id, kind) };
    }
  }
  return {
    resources,
    outputs,
    refs: { ref: config.disableGroups ? undefined : { Ref: logicalIds.group(id, 'developer') }, attributes },
    iamNames,
    policyDocuments,
  };
}

/**
 * Role names the catalog's IAM grants reach (catalog/arns.ts frameworkRoles and executionRoles): a role of an
 * access level must never be one of them.
 */
function serviceRolePatterns(c: AccessConfig): string[] {
  const tokens = arnTokens(c);
  const heads = tokens.CustomResourceRoleHeads as readonly string[];
  return [
    `${c.slsServiceName}-${c.iamStage}-*`,
    ...heads.map((h) => `${h}-IamRoleCustomResources*`),
    lambdaRoleName(c),
    ...c.executionRoleNames,
  ];
}

/**
 * Roles of this service and stage a `Principals` pattern must not match: the access roles themselves, the
 * execution roles (the service's code runs as them, and developer and ci deploy that code), and the framework's
 * roles (`<service>-<stage>-*`, which admin may change through the stack). Concrete names stand for the patterns.
 */
function ownRoleSamples(c: AccessConfig): { name: string; what: string; who: string }[] {
  return [
    ...GROUP_ROLES.map((r) => ({
      name: accessRoleName(c, r),
      what: `the ${r} role of this Access resource`,
      who: `its ${r} access level`,
    })),
    {
      name: lambdaRoleName(c),
      what: 'the execution role',
      who: "the service's functions, whose code developer and ci deploy",
    },
    ...c.executionRoleNames.map((n) => ({
      name: n,
      what: 'an execution role (ExecutionRoleNames)',
      who: "the service's functions, whose code developer and ci deploy",
    })),
    {
      name: `${c.slsServiceName}-${c.iamStage.replace(/[*?]/g, 'x')}-${c.region}-lambdaRole`,
      what: "the framework's execution role",
      who: "the service's functions, and admin through the stack",
    },
  ];
}

/** IAM's wildcard match (`*` any run, `?` one character), case-sensitive like role ARNs in policies. */
function iamWildcardMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^$()|[\]\\{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

function asList(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Code-unit order (not locale order): fast, and the same on every machine. */
const byId = (a: CatalogEntry, b: CatalogEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** packWithin (iam/pack.ts), a statement too large for one policy reported as the Access resource's error. */
function packWithin(
  id: string,
  lists: readonly Parameters<typeof pack>[0][],
  policiesPerPrincipal: (counts: readonly number[]) => number,
): PackedPolicy[][] {
  try {
    return packFuller(lists, policiesPerPrincipal).packed;
  } catch (e) {
    if (e instanceof PolicyTooLargeError)
      throw new InvalidResourceError(id, undefined, `${e.message}; shorten the names it contains.`, { cause: e });
    throw e;
  }
}

function packOrFail(id: string, statements: Parameters<typeof pack>[0]): PackedPolicy[] {
  try {
    return pack(statements);
  } catch (e) {
    if (e instanceof PolicyTooLargeError)
      throw new InvalidResourceError(id, undefined, `${e.message}; shorten the names it contains.`, { cause: e });
    throw e;
  }
}
