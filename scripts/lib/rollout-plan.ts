/**
 * Pure planning for `npm run rollout`: what to call to bring a StackSet to the wanted template, parameters and
 * targets, given what DescribeStackSet and ListStackInstances report, and the administration role's stack to its
 * template, given DescribeStacks/GetTemplate. No AWS call happens here; scripts/rollout.ts runs the plan.
 *
 * The rollout has three parts (AWS's path for macro definitions, README "Roll out to an organization"):
 * 1. a stack in the administrator account with AWSCloudFormationStackSetAdministrationRole (planAdminStack);
 * 2. a SERVICE_MANAGED StackSet with automatic deployment that puts AWSCloudFormationStackSetExecutionRole
 *    into every account of the OUs, in one region (IAM is global);
 * 3. a SELF_MANAGED StackSet with the macro, whose target accounts are the stack instances of part 2.
 * Parts 2 and 3 are both planned by planRollout, with permissionModel telling them apart.
 *
 * The decisions (CloudFormation API reference, CreateStackSet / UpdateStackSet / CreateStackInstances):
 * - SERVICE_MANAGED permissions with AutoDeployment {Enabled: true, RetainStacksOnAccountRemoval: false}:
 *   accounts that join a target OU later get the macro, accounts that leave lose it.
 * - The StackSet is created with no instances; CreateStackInstances then targets the OUs (an OU id, or the
 *   organization root id r-... for the whole organization) in the regions. StackSets never deploys to the
 *   management account, even when it sits in a target OU.
 * - An existing StackSet whose template, parameters, capabilities, auto-deployment or managed execution
 *   differ is updated with UpdateStackSet without DeploymentTargets/Regions, which updates all its stack
 *   instances; OUTDATED instances (an earlier run that stopped) also trigger it. PermissionModel cannot
 *   change while instances exist, so a SELF_MANAGED StackSet of the same name is an error.
 * - OU/region pairs with no stack instance yet get CreateStackInstances, grouped by identical region lists.
 * - ManagedExecution {Active: true} lets StackSets queue non-conflicting operations (automatic deployments
 *   for new accounts can run at any time) instead of failing ours with OperationInProgressException.
 * - Failure tolerance 0: the first failed stack instance fails the operation, and the rollout stops.
 */
import type {
  AutoDeployment,
  Capability,
  CreateStackCommandInput,
  Stack,
  UpdateStackCommandInput,
  CreateStackInstancesCommandInput,
  CreateStackSetCommandInput,
  StackInstanceSummary,
  StackSet,
  StackSetOperationPreferences,
  StackSetOperationResultSummary,
  UpdateStackSetCommandInput,
} from '@aws-sdk/client-cloudformation';

export const DEFAULT_STACK_SET_NAME = 'formidable-serverless-access';
export const AUTO_DEPLOYMENT: AutoDeployment = { Enabled: true, RetainStacksOnAccountRemoval: false };
export const OPERATION_PREFERENCES: StackSetOperationPreferences = {
  FailureToleranceCount: 0,
  MaxConcurrentPercentage: 50,
  RegionConcurrencyType: 'PARALLEL',
};
/** OU or root ids, as CreateStackInstances validates them. */
export const OU_PATTERN = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

export class RolloutError extends Error {
  override name = 'RolloutError';
}

export interface RolloutTarget {
  readonly stackSetName: string;
  /** SERVICE_MANAGED (targets: OUs, auto-deployment) unless said otherwise. */
  readonly permissionModel?: 'SERVICE_MANAGED' | 'SELF_MANAGED';
  /** SERVICE_MANAGED: the OUs (or root) to deploy to. */
  readonly organizationalUnits: readonly string[];
  /** SELF_MANAGED: the account ids to deploy to. */
  readonly accounts?: readonly string[];
  /** SELF_MANAGED: the administration role (ARN) and the execution role's name in the target accounts. */
  readonly administrationRoleArn?: string;
  readonly executionRoleName?: string;
  readonly regions: readonly string[];
  readonly templateBody: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly capabilities: readonly Capability[];
  readonly description?: string;
  /** DELEGATED_ADMIN when run from a delegated administrator account instead of the management account. */
  readonly callAs?: 'SELF' | 'DELEGATED_ADMIN';
}

