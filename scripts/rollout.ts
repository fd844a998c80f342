/**
 * npm run rollout -- --organizational-unit ou-xxxx-xxxxxxxx [--organizational-unit ...] --regions us-east-1,eu-west-1
 *                    --code-bucket-prefix NAME [--stack-set-name formidable-serverless-access] [--template FILE]
 *                    [--parameter Key=Value ...] [--region ADMIN_REGION] [--organization-id o-xxxx]
 *                    [--delegated-admin] [--dry-run] [--poll-seconds 10] [--timeout-minutes 120]
 *
 * Rolls the macro out to every account of the given OUs (or, with the root id r-xxxx, of the whole
 * organization) along the path AWS documents for macro definitions ("a stack or stack set with self-managed
 * permissions"; the default service-managed execution role cannot provision macros), in three parts:
 *   1. stack <name>-stackset-admin in this account: AWSCloudFormationStackSetAdministrationRole, which may only
 *      assume AWSCloudFormationStackSetExecutionRole in other accounts;
 *   2. service-managed StackSet <name>-execution-role with automatic deployment, in the administrator region:
 *      AWSCloudFormationStackSetExecutionRole in every account of the OUs (and in accounts that join them
 *      later), trusting only that administration role, allowed only what deploying the macro takes;
 *   3. self-managed StackSet <name> with the macro, in --regions, in every account whose execution-role stack
 *      instance is CURRENT (ListStackInstances of part 2).
 * Re-runnable: each part is created or updated and only missing stack instances are created, so a re-run adds
 * accounts that joined since. It prints progress and stops at the first failure, naming the account, region and
 * reason. --dry-run makes only read calls and prints the plan of all three parts.
 *
 * What part 3 deploys: not template.yaml itself (StackSets do not run the SAM transform) but its translation,
 * dist/stackset-template.json, built by scripts/lib/stackset-template.ts from template.yaml and the
 * `npm run build` bundles, whose code lives in one bucket per region, <code-bucket-prefix>-<region>, readable by
 * the organization. The rollout writes the zips to dist/stackset/ and prints the upload commands and the bucket
 * policy; run them first (once per code change). With --template FILE it rolls out that (already translated)
 * template instead.
 *
 * Prerequisites: run it in the organization's management account (or a delegated administrator account
 * with --delegated-admin), with trusted access for StackSets activated in AWS Organizations. Exit codes:
 * 0 done (or dry run), 1 the rollout failed or stopped, 2 wrong arguments or inputs.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  CreateStackInstancesCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  type Stack,
  CreateStackSetCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  UpdateStackSetCommand,
  type StackInstanceSummary,
  type StackSet,
  type StackSetOperationResultSummary,
} from '@aws-sdk/client-cloudformation';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseTemplate } from './lib/cfn-yaml';
import {
  DEFAULT_STACK_SET_NAME,
  RolloutError,
  countResults,
  describeStep,
  failedInstances,
  failureMessage,
  failuresOf,
  formatPlan,
  instanceTable,
  planAdminStack,
  planRollout,
  progressLine,
  requiredCapabilities,
  validateTarget,
  type Plan,
  type RolloutTarget,
  type Step,
} from './lib/rollout-plan';
import {
  ADMINISTRATION_ROLE,
  BOUNDARY_PARAMETER,
  CODE_BUCKET_PARAMETER,
  DEFAULT_MACRO_NAME,
  EXECUTION_ROLE,
  RESOLVER_NAME_PARAMETER,
  administrationRoleTemplate,
  boundaryPolicyName,
  buildStackSetTemplate,
  executionRoleTemplate,
  codeBucketName,
  codeBucketPolicy,
  codeKeyFor,
  serverlessFunctions,
  stackSetProblems,
  zipFiles,
  type Template,
} from './lib/stackset-template';

export interface RolloutArgs {
  organizationalUnits: string[];
  regions: string[];
  stackSetName: string;
  template?: string;
  samTemplate: string;
  codeBucketPrefix?: string;
  codeKeyPrefix: string;
  parameters: Record<string, string>;
  adminRegion?: string;
  organizationId?: string;
  delegatedAdmin: boolean;
  dryRun: boolean;
  pollSeconds: number;
  timeoutMinutes: number;
  translator: 'auto' | 'samtranslator' | 'builtin';
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: npm run rollout -- --organizational-unit ou-... [--organizational-unit ...] --regions us-east-1,eu-west-1
         --code-bucket-prefix NAME [--stack-set-name ${DEFAULT_STACK_SET_NAME}] [--template FILE]
         [--parameter Key=Value ...] [--region ADMIN_REGION] [--organization-id o-...] [--delegated-admin]
         [--dry-run] [--poll-seconds 10] [--timeout-minutes 120] [--translator auto|samtranslator|builtin]`;

export function parseRolloutArgs(argv: readonly string[]): RolloutArgs {
  const args: RolloutArgs = {
    organizationalUnits: [],
    regions: [],
    stackSetName: DEFAULT_STACK_SET_NAME,
    samTemplate: 'template.yaml',
    codeKeyPrefix: 'formidable-serverless-access',
    parameters: {},
    delegatedAdmin: false,
    dryRun: false,
    pollSeconds: 10,
    timeoutMinutes: 120,
    translator: 'auto',
  };
  const list = (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const number = (): number => {
      const v = Number(next());
      if (!Number.isFinite(v) || v < 0) throw new UsageError(`${a} needs a non-negative number`);
      return v;
    };
    switch (a) {
      case '--organizational-unit':
      case '--organizational-units':
      case '--ou':
        args.organizationalUnits.push(...list(next()));
        break;
      case '--regions':
      case '--region-list':
        args.regions.push(...list(next()));
        break;
      case '--stack-set-name':
        args.stackSetName = next();
        break;
      case '--template':
        args.template = next();
        break;
      case '--sam-template':
        args.samTemplate = next();
        break;
      case '--code-bucket-prefix':
        args.codeBucketPrefix = next();
        break;
      case '--code-key-prefix':
        args.codeKeyPrefix = next().replace(/^\/+|\/+$/g, '');
        break;
      case '--parameter':
      case '-p': {
        const kv = next();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`--parameter expects Key=Value, got ${kv}`);
        args.parameters[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--region':
        args.adminRegion = next();
        break;
      case '--organization-id':
        args.organizationId = next();
        break;
      case '--delegated-admin':
        args.delegatedAdmin = true;
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--poll-seconds':
        args.pollSeconds = number();
        break;
      case '--timeout-minutes':
        args.timeoutMinutes = number();
        break;
      case '--translator': {
        const t = next();
        if (t !== 'auto' && t !== 'samtranslator' && t !== 'builtin')
          throw new UsageError('--translator is auto, samtranslator or builtin');
        args.translator = t;
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown argument ${a}`);
    }
  }
  args.organizationalUnits = [...new Set(args.organizationalUnits)];
  args.regions = [...new Set(args.regions)];
  if (args.codeBucketPrefix !== undefined && !/^[a-z0-9][a-z0-9.-]{1,40}$/.test(args.codeBucketPrefix)) {
    throw new UsageError(
      `--code-bucket-prefix ${args.codeBucketPrefix}: lower-case letters, digits, dots and hyphens, 42 characters at most (the region is appended)`,
    );
  }
  return args;
}

// ---------------------------------------------------------------------------------------------------------

export interface PreparedTemplate {
  readonly template: Template;
  readonly body: string;
  readonly source: string;
  /** Written files (template, zips) and where each zip goes. */
  readonly written: readonly string[];
  readonly uploads: readonly { file: string; key: string }[];
}

