/**
 * npm run expand -- FILE [--parameter Key=Value ...] [--region R] [--account-id A] [--macro-name N]
 * Runs the macro's own Lambda handler on a template file (scripts/lib/harness.ts) and prints the processed
 * template as JSON.
 */
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, MACRO_NAMES, readTemplate, runMacro, type Template } from './lib/harness';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run expand -- FILE [--parameter Key=Value ...] [--region R] [--account-id A] [--macro-name N]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  let file: string | undefined;
  let region = DEFAULT_REGION;
  let accountId = DEFAULT_ACCOUNT_ID;
  const macroNames = [...MACRO_NAMES];
  const parameters: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--parameter' || a === '-p') {
      const kv = next();
      const eq = kv.indexOf('=');
      if (eq <= 0) usage(`--parameter expects Key=Value, got ${kv}`);
      parameters[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === '--region') region = next();
    else if (a === '--account-id') accountId = next();
    else if (a === '--macro-name') macroNames.push(next());
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (file) usage(`one FILE only (got ${file} and ${a})`);
    else file = a;
  }
  if (!file) usage('FILE is required');
  if (!/^\d{12}$/.test(accountId)) usage(`--account-id must be 12 digits, got ${accountId}`);
  return { file, region, accountId, parameters, macroNames };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let template: Template;
  try {
    template = readTemplate(args.file);
  } catch (e) {
    process.stderr.write(`cannot read ${args.file}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  let result: Awaited<ReturnType<typeof runMacro>>;
  try {
    result = await runMacro(template, { ...args, requestId: 'local-expand' });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  if (!result.template) {
    process.stderr.write(`${result.response.errorMessage}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify(result.template, null, 2)}\n`);
}

void main();
