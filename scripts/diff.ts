/**
 * serverless-access diff OLD NEW
 * serverless-access diff --deployed STACK NEW [--region R]
 *   [--parameter Key=Value ...] [--account-id A] [--macro-name N]
 *
 * Shows how the IAM permissions of two processed templates differ, so an admin can review an upgrade of
 * the macro (or a change of an Access resource) before running it: the @aws-cdk/cloudformation-diff
 * security table, then per IAM group, role and user the actions and resources it gains (+) or loses (-).
 * OLD and NEW are processed templates (JSON or YAML), or templates that still use the macro (Transform:
 * FormidableServerless), which are expanded first with the macro's own handler, as `npm run expand` does;
 * to review a new macro version, expand the same file with the old and the new checkout and compare.
 * --deployed STACK reads OLD from the deployed stack (GetTemplate, TemplateStage Processed: the template
 * after the macro ran at its last deployment).
 *
 * Exit code: 0 when no IAM permission changed, 1 when permissions changed (the list says which),
 * 2 for wrong arguments or unreadable inputs.
 */
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { readFileSync } from 'node:fs';
import { diffRows, formatRowDiff, matrixRows, permissionMatrix } from './lib/permission-matrix';
import {
  diffPermissions,
  formatPermissionDiff,
  processedTemplate,
  securityTable,
  type LoadOptions,
  type Template,
} from './lib/iam-diff';

export const DIFF_USAGE =
  'usage: serverless-access diff OLD NEW | --deployed STACK NEW  [--region R] [--parameter Key=Value ...] [--account-id A] [--macro-name N]';

export interface DiffArgs {
  readonly oldFile?: string;
  readonly deployedStack?: string;
  readonly newFile: string;
  readonly region?: string;
  readonly load: LoadOptions;
}

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const files: string[] = [];
  let deployedStack: string | undefined;
  let region: string | undefined;
  let accountId: string | undefined;
  const parameters: Record<string, string> = {};
  const macroNames: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--deployed') deployedStack = next();
    else if (a === '--region') region = next();
    else if (a === '--account-id') accountId = next();
    else if (a === '--macro-name') macroNames.push(next());
    else if (a === '--parameter' || a === '-p') {
      const kv = next();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--parameter expects Key=Value, got ${kv}`);
      parameters[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else files.push(a);
  }
  if (deployedStack ? files.length !== 1 : files.length !== 2)
    throw new Error(
      deployedStack ? '--deployed STACK takes one FILE to compare with' : 'two files, OLD and NEW, are required',
    );
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new Error(`--account-id must be 12 digits, got ${accountId}`);
  const load: LoadOptions = {
    region,
    accountId,
    parameters,
    ...(macroNames.length ? { macroNames: ['FormidableServerless', ...macroNames] } : {}),
  };
  return deployedStack
    ? { deployedStack, newFile: files[0], region, load }
    : { oldFile: files[0], newFile: files[1], region, load };
}

export interface DiffDeps {
  readonly cfn?: Pick<CloudFormationClient, 'send'>;
  readonly out: (text: string) => void;
}

export async function runDiff(argv: readonly string[], deps: Partial<DiffDeps> = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  let args: DiffArgs;
  try {
    args = parseDiffArgs(argv);
  } catch (e) {
    out(`error: ${(e as Error).message}\n${DIFF_USAGE}`);
    return 2;
  }
  let oldTemplate: Template;
  let newTemplate: Template;
  let oldLabel: string;
  try {
    if (args.deployedStack) {
      oldLabel = `deployed stack ${args.deployedStack}`;
      const region = args.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      const cfn = deps.cfn ?? new CloudFormationClient(region ? { region } : {});
      const { TemplateBody } = await cfn.send(
        new GetTemplateCommand({ StackName: args.deployedStack, TemplateStage: 'Processed' }),
      );
      if (!TemplateBody) throw new Error(`GetTemplate returned no template for ${args.deployedStack}`);
      oldTemplate = await processedTemplate(TemplateBody, oldLabel, {
        ...args.load,
        region: args.load.region ?? region,
      });
    } else {
      oldLabel = args.oldFile!;
      oldTemplate = await processedTemplate(readFileSync(args.oldFile!, 'utf8'), args.oldFile!, args.load);
    }
    newTemplate = await processedTemplate(readFileSync(args.newFile, 'utf8'), args.newFile, args.load);
  } catch (e) {
    out(`error: ${(e as Error).message}`);
    return 2;
  }

  const table = securityTable(oldTemplate, newTemplate);
  const perPrincipal = diffPermissions(oldTemplate, newTemplate);
  out(`IAM changes from ${oldLabel} to ${args.newFile}`);
  out('');
  out('Security changes (@aws-cdk/cloudformation-diff):');
  out(table.text ? table.text : '(none)');
  out('');
  out('Per group, role and user (+ gained, - lost):');
  out(formatPermissionDiff(perPrincipal));
  out('');
  out('Rows of the permission matrix (serverless-access explain: service, what, scope) gained (+) and lost (-):');
  const rows = diffRows(matrixRows(permissionMatrix(oldTemplate)), matrixRows(permissionMatrix(newTemplate)));
  out(formatRowDiff(rows));
  const changed = perPrincipal.length > 0 || table.changed;
  out('');
  out(
    changed
      ? `IAM permissions changed${table.broadened ? ' (broadened)' : ''}: exit 1.`
      : 'No IAM permission changed: exit 0.',
  );
  return changed ? 1 : 0;
}

if (require.main === module) {
  runDiff(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