/** Builds dist/stackset-template.json (and the code zips) from template.yaml, or reads --template. */
export function prepareTemplate(args: RolloutArgs, rootDir = process.cwd()): PreparedTemplate {
  if (args.template) {
    const file = resolve(rootDir, args.template);
    if (!existsSync(file)) throw new UsageError(`--template ${args.template}: no such file`);
    const template = parseTemplate(readFileSync(file, 'utf8')) as Template;
    const problems = stackSetProblems(template);
    if (problems.length)
      throw new UsageError(
        `--template ${args.template} cannot be rolled out with a StackSet:\n  ${problems.join('\n  ')}\n(leave out --template to roll out the translation of template.yaml)`,
      );
    return { template, body: JSON.stringify(template), source: args.template, written: [], uploads: [] };
  }
  const samFile = resolve(rootDir, args.samTemplate);
  if (!existsSync(samFile)) throw new UsageError(`${args.samTemplate}: no such file (or pass --template FILE)`);
  const sam = parseTemplate(readFileSync(samFile, 'utf8')) as Template;
  const outDir = join(rootDir, 'dist', 'stackset');
  const codeKeys: Record<string, string> = {};
  const uploads: { file: string; key: string }[] = [];
  const written: string[] = [];
  for (const { functionId, codeUri } of serverlessFunctions(sam)) {
    const dir = resolve(dirname(samFile), codeUri);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`${functionId}: ${codeUri} is not built yet; run npm run build first`);
    const files = readdirSync(dir)
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((name) => ({ name, data: readFileSync(join(dir, name)) }));
    if (!files.length) throw new UsageError(`${functionId}: ${codeUri} is empty; run npm run build first`);
    const zip = zipFiles(files);
    const key = codeKeyFor(codeUri, zip, args.codeKeyPrefix);
    codeKeys[functionId] = key;
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, basename(key));
    writeFileSync(file, zip);
    written.push(relative(rootDir, file));
    uploads.push({ file: relative(rootDir, file), key });
  }
  const { template, translator } = buildStackSetTemplate(sam, { codeKeys, translator: args.translator });
  const body = JSON.stringify(template);
  const templateFile = join(rootDir, 'dist', 'stackset-template.json');
  mkdirSync(dirname(templateFile), { recursive: true });
  writeFileSync(templateFile, `${JSON.stringify(template, null, 2)}\n`);
  written.unshift(relative(rootDir, templateFile));
  return { template, body, source: `${args.samTemplate}, translated by ${translator}`, written, uploads };
}

