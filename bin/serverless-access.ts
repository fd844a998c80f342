/**
 * serverless-access: the one command of the package. Each subcommand is a function of scripts/ that returns
 * its exit code; this file only dispatches and prints help. `npm run build` bundles it (and everything it
 * imports) into dist/cli.js, which runs with plain node; the npm scripts run this source through tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runDiff } from '../scripts/diff';
import { runExpand } from '../scripts/expand';
import { runExplain } from '../scripts/explain';
import { runLint } from '../scripts/lint';
import { runRollout } from '../scripts/rollout';

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly details: string;
  readonly run: (argv: readonly string[]) => Promise<number>;
}

/** The package root: dist/cli.js and bin/serverless-access.ts both sit one level below it. */
export const PACKAGE_ROOT = dirname(__dirname);

export const COMMANDS: Record<string, Command> = {
  expand: {
    summary: "print the processed template (runs the macro's own handler locally)",
    usage:
      'serverless-access expand FILE [--parameter Key=Value ...] [--region R] [--account-id A] [--macro-name N] [--out FILE]',
    details: `FILE is a YAML (short-form tags included) or JSON template that uses the macro (Transform: FormidableServerless).
The processed template goes to stdout (or --out FILE); its size against CloudFormation's limits goes to stderr
(over 51,200 bytes it must be deployed from S3: aws cloudformation deploy --s3-bucket ...).
  --parameter Key=Value   a template parameter's value (default: its Default)
  --region, --account-id  what the macro sees as AWS::Region and AWS::AccountId (us-east-1, 123456789012)
  --macro-name N          another name the template may use for the macro in Transform
Exit code: 0 expanded, 1 the macro rejected the template (the message names the property and the fix), 2 bad arguments.`,
    run: (argv) => runExpand(argv),
  },
  lint: {
    summary: 'check every Access resource against the registry schema, expand, run cfn-lint and map findings back',
    usage:
      'serverless-access lint TEMPLATE [--parameter Key=Value ...] [--region R] [--account-id A] [--cfn-lint PATH] [--format text|json]',
    details: `1. validates each Formidable::Serverless::Access resource against the shipped registry schema
   (schema/formidable-serverless-access.json: unknown and missing properties, types, enums, patterns);
2. expands the template with the macro;
3. runs cfn-lint (pip install cfn-lint; --cfn-lint PATH or $CFN_LINT to choose the executable) on the processed template;
4. names, for every finding, the Access resource and property that caused it.
Exit code like cfn-lint's: 0 clean, 2 errors, 4 warnings, 8 informational (added together); 2 also when the
schema check or the macro fails; 32 when cfn-lint cannot run.`,
    run: (argv) => runLint(argv),
  },
  explain: {
    summary: 'per group and role: what it may do on which AWS service, in which scope, and why',
    usage:
      'serverless-access explain TEMPLATE | --deployed STACK [--region R] [--format md|html] [--out FILE] [--parameter Key=Value ...]',
    details: `Prints, per IAM group and role, a matrix of AWS service x what it may do (read, update, create/delete, IAM,
pass role) x scope (own stage, via the stack only, account-wide), each cell with the statements (Sid = catalog id)
and their reasons from the catalog. --format html writes one self-contained page. --deployed STACK reads the
processed template of a deployed stack (cloudformation:GetTemplate).`,
    run: (argv) => runExplain(argv),
  },
  diff: {
    summary: 'IAM permissions gained and lost between two templates, or a deployed stack and a template',
    usage:
      'serverless-access diff OLD NEW | --deployed STACK NEW  [--region R] [--parameter Key=Value ...] [--account-id A] [--macro-name N]',
    details: `OLD and NEW are processed templates or templates that still use the macro (expanded first).
Prints the @aws-cdk/cloudformation-diff security table, then per group and role the actions and resources it
gains (+) or loses (-), and the matrix rows (service x what x scope) gained and lost.
Exit code: 0 no IAM change, 1 permissions changed, 2 bad input.`,
    run: (argv) => runDiff(argv),
  },
  rollout: {
    summary:
      'roll the macro out to the accounts of AWS Organizations OUs (self-managed StackSet, roles by a service-managed one)',
    usage:
      'serverless-access rollout --organizational-unit ou-... --regions us-east-1,eu-west-1 --code-bucket-prefix NAME [--dry-run] [...]',
    details: `Run from the organization's management account (or a delegated administrator with --delegated-admin).
Three parts, each created or updated, re-runnable: stack NAME-stackset-admin (AWSCloudFormationStackSetAdministrationRole
here), service-managed StackSet NAME-execution-role with auto-deployment (AWSCloudFormationStackSetExecutionRole in
every account of the OUs), self-managed StackSet NAME with the macro in the accounts holding that role; run it again
after accounts join an OU to give them the macro. --dry-run makes read calls only and prints the plan. All options: see the usage printed by
\`serverless-access rollout\` without arguments, and the README's "Roll out to an organization".
Exit code: 0 done (or dry run), 1 the rollout failed, 2 bad arguments.`,
    run: (argv) => runRollout(argv, { rootDir: rolloutRoot() }),
  },
  prove: {
    summary: 'drive the real Serverless Framework against a local moto and check every call (repository only)',
    usage:
      'serverless-access prove [PATH ...] [--stages a,b] [--frameworks osls4,osls3] [--workers N] [--first-stage-only] [--bucket-resolution pattern|exact] [--no-v4] [--json FILE] [--keep] [--quiet]',
    details: `Needs the repository's development set-up: the frameworks osls 4.3.1 and 3.77.1 (devDependencies),
Python 3 with moto, and the proof's own files. From a clone:
  git clone <this repository> && cd <it> && npm ci && pip install 'moto[server]==5.2.1'
  npx serverless-access prove            (or npm run prove)
Exit code: 0 every call as the role matrix says, 1 a mismatch, 2 bad arguments or set-up.`,
    run: (argv) => runProve(argv),
  },
};