export interface CurrentState {
  /** DescribeStackSet's StackSet, or undefined when it does not exist (or was deleted). */
  readonly stackSet?: StackSet;
  readonly instances: readonly StackInstanceSummary[];
}

export type Step =
  | { readonly kind: 'create-stack'; readonly input: CreateStackCommandInput; readonly why: string }
  | { readonly kind: 'update-stack'; readonly input: UpdateStackCommandInput; readonly why: string }
  | { readonly kind: 'create-stack-set'; readonly input: CreateStackSetCommandInput; readonly why: string }
  | { readonly kind: 'update-stack-set'; readonly input: UpdateStackSetCommandInput; readonly why: string }
  | {
      readonly kind: 'create-stack-instances';
      readonly input: CreateStackInstancesCommandInput;
      readonly why: string;
    };

export interface Plan {
  readonly steps: readonly Step[];
  /** What is already as wanted (for the plan print-out). */
  readonly upToDate: readonly string[];
}

export const ACCOUNT_PATTERN = /^\d{12}$/;
export const ADMINISTRATION_ROLE_NAME = 'AWSCloudFormationStackSetAdministrationRole';
export const EXECUTION_ROLE_NAME = 'AWSCloudFormationStackSetExecutionRole';

export function validateTarget(t: RolloutTarget): void {
  const errors: string[] = [];
  if (!/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(t.stackSetName))
    errors.push(
      `stack set name ${t.stackSetName} must start with a letter and hold only letters, digits and hyphens (128 at most)`,
    );
  if (t.permissionModel === 'SELF_MANAGED') {
    for (const a of t.accounts ?? [])
      if (!ACCOUNT_PATTERN.test(a)) errors.push(`${a} is not an account id (12 digits)`);
    if (!t.administrationRoleArn)
      errors.push(`StackSet ${t.stackSetName}: a self-managed StackSet needs the administration role's ARN`);
    if (!t.regions.length) errors.push('--regions is required (for example us-east-1,eu-west-1)');
    for (const r of t.regions) if (!REGION_PATTERN.test(r)) errors.push(`${r} is not a region name`);
    if (errors.length) throw new RolloutError(errors.join('\n'));
    return;
  }
  if (!t.organizationalUnits.length)
    errors.push(
      'at least one --organizational-unit (ou-... or the root id r-... for the whole organization) is required',
    );
  for (const ou of t.organizationalUnits)
    if (!OU_PATTERN.test(ou)) errors.push(`${ou} is not an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)`);
  if (!t.regions.length) errors.push('--regions is required (for example us-east-1,eu-west-1)');
  for (const r of t.regions) if (!REGION_PATTERN.test(r)) errors.push(`${r} is not a region name`);
  if (errors.length) throw new RolloutError(errors.join('\n'));
}