// ---------------------------------------------------------------------------------------------------------

export interface RolloutDeps {
  readonly cfn: Pick<CloudFormationClient, 'send'>;
  readonly log: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly rootDir: string;
}

type Send = RolloutDeps['cfn']['send'];

export async function runRollout(argv: readonly string[], partial: Partial<RolloutDeps> = {}): Promise<number> {
  const log = partial.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  let args: RolloutArgs;
  let prepared: PreparedTemplate;
  let target: RolloutTarget;
  try {
    args = parseRolloutArgs(argv);
    // the OUs, regions and name first: no template work for a typo
    validateTarget({
      stackSetName: args.stackSetName,
      organizationalUnits: args.organizationalUnits,
      regions: args.regions,
      templateBody: '',
      parameters: {},
      capabilities: [],
    });
    prepared = prepareTemplate(args, partial.rootDir ?? process.cwd());
    if (Buffer.byteLength(prepared.body) > 51_200) {
      throw new UsageError(
        `the template is ${Buffer.byteLength(prepared.body)} bytes; CreateStackSet takes at most 51,200 bytes in TemplateBody (a TemplateURL in S3 would be needed)`,
      );
    }
    if (!args.codeBucketPrefix)
      throw new UsageError(
        '--code-bucket-prefix is required: the code lives in <prefix>-<region> buckets, and the execution role may read only those',
      );
    const parameters = { ...args.parameters };
    if (prepared.template.Parameters && CODE_BUCKET_PARAMETER in prepared.template.Parameters) {
      if (!args.codeBucketPrefix)
        throw new UsageError(
          `--code-bucket-prefix is required: the template reads its code from <prefix>-<region> buckets`,
        );
      parameters[CODE_BUCKET_PARAMETER] = args.codeBucketPrefix;
    }
    if (prepared.template.Parameters && BOUNDARY_PARAMETER in prepared.template.Parameters) {
      // the execution role may create the macro's roles only with the boundary its StackSet creates
      const boundary = boundaryPolicyName(macroNamesOf(prepared.template, parameters).macroName);
      if (parameters[BOUNDARY_PARAMETER] !== undefined && parameters[BOUNDARY_PARAMETER] !== boundary)
        throw new UsageError(
          `--parameter ${BOUNDARY_PARAMETER}: the rollout sets it to ${boundary} (the execution role creates the macro's roles only with that boundary); leave it out`,
        );
      parameters[BOUNDARY_PARAMETER] = boundary;
    }
    for (const k of Object.keys(parameters)) {
      if (!(k in (prepared.template.Parameters ?? {})))
        throw new UsageError(`--parameter ${k}: the template declares no parameter ${k}`);
    }
    target = {
      stackSetName: args.stackSetName,
      organizationalUnits: args.organizationalUnits,
      regions: args.regions,
      templateBody: prepared.body,
      parameters,
      capabilities: requiredCapabilities(prepared.template),
      description: 'Formidable::Serverless::Access CloudFormation macro (npm run rollout)',
      ...(args.delegatedAdmin ? { callAs: 'DELEGATED_ADMIN' as const } : {}),
    };
  } catch (e) {
    if (e instanceof UsageError || e instanceof RolloutError || (e as Error).name === 'StackSetTemplateError') {
      if ((e as Error).message) log(`error: ${(e as Error).message}`);
      log(USAGE);
      return 2;
    }
    throw e;
  }

  const adminRegion = args.adminRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? args.regions[0];
  const deps: RolloutDeps = {
    cfn: partial.cfn ?? new CloudFormationClient({ region: adminRegion }),
    log,
    sleep: partial.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    now: partial.now ?? Date.now,
    rootDir: partial.rootDir ?? process.cwd(),
  };
  const send: Send = deps.cfn.send.bind(deps.cfn) as Send;
  const names = rolloutNames(args.stackSetName);

  log(
    `Template: ${prepared.source} (${prepared.body.length} bytes, capabilities ${target.capabilities.join(', ') || 'none'})`,
  );
  for (const f of prepared.written) log(`  wrote ${f}`);
  printCodeBuckets(args, prepared, log);

  // 1. The administration role's stack in this (the administrator) account.
  const adminBody = JSON.stringify(administrationRoleTemplate());
  let adminStack: Stack | undefined;
  let adminPlan: Plan;
  try {
    const current = await readStack(send, names.adminStack);
    adminStack = current.stack;
    adminPlan = planAdminStack(names.adminStack, adminBody, current);
  } catch (e) {
    if (e instanceof RolloutError) {
      log(`error: ${e.message}`);
      return 1;
    }
    if (!args.dryRun) {
      log(
        `error: cannot read stack ${names.adminStack} in ${adminRegion}: ${(e as Error).name}: ${(e as Error).message}`,
      );
      return 1;
    }
    log(
      `warning: cannot read stack ${names.adminStack} in ${adminRegion} (${(e as Error).name}: ${(e as Error).message}); planning as if it did not exist`,
    );
    adminPlan = planAdminStack(names.adminStack, adminBody, {});
  }
  log(`\n1. Administration role (stack ${names.adminStack} in ${adminRegion}, this account):`);
  log(formatPlan(adminPlan));
  if (!args.dryRun) {
    try {
      for (const step of adminPlan.steps) await runStep(step, send, deps, args, target);
      adminStack = (await readStack(send, names.adminStack)).stack;
    } catch (e) {
      log(
        `\n${e instanceof RolloutError ? e.message : `Rollout stopped: ${(e as Error).name}: ${(e as Error).message}`}`,
      );
      return 1;
    }
  }
  const administrationRoleArn = administrationRoleArnOf(adminStack);

  // 2. The execution role in every account of the OUs: a service-managed StackSet with automatic deployment. It
  // may write only the macro's own roles, functions and log groups, whose names come from the macro StackSet's
  // MacroName and (roles) region: every region it is asked for or already has stack instances in.
  let rolesBody: string;
  let macroNames: ReturnType<typeof macroNamesOf>;
  try {
    const existing = await macroStackSetState(send, args.stackSetName);
    // The resolver's name: --parameter, else what the StackSet has, else generated when upgrading a StackSet from
    // before explicit names (its Access stacks import the resolver's ARN), else template.yaml's default (named).
    const deployed = existing.resolverFunctionName ?? (existing.generatedNames ? 'generated' : undefined);
    const declared = RESOLVER_NAME_PARAMETER in (prepared.template.Parameters ?? {});
    if (declared && target.parameters[RESOLVER_NAME_PARAMETER] === undefined && deployed)
      (target.parameters as Record<string, string>)[RESOLVER_NAME_PARAMETER] = deployed;
    macroNames = macroNamesOf(prepared.template, target.parameters);
    rolesBody = JSON.stringify(
      executionRoleTemplate({
        regions: [...args.regions, ...existing.regions],
        resolverFunctionName: macroNames.resolverFunctionName,
        stackSetName: args.stackSetName,
        removeGeneratedNames: existing.generatedNames,
      }),
    );
    if (existing.generatedNames)
      log(
        `StackSet ${args.stackSetName} still has generated names (StackSet-...): this run replaces them with template.yaml's names, and the execution role may delete the old ones until the next run`,
      );
  } catch (e) {
    if ((e as Error).name !== 'StackSetTemplateError' && !(e instanceof UsageError)) throw e;
    log(`error: ${(e as Error).message}`);
    return 2;
  }
  const rolesTarget: RolloutTarget = {
    stackSetName: names.rolesStackSet,
    organizationalUnits: args.organizationalUnits,
    regions: [adminRegion],
    templateBody: rolesBody,
    parameters: {
      AdministrationRoleArn: administrationRoleArn,
      MacroStackSetName: args.stackSetName,
      MacroName: macroNames.macroName,
      CodeBucketPrefix: args.codeBucketPrefix ?? '',
      CodeKeyPrefix: args.codeKeyPrefix,
    },
    capabilities: ['CAPABILITY_NAMED_IAM'],
    description: `${EXECUTION_ROLE} for StackSet ${args.stackSetName} (npm run rollout)`,
    ...(args.delegatedAdmin ? { callAs: 'DELEGATED_ADMIN' as const } : {}),
  };
  const roles = await planStackSet(rolesTarget, send, args, log);
  if (!roles) return 1;
  log(
    `\n2. ${EXECUTION_ROLE} in every account of ${args.organizationalUnits.join(', ')} (service-managed StackSet ${names.rolesStackSet}, in ${adminRegion} only: IAM is global):`,
  );
  log(formatPlan(roles.plan));
  if (roles.stackSet) log(`  Current stack instances:\n${instanceTable(roles.instances).replace(/^/gm, '  ')}`);
  let rolesInstances = roles.instances;
  if (!args.dryRun) {
    try {
      for (const step of roles.plan.steps) await runStep(step, send, deps, args, rolesTarget);
      rolesInstances = await listInstances(send, rolesTarget);
    } catch (e) {
      log(
        `\n${e instanceof RolloutError ? e.message : `Rollout stopped: ${(e as Error).name}: ${(e as Error).message}`}`,
      );
      return 1;
    }
  }

  // 3. The macro: a self-managed StackSet in every account that holds the execution role.
  const accounts = executionRoleAccounts(rolesInstances);
  const macroTarget: RolloutTarget = {
    ...target,
    permissionModel: 'SELF_MANAGED',
    accounts,
    administrationRoleArn,
    executionRoleName: EXECUTION_ROLE,
    callAs: undefined,
  };
  const macro = await planStackSet(macroTarget, send, args, log);
  if (!macro) return 1;
  log(
    `\n3. The macro (self-managed StackSet ${args.stackSetName} in ${args.regions.join(', ')}; accounts: those holding ${EXECUTION_ROLE}, ${accounts.length ? accounts.join(', ') : 'none yet'}):`,
  );
  log(formatPlan(macro.plan));
  if (
    args.dryRun &&
    roles.plan.steps.some((s) => s.kind === 'create-stack-instances' || s.kind === 'create-stack-set')
  ) {
    log(`  + the accounts that step 2 gives ${EXECUTION_ROLE} (known once it has run)`);
  }
  if (macro.stackSet) log(`  Current stack instances:\n${instanceTable(macro.instances).replace(/^/gm, '  ')}`);
  if (args.dryRun) {
    log('\nDry run: no change was made.');
    return 0;
  }
  try {
    for (const step of macro.plan.steps) await runStep(step, send, deps, args, macroTarget);
  } catch (e) {
    log(
      `\n${e instanceof RolloutError ? e.message : `Rollout stopped: ${(e as Error).name}: ${(e as Error).message}`}`,
    );
    return 1;
  }
  const final = await listInstances(send, macroTarget);
  log(`\nDone. Stack instances of ${args.stackSetName}:\n${instanceTable(final)}`);
  log(
    `Accounts that join these OUs later get ${EXECUTION_ROLE} automatically (auto-deployment of ${names.rolesStackSet}); run the same command again to give them the macro. The management account never gets a stack instance.`,
  );
  return 0;
}