/** rollout reads template.yaml and the built functions: the current folder's when it has them, else the package's. */
function rolloutRoot(): string {
  return existsSync(join(process.cwd(), 'template.yaml')) ? process.cwd() : PACKAGE_ROOT;
}

function resolvable(id: string, from: string): boolean {
  try {
    require.resolve(id, { paths: [from] });
    return true;
  } catch {
    return false;
  }
}

/** prove runs from a clone with its devDependencies; anywhere else it says what to install. */
export function proveSetup(root = PACKAGE_ROOT): { ok: true; script: string } | { ok: false; missing: string[] } {
  const script = join(root, 'scripts', 'prove.ts');
  const missing: string[] = [];
  if (!existsSync(script))
    missing.push(`the proof's sources (scripts/prove.ts and scripts/lib/prove/), which the npm package does not ship`);
  for (const dep of ['osls/package.json', 'osls3/package.json', 'tsx/package.json'])
    if (!resolvable(dep, root)) missing.push(`${dep.split('/')[0]} (a devDependency: npm ci in a clone)`);
  return missing.length ? { ok: false, missing } : { ok: true, script };
}

async function runProve(argv: readonly string[]): Promise<number> {
  const setup = proveSetup();
  if (!setup.ok) {
    process.stderr.write(
      `serverless-access prove needs the repository's development set-up; missing:\n${setup.missing.map((m) => `  - ${m}`).join('\n')}\n\n${COMMANDS.prove.details}\n`,
    );
    return 2;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', setup.script, ...argv], {
    stdio: 'inherit',
    cwd: PACKAGE_ROOT,
  });
  return r.status ?? 1;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `serverless-access ${version()}: the Formidable::Serverless::Access CloudFormation macro, locally

usage: serverless-access COMMAND [options]      serverless-access COMMAND --help

${Object.entries(COMMANDS)
  .map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`)
  .join('\n')}
`;
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return `${c.usage}\n\n${c.summary}.\n\n${c.details}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] && COMMANDS[rest[0]]) process.stdout.write(commandHelp(rest[0]));
    else process.stdout.write(mainHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command ${name}\n\n${mainHelp()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(name));
    return 0;
  }
  return command.run(rest);
}

declare const SERVERLESS_ACCESS_BUNDLE: boolean | undefined;

if (typeof SERVERLESS_ACCESS_BUNDLE !== 'undefined' || require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