/** CAPABILITY_NAMED_IAM when an IAM resource has a custom name, CAPABILITY_IAM for other IAM resources. */
export function requiredCapabilities(template: { Resources?: Record<string, unknown> }): Capability[] {
  const iam = Object.values(template.Resources ?? {}).filter((r) =>
    String((r as { Type?: unknown })?.Type).startsWith('AWS::IAM::'),
  ) as { Properties?: Record<string, unknown> }[];
  if (!iam.length) return [];
  const named = iam.some((r) =>
    ['RoleName', 'GroupName', 'ManagedPolicyName', 'UserName', 'InstanceProfileName'].some(
      (k) => r.Properties?.[k] !== undefined,
    ),
  );
  return [named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'];
}

export function planRollout(target: RolloutTarget, state: CurrentState): Plan {
  validateTarget(target);
  const common = { StackSetName: target.stackSetName, ...(target.callAs ? { CallAs: target.callAs } : {}) };
  const parameters = Object.entries(target.parameters).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));
  const stackSet = state.stackSet && state.stackSet.Status !== 'DELETED' ? state.stackSet : undefined;
  const steps: Step[] = [];
  const upToDate: string[] = [];

  // What CreateStackSet sets and UpdateStackSet re-states: one definition, so the two never drift apart.
  const selfManaged = target.permissionModel === 'SELF_MANAGED';
  const model: 'SELF_MANAGED' | 'SERVICE_MANAGED' = selfManaged ? 'SELF_MANAGED' : 'SERVICE_MANAGED';
  const definition = {
    ...common,
    Description: target.description,
    TemplateBody: target.templateBody,
    Parameters: parameters,
    Capabilities: [...target.capabilities],
    PermissionModel: model,
    ...(selfManaged
      ? {
          AdministrationRoleARN: target.administrationRoleArn,
          ExecutionRoleName: target.executionRoleName ?? EXECUTION_ROLE_NAME,
        }
      : { AutoDeployment: AUTO_DEPLOYMENT }),
    ManagedExecution: { Active: true },
  };
  if (!stackSet) {
    steps.push({
      kind: 'create-stack-set',
      why: `StackSet ${target.stackSetName} does not exist`,
      input: definition,
    });
  } else {
    if ((stackSet.PermissionModel ?? 'SELF_MANAGED') !== model) {
      throw new RolloutError(
        `StackSet ${target.stackSetName} exists with ${stackSet.PermissionModel ?? 'SELF_MANAGED'} permissions; this rollout needs ${model} for it (${selfManaged ? 'AWS documents macro definitions in self-managed StackSets only' : 'auto-deployment to OUs'}), and the permission model cannot change while it has stack instances. Use another --stack-set-name, or delete that StackSet first.`,
      );
    }
    const changes = stackSetChanges(target, stackSet, parameters);
    const outdated = state.instances.filter((i) => i.Status === 'OUTDATED' || i.Status === 'INOPERABLE');
    if (outdated.length)
      changes.push(
        `${outdated.length} stack instance(s) ${[...new Set(outdated.map((i) => i.Status))].join('/')} from an earlier operation`,
      );
    if (changes.length) {
      steps.push({
        kind: 'update-stack-set',
        why: changes.join('; '),
        input: {
          ...definition,
          OperationPreferences: OPERATION_PREFERENCES,
        },
      });
    } else {
      upToDate.push(
        `StackSet ${target.stackSetName}: template, parameters, capabilities and ${selfManaged ? 'roles' : 'auto-deployment'} unchanged`,
      );
    }
  }
  if (selfManaged) {
    steps.push(...accountInstanceSteps(target, state.instances, common, upToDate));
    return { steps, upToDate };
  }

  // OU/region pairs still to cover, grouped by identical region lists (one operation per group).
  const covered = coveredPairs(stackSet, state.instances);
  const missingByOu = new Map<string, string[]>();
  for (const ou of target.organizationalUnits) {
    const missing = target.regions.filter((r) => !covered.has(`${ou} ${r}`));
    if (missing.length) missingByOu.set(ou, missing);
    else upToDate.push(`${ou}: stack instances in ${target.regions.join(', ')}`);
  }
  const groups = new Map<string, { ous: string[]; regions: string[] }>();
  for (const [ou, regions] of missingByOu) {
    const key = regions.join(',');
    if (!groups.has(key)) groups.set(key, { ous: [], regions });
    groups.get(key)?.ous.push(ou);
  }
  for (const { ous, regions } of groups.values()) {
    steps.push({
      kind: 'create-stack-instances',
      why: `no stack instances yet for ${ous.join(', ')} in ${regions.join(', ')}`,
      input: {
        ...common,
        DeploymentTargets: { OrganizationalUnitIds: ous },
        Regions: regions,
        OperationPreferences: OPERATION_PREFERENCES,
      },
    });
  }
  return { steps, upToDate };
}

/** SELF_MANAGED: account/region pairs with no stack instance yet, grouped by identical region lists. */
function accountInstanceSteps(
  target: RolloutTarget,
  instances: readonly StackInstanceSummary[],
  common: { StackSetName: string },
  upToDate: string[],
): Step[] {
  const covered = new Set(instances.filter((i) => i.Account && i.Region).map((i) => `${i.Account} ${i.Region}`));
  const groups = new Map<string, { accounts: string[]; regions: string[] }>();
  const done: string[] = [];
  for (const account of [...new Set(target.accounts ?? [])].sort()) {
    const missing = target.regions.filter((r) => !covered.has(`${account} ${r}`));
    if (!missing.length) {
      done.push(account);
      continue;
    }
    const key = missing.join(',');
    if (!groups.has(key)) groups.set(key, { accounts: [], regions: missing });
    groups.get(key)?.accounts.push(account);
  }
  if (done.length) upToDate.push(`accounts ${done.join(', ')}: stack instances in ${target.regions.join(', ')}`);
  if (!(target.accounts ?? []).length)
    upToDate.push(`StackSet ${target.stackSetName}: no target account yet (no account holds the execution role)`);
  return [...groups.values()].map(({ accounts, regions }) => ({
    kind: 'create-stack-instances' as const,
    why: `no stack instances yet for account${accounts.length === 1 ? '' : 's'} ${accounts.join(', ')} in ${regions.join(', ')}`,
    input: { ...common, Accounts: accounts, Regions: regions, OperationPreferences: OPERATION_PREFERENCES },
  }));
}