/**
 * The macro StackSet's MacroName and ResolverFunctionName: the --parameter value, else the template's default
 * (template.yaml's), else template.yaml's own defaults (a --template without those parameters).
 */
export function macroNamesOf(
  template: Template,
  parameters: Readonly<Record<string, string>>,
): { macroName: string; resolverFunctionName: 'named' | 'generated' } {
  const value = (key: string, fallback: string) =>
    parameters[key] ?? (template.Parameters?.[key]?.Default as string | undefined) ?? fallback;
  const macroName = value('MacroName', DEFAULT_MACRO_NAME);
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(macroName))
    throw new UsageError(
      `MacroName ${macroName}: letters, digits, '_' and '-', 32 characters at most (it names the macro's roles)`,
    );
  const resolverFunctionName = value(RESOLVER_NAME_PARAMETER, 'named');
  if (resolverFunctionName !== 'named' && resolverFunctionName !== 'generated')
    throw new UsageError(`${RESOLVER_NAME_PARAMETER} ${resolverFunctionName}: named or generated`);
  return { macroName, resolverFunctionName };
}

/**
 * What the macro StackSet has now: its stack instances' regions, whether its template still leaves the roles'
 * names to CloudFormation (deployed before explicit names), and its ResolverFunctionName. Nothing when it does
 * not exist or cannot be read.
 */
async function macroStackSetState(
  send: Send,
  stackSetName: string,
): Promise<{ regions: string[]; generatedNames: boolean; resolverFunctionName?: string }> {
  try {
    const target = { stackSetName } as RolloutTarget;
    const stackSet = await describeStackSet(send, target);
    if (!stackSet) return { regions: [], generatedNames: false };
    const regions = [...new Set((await listInstances(send, target)).map((i) => i.Region).filter(Boolean) as string[])];
    let generatedNames = false;
    try {
      const t = JSON.parse(stackSet.TemplateBody ?? '{}') as Template;
      generatedNames = Object.values(t.Resources ?? {}).some(
        (r) =>
          r?.Type === 'AWS::IAM::Role' && (r.Properties as Record<string, unknown> | undefined)?.RoleName === undefined,
      );
    } catch {
      /* not JSON: a template of the user's own (--template); nothing to upgrade */
    }
    const resolverFunctionName = stackSet.Parameters?.find(
      (p) => p.ParameterKey === RESOLVER_NAME_PARAMETER,
    )?.ParameterValue;
    return { regions, generatedNames, ...(resolverFunctionName ? { resolverFunctionName } : {}) };
  } catch {
    return { regions: [], generatedNames: false }; // a dry run without credentials; a real run fails at the StackSet's own reads
  }
}