function stackSetChanges(
  target: RolloutTarget,
  current: StackSet,
  parameters: { ParameterKey: string; ParameterValue: string }[],
): string[] {
  const changes: string[] = [];
  if (!sameTemplate(current.TemplateBody, target.templateBody)) changes.push('template changed');
  const have = new Map((current.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
  const want = new Map(parameters.map((p) => [p.ParameterKey, p.ParameterValue]));
  const paramDiff = [...new Set([...have.keys(), ...want.keys()])].filter(
    (k) => k !== undefined && have.get(k) !== want.get(k),
  );
  if (paramDiff.length) changes.push(`parameters changed: ${paramDiff.join(', ')}`);
  const caps = (c: readonly string[] | undefined) => [...(c ?? [])].sort().join(',');
  if (caps(current.Capabilities) !== caps(target.capabilities))
    changes.push(`capabilities ${caps(current.Capabilities) || '(none)'} -> ${caps(target.capabilities) || '(none)'}`);
  if (target.permissionModel === 'SELF_MANAGED') {
    if (current.AdministrationRoleARN !== target.administrationRoleArn)
      changes.push(
        `administration role ${current.AdministrationRoleARN ?? '(none)'} -> ${target.administrationRoleArn}`,
      );
    const exec = target.executionRoleName ?? EXECUTION_ROLE_NAME;
    if ((current.ExecutionRoleName ?? EXECUTION_ROLE_NAME) !== exec)
      changes.push(`execution role ${current.ExecutionRoleName} -> ${exec}`);
  } else {
    const auto = current.AutoDeployment;
    if (auto?.Enabled !== true || auto?.RetainStacksOnAccountRemoval !== false) {
      changes.push(`auto-deployment ${JSON.stringify(auto ?? {})} -> ${JSON.stringify(AUTO_DEPLOYMENT)}`);
    }
  }
  if (current.ManagedExecution?.Active !== true) changes.push('managed execution off -> on');
  if (target.description !== undefined && (current.Description ?? '') !== target.description)
    changes.push('description changed');
  return changes;
}

/**
 * The administration role's stack in the administrator account: CreateStack when missing (or deleted),
 * UpdateStack when its template differs, nothing otherwise. A stack stuck in a failed state is an error
 * naming the fix, never a silent re-create.
 */
export function planAdminStack(
  stackName: string,
  templateBody: string,
  current: { stack?: Stack; templateBody?: string },
): Plan {
  const stack = current.stack && current.stack.StackStatus !== 'DELETE_COMPLETE' ? current.stack : undefined;
  const input = { StackName: stackName, TemplateBody: templateBody, Capabilities: ['CAPABILITY_NAMED_IAM' as const] };
  if (!stack)
    return { steps: [{ kind: 'create-stack', input, why: `stack ${stackName} does not exist` }], upToDate: [] };
  const status = stack.StackStatus ?? '';
  if (status === 'ROLLBACK_COMPLETE' || status.endsWith('_FAILED')) {
    throw new RolloutError(
      `stack ${stackName} is ${status}${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}: see its events, delete it (aws cloudformation delete-stack --stack-name ${stackName}), then run again.`,
    );
  }
  if (status.endsWith('_IN_PROGRESS'))
    throw new RolloutError(`stack ${stackName} is ${status}: wait until it settles, then run again.`);
  if (sameTemplate(current.templateBody, templateBody))
    return { steps: [], upToDate: [`stack ${stackName}: ${ADMINISTRATION_ROLE_NAME} unchanged`] };
  return { steps: [{ kind: 'update-stack', input, why: 'template changed' }], upToDate: [] };
}

function sameTemplate(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  if (a === b) return true;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/**
 * "ou region" pairs that already have stack instances. An OU the StackSet targets but holding no account
 * (so no instance anywhere) counts as covered in the StackSet's regions; auto-deployment fills it later.
 */
function coveredPairs(stackSet: StackSet | undefined, instances: readonly StackInstanceSummary[]): Set<string> {
  const pairs = new Set<string>();
  const ousWithInstances = new Set<string>();
  for (const i of instances) {
    if (i.OrganizationalUnitId && i.Region) {
      pairs.add(`${i.OrganizationalUnitId} ${i.Region}`);
      ousWithInstances.add(i.OrganizationalUnitId);
    }
  }
  for (const ou of stackSet?.OrganizationalUnitIds ?? []) {
    if (ousWithInstances.has(ou)) continue;
    for (const r of stackSet?.Regions ?? []) pairs.add(`${ou} ${r}`);
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------------------
// Print-outs.

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'create-stack':
      return `CreateStack ${step.input.StackName} (${ADMINISTRATION_ROLE_NAME}, may only assume ${EXECUTION_ROLE_NAME} in other accounts) - ${step.why}`;
    case 'update-stack':
      return `UpdateStack ${step.input.StackName} (${ADMINISTRATION_ROLE_NAME}) - ${step.why}`;
    case 'create-stack-set':
      if (step.input.PermissionModel === 'SELF_MANAGED') {
        return `CreateStackSet ${step.input.StackSetName} (SELF_MANAGED, administration role ${step.input.AdministrationRoleARN}, execution role ${step.input.ExecutionRoleName}, capabilities ${(step.input.Capabilities ?? []).join(', ') || 'none'}) - ${step.why}`;
      }
      return `CreateStackSet ${step.input.StackSetName} (SERVICE_MANAGED, auto-deployment on, stacks deleted on account removal, capabilities ${(step.input.Capabilities ?? []).join(', ') || 'none'}) - ${step.why}`;
    case 'update-stack-set':
      return `UpdateStackSet ${step.input.StackSetName} (all its stack instances) - ${step.why}`;
    case 'create-stack-instances':
      if (step.input.Accounts)
        return `CreateStackInstances ${step.input.StackSetName}: accounts ${step.input.Accounts.join(', ')} x regions ${(step.input.Regions ?? []).join(', ')} - ${step.why}`;
      return `CreateStackInstances ${step.input.StackSetName}: OUs ${(step.input.DeploymentTargets?.OrganizationalUnitIds ?? []).join(', ')} x regions ${(step.input.Regions ?? []).join(', ')} - ${step.why}`;
  }
}

export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  if (!plan.steps.length) lines.push('  Nothing to do: as wanted.');
  else plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${describeStep(s)}`));
  for (const u of plan.upToDate) lines.push(`  = ${u}`);
  return lines.join('\n');
}

export interface ResultCounts {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

export function countResults(results: readonly StackSetOperationResultSummary[]): ResultCounts {
  const byStatus: Record<string, number> = {};
  for (const r of results) byStatus[r.Status ?? 'UNKNOWN'] = (byStatus[r.Status ?? 'UNKNOWN'] ?? 0) + 1;
  return { total: results.length, byStatus };
}

/** One progress line: `UpdateStackSet 1a2b3c4d RUNNING: 3 succeeded, 2 running, 7 pending (12 stack instances)`. */
export function progressLine(
  label: string,
  operationId: string,
  status: string | undefined,
  counts: ResultCounts,
): string {
  const order = ['SUCCEEDED', 'RUNNING', 'PENDING', 'FAILED', 'CANCELLED'];
  const parts = [
    ...order.filter((s) => counts.byStatus[s]),
    ...Object.keys(counts.byStatus).filter((s) => !order.includes(s)),
  ].map((s) => `${counts.byStatus[s]} ${s.toLowerCase()}`);
  const detail = counts.total
    ? `: ${parts.join(', ')} (${counts.total} stack instance${counts.total === 1 ? '' : 's'})`
    : '';
  return `${label} ${operationId.slice(0, 8)} ${status ?? 'UNKNOWN'}${detail}`;
}

export interface InstanceFailure {
  readonly account: string;
  readonly region: string;
  readonly status: string;
  readonly reason: string;
}

export function failuresOf(results: readonly StackSetOperationResultSummary[]): InstanceFailure[] {
  return results
    .filter((r) => r.Status === 'FAILED')
    .map((r) => ({
      account: r.Account ?? '?',
      region: r.Region ?? '?',
      status: r.Status ?? 'FAILED',
      reason: r.StatusReason ?? '(no reason given)',
    }));
}

/** Stack instances whose last operation failed, from ListStackInstances. */
export function failedInstances(instances: readonly StackInstanceSummary[]): InstanceFailure[] {
  return instances
    .filter((i) => i.StackInstanceStatus?.DetailedStatus === 'FAILED' || i.Status === 'INOPERABLE')
    .map((i) => ({
      account: i.Account ?? '?',
      region: i.Region ?? '?',
      status: i.StackInstanceStatus?.DetailedStatus ?? i.Status ?? 'FAILED',
      reason: i.StatusReason ?? '(no reason given)',
    }));
}

/** Hints for the usual causes, matched on the status reason. */
export function hintFor(reason: string): string | undefined {
  if (/S3|GetObject|NoSuchKey|NoSuchBucket|Access ?Denied|PermanentRedirect/i.test(reason)) {
    return 'Lambda could not read the code object: check that the bucket <prefix>-<region> exists in that region, holds the key named in the template, and has the aws:PrincipalOrgID bucket policy (npm run rollout -- --dry-run prints both).';
  }
  if (/already exists/i.test(reason))
    return 'A resource with that name already exists in the account (a macro or function deployed by hand?): delete it or rename it, then run again.';
  if (/InsufficientCapabilities|Requires capabilities/i.test(reason))
    return 'The template needs another capability; the rollout derives them from the template (CAPABILITY_IAM / CAPABILITY_NAMED_IAM).';
  if (
    /AssumeRole|not authorized to perform: sts|execution ?role|administration ?role|trust relationship/i.test(reason)
  ) {
    return 'StackSets could not assume the roles: the account needs AWSCloudFormationStackSetExecutionRole (from the execution-role StackSet) trusting AWSCloudFormationStackSetAdministrationRole of this account; npm run rollout -- --dry-run lists which accounts have it.';
  }
  if (/Transform|macro/i.test(reason))
    return 'StackSets do not run the SAM transform for a StackSet: roll out the pre-translated template (scripts/lib/stackset-template.ts), not template.yaml.';
  return undefined;
}

export function failureMessage(
  step: string,
  operationId: string,
  operationStatus: string | undefined,
  failures: readonly InstanceFailure[],
  operationReason?: string,
): string {
  const lines = [
    `Rollout stopped: ${step} (operation ${operationId}) ${operationStatus ?? 'FAILED'}${failures.length ? ` - ${failures.length} stack instance(s) failed:` : ''}`,
  ];
  for (const f of failures) {
    lines.push(`  account ${f.account} in ${f.region}: ${f.status}: ${f.reason}`);
    const hint = hintFor(f.reason);
    if (hint) lines.push(`    hint: ${hint}`);
  }
  if (!failures.length && operationReason) lines.push(`  ${operationReason}`);
  lines.push(
    'Fix the cause, then run the same command again: it updates the StackSet and creates only the stack instances still missing.',
  );
  return lines.join('\n');
}

export function instanceTable(instances: readonly StackInstanceSummary[]): string {
  if (!instances.length) return '  (no stack instances)';
  const rows = [...instances]
    .sort((a, b) =>
      `${a.OrganizationalUnitId}${a.Account}${a.Region}`.localeCompare(
        `${b.OrganizationalUnitId}${b.Account}${b.Region}`,
      ),
    )
    .map((i) => [
      i.Account ?? '?',
      i.Region ?? '?',
      i.OrganizationalUnitId ?? '-',
      i.Status ?? '?',
      i.StackInstanceStatus?.DetailedStatus ?? '-',
      i.StatusReason ?? '',
    ]);
  const head = ['account', 'region', 'OU', 'status', 'detail', 'reason'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (r: string[]) =>
    `  ${r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c]))).join('  ')}`.trimEnd();
  return [fmt(head), ...rows.map(fmt)].join('\n');
}