/** The names of the three parts, derived from --stack-set-name. */
export function rolloutNames(stackSetName: string): {
  adminStack: string;
  rolesStackSet: string;
  macroStackSet: string;
} {
  return {
    adminStack: `${stackSetName}-stackset-admin`,
    rolesStackSet: `${stackSetName}-execution-role`,
    macroStackSet: stackSetName,
  };
}

/** Accounts whose execution-role stack instance is CURRENT (deployed and up to date). */
export function executionRoleAccounts(instances: readonly StackInstanceSummary[]): string[] {
  return [
    ...new Set(instances.filter((i) => i.Status === 'CURRENT' && i.Account).map((i) => i.Account as string)),
  ].sort();
}

function administrationRoleArnOf(stack: Stack | undefined): string {
  const out = stack?.Outputs?.find((o) => o.OutputKey === 'AdministrationRoleArn')?.OutputValue;
  if (out) return out;
  const account = stack?.StackId?.split(':')[4];
  return `arn:aws:iam::${account ?? '<this account>'}:role/${ADMINISTRATION_ROLE}`;
}

async function readStack(send: Send, stackName: string): Promise<{ stack?: Stack; templateBody?: string }> {
  try {
    const { Stacks = [] } = await send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks[0];
    if (!stack) return {};
    const { TemplateBody } = await send(new GetTemplateCommand({ StackName: stackName }));
    return { stack, templateBody: TemplateBody };
  } catch (e) {
    if ((e as Error).name === 'ValidationError' && /does not exist/.test((e as Error).message)) return {};
    throw e;
  }
}

async function planStackSet(
  target: RolloutTarget,
  send: Send,
  args: RolloutArgs,
  log: (l: string) => void,
): Promise<{ plan: Plan; stackSet?: StackSet; instances: StackInstanceSummary[] } | undefined> {
  let stackSet: StackSet | undefined;
  let instances: StackInstanceSummary[] = [];
  try {
    stackSet = await describeStackSet(send, target);
    if (stackSet) instances = await listInstances(send, target);
  } catch (e) {
    if (!args.dryRun) {
      log(`error: cannot read StackSet ${target.stackSetName}: ${(e as Error).name}: ${(e as Error).message}`);
      return undefined;
    }
    log(
      `warning: cannot read StackSet ${target.stackSetName} (${(e as Error).name}: ${(e as Error).message}); planning as if it did not exist`,
    );
  }
  try {
    return { plan: planRollout(target, { stackSet, instances }), stackSet, instances };
  } catch (e) {
    if (!(e instanceof RolloutError)) throw e;
    log(`error: ${e.message}`);
    return undefined;
  }
}

function printCodeBuckets(args: RolloutArgs, prepared: PreparedTemplate, log: (l: string) => void): void {
  if (!prepared.uploads.length) return;
  const prefix = args.codeBucketPrefix ?? '<code-bucket-prefix>';
  const org = args.organizationId ?? '<organization id, o-...>';
  log(
    `Code objects: upload them to the bucket of each region before the rollout (keys carry a content hash, so re-uploading is harmless):`,
  );
  for (const region of args.regions) {
    for (const u of prepared.uploads)
      log(`  aws s3 cp ${u.file} s3://${codeBucketName(prefix, region)}/${u.key} --region ${region}`);
  }
  log(
    `Each bucket ${codeBucketName(prefix, '<region>')} needs this bucket policy (every account of the organization may read the code):`,
  );
  log(
    JSON.stringify(
      codeBucketPolicy(codeBucketName(prefix, args.regions[0] ?? '<region>'), org, `${args.codeKeyPrefix}/`),
      null,
      2,
    ).replace(/^/gm, '  '),
  );
}

async function describeStackSet(send: Send, target: RolloutTarget): Promise<StackSet | undefined> {
  try {
    const out = await send(
      new DescribeStackSetCommand({
        StackSetName: target.stackSetName,
        ...(target.callAs ? { CallAs: target.callAs } : {}),
      }),
    );
    return out.StackSet;
  } catch (e) {
    if ((e as Error).name === 'StackSetNotFoundException') return undefined;
    throw e;
  }
}

async function listInstances(send: Send, target: RolloutTarget): Promise<StackInstanceSummary[]> {
  const all: StackInstanceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const out = await send(
      new ListStackInstancesCommand({
        StackSetName: target.stackSetName,
        NextToken,
        ...(target.callAs ? { CallAs: target.callAs } : {}),
      }),
    );
    all.push(...(out.Summaries ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return all;
}

async function listResults(
  send: Send,
  target: RolloutTarget,
  operationId: string,
): Promise<StackSetOperationResultSummary[]> {
  const all: StackSetOperationResultSummary[] = [];
  let NextToken: string | undefined;
  do {
    const out = await send(
      new ListStackSetOperationResultsCommand({
        StackSetName: target.stackSetName,
        OperationId: operationId,
        NextToken,
        ...(target.callAs ? { CallAs: target.callAs } : {}),
      }),
    );
    all.push(...(out.Summaries ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return all;
}

const STEP_LABEL: Record<Step['kind'], string> = {
  'create-stack': 'CreateStack',
  'update-stack': 'UpdateStack',
  'create-stack-set': 'CreateStackSet',
  'update-stack-set': 'UpdateStackSet',
  'create-stack-instances': 'CreateStackInstances',
};

async function runStep(
  step: Step,
  send: Send,
  deps: RolloutDeps,
  args: RolloutArgs,
  target: RolloutTarget,
): Promise<void> {
  deps.log(`\n${describeStep(step)}`);
  const deadline = deps.now() + args.timeoutMinutes * 60_000;
  // Another operation (an automatic deployment, a colleague's run) may hold the StackSet: wait for it.
  let operationId: string | undefined;
  if (step.kind === 'create-stack' || step.kind === 'update-stack') {
    if (step.kind === 'create-stack') await send(new CreateStackCommand(step.input));
    else await send(new UpdateStackCommand(step.input));
    await waitForStack(STEP_LABEL[step.kind], step.input.StackName as string, send, deps, args);
    return;
  }
  for (;;) {
    try {
      if (step.kind === 'create-stack-set') {
        const out = await send(new CreateStackSetCommand(step.input));
        deps.log(`  created ${out.StackSetId ?? target.stackSetName}`);
        return;
      }
      const out =
        step.kind === 'update-stack-set'
          ? await send(new UpdateStackSetCommand(step.input))
          : await send(new CreateStackInstancesCommand(step.input));
      operationId = out.OperationId;
      break;
    } catch (e) {
      if ((e as Error).name !== 'OperationInProgressException' || deps.now() > deadline) throw e;
      deps.log(`  another operation is running on ${target.stackSetName}; waiting ${args.pollSeconds} s`);
      await deps.sleep(args.pollSeconds * 1000);
    }
  }
  if (!operationId) throw new RolloutError(`${STEP_LABEL[step.kind]} returned no operation id`);
  await waitForOperation(STEP_LABEL[step.kind], operationId, send, deps, args, target);
}

async function waitForStack(
  label: string,
  stackName: string,
  send: Send,
  deps: RolloutDeps,
  args: RolloutArgs,
): Promise<void> {
  const started = deps.now();
  const deadline = started + args.timeoutMinutes * 60_000;
  let last = '';
  for (;;) {
    const { Stacks = [] } = await send(new DescribeStacksCommand({ StackName: stackName }));
    const status = Stacks[0]?.StackStatus ?? 'UNKNOWN';
    if (status !== last) {
      deps.log(`  [${Math.round((deps.now() - started) / 1000)}s] ${label} ${stackName} ${status}`);
      last = status;
    }
    if (status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE') return;
    if (!status.endsWith('_IN_PROGRESS')) {
      const { StackEvents = [] } = await send(new DescribeStackEventsCommand({ StackName: stackName }));
      const first = [...StackEvents].reverse().find((e) => String(e.ResourceStatus).endsWith('_FAILED'));
      throw new RolloutError(
        `Rollout stopped: ${label} ${stackName} ended ${status}${first ? ` - ${first.LogicalResourceId}: ${first.ResourceStatusReason}` : ''}\nFix the cause (delete the stack if it is ROLLBACK_COMPLETE), then run the same command again.`,
      );
    }
    if (deps.now() > deadline)
      throw new RolloutError(
        `${label} ${stackName} is still ${status} after ${args.timeoutMinutes} minutes; run the same command again later.`,
      );
    await deps.sleep(args.pollSeconds * 1000);
  }
}

async function waitForOperation(
  label: string,
  operationId: string,
  send: Send,
  deps: RolloutDeps,
  args: RolloutArgs,
  target: RolloutTarget,
): Promise<void> {
  const started = deps.now();
  const deadline = started + args.timeoutMinutes * 60_000;
  let last = '';
  for (;;) {
    const { StackSetOperation: op } = await send(
      new DescribeStackSetOperationCommand({
        StackSetName: target.stackSetName,
        OperationId: operationId,
        ...(target.callAs ? { CallAs: target.callAs } : {}),
      }),
    );
    const results = await listResults(send, target, operationId);
    const line = progressLine(label, operationId, op?.Status, countResults(results));
    if (line !== last) {
      deps.log(`  [${Math.round((deps.now() - started) / 1000)}s] ${line}`);
      last = line;
    }
    const failures = failuresOf(results);
    if (failures.length)
      throw new RolloutError(failureMessage(label, operationId, op?.Status, failures, op?.StatusReason));
    if (op?.Status === 'SUCCEEDED') return;
    if (op?.Status === 'FAILED' || op?.Status === 'STOPPED' || op?.Status === 'STOPPING') {
      const failed = failedInstances(await listInstances(send, target));
      throw new RolloutError(failureMessage(label, operationId, op.Status, failed, op.StatusReason));
    }
    if (deps.now() > deadline) {
      throw new RolloutError(
        `${label} ${operationId} is still ${op?.Status} after ${args.timeoutMinutes} minutes; it goes on in CloudFormation. Run the same command again later to resume.`,
      );
    }
    await deps.sleep(args.pollSeconds * 1000);
  }
}

if (require.main === module) {
  runRollout(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
