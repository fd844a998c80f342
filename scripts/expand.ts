/**
 * serverless-access expand FILE [--parameter Key=Value ...] [--region R] [--account-id A] [--out FILE]
 * Runs the macro's own Lambda handler on a template file (scripts/lib/harness.ts) and prints the processed
 * template as JSON, and its size against CloudFormation's limits on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { sizeOf, TEMPLATE_LIMITS, type TemplateSize } from '../functions/core/limits';
import { parseTemplate } from './lib/cfn-yaml';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, MACRO_NAMES, runMacro, type Template } from './lib/harness';

export const EXPAND_USAGE =
  'usage: serverless-access expand FILE [--parameter Key=Value ...] [--region R] [--account-id A] [--macro-name N] [--out FILE]';

export class ExpandUsageError extends Error {
  override name = 'ExpandUsageError';
}

export interface ExpandArgs {
  readonly file: string;
  readonly region: string;
  readonly accountId: string;
  readonly parameters: Record<string, string>;
  readonly macroNames: string[];
  readonly out?: string;
}

export function parseArgs(argv: readonly string[]): ExpandArgs {
  let file: string | undefined;
  let out: string | undefined;
  let region = DEFAULT_REGION;
  let accountId = DEFAULT_ACCOUNT_ID;
  const macroNames = [...MACRO_NAMES];
  const parameters: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new ExpandUsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--parameter' || a === '-p') {
      const kv = next();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new ExpandUsageError(`--parameter expects Key=Value, got ${kv}`);
      parameters[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === '--region') region = next();
    else if (a === '--account-id') accountId = next();
    else if (a === '--macro-name') macroNames.push(next());
    else if (a === '--out' || a === '-o') out = next();
    else if (a.startsWith('-')) throw new ExpandUsageError(`unknown option ${a}`);
    else if (file) throw new ExpandUsageError(`one FILE only (got ${file} and ${a})`);
    else file = a;
  }
  if (!file) throw new ExpandUsageError('FILE is required');
  if (!/^\d{12}$/.test(accountId)) throw new ExpandUsageError(`--account-id must be 12 digits, got ${accountId}`);
  return { file, region, accountId, parameters, macroNames, ...(out ? { out } : {}) };
}

export interface ExpandResult {
  readonly template: Record<string, unknown>;
  readonly size: TemplateSize;
}

/** The macro on a template text, through the one harness (scripts/lib/harness.ts); throws with the macro's message. */
export async function expandText(
  text: string,
  args: Omit<ExpandArgs, 'file' | 'out'> & { what?: string },
): Promise<ExpandResult> {
  const template = parseTemplate(text) as Template;
  if (!template || typeof template !== 'object' || Array.isArray(template))
    throw new Error(`${args.what ?? 'the template'} is not a template`);
  // The handler logs a failure for CloudWatch; here the error is the result, said once by the caller.
  const log = console.error;
  console.error = () => undefined;
  let result: Awaited<ReturnType<typeof runMacro>>;
  try {
    result = await runMacro(template, {
      region: args.region,
      accountId: args.accountId,
      parameters: args.parameters,
      macroNames: args.macroNames,
      requestId: 'local-expand',
    });
  } finally {
    console.error = log;
  }
  if (!result.template) throw new Error(result.response.errorMessage);
  return { template: result.template, size: sizeOf(result.template) };
}

/** One line on the processed template's size against CloudFormation's limits (for stderr). */
export function sizeLine(size: TemplateSize): string {
  const base = `processed template: ${size.bytes} bytes of compact JSON, ${size.resources} resources, ${size.outputs} outputs`;
  return size.bytes > TEMPLATE_LIMITS.bodyBytes
    ? `${base}. Over the ${TEMPLATE_LIMITS.bodyBytes} bytes CloudFormation accepts in a request: deploy it from S3 (aws cloudformation deploy --s3-bucket BUCKET ...; up to ${TEMPLATE_LIMITS.bytes} bytes).`
    : `${base} (fits a TemplateBody of ${TEMPLATE_LIMITS.bodyBytes} bytes).`;
}

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const stdio: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** serverless-access expand: exit 0 with the processed template, 1 when the macro fails, 2 for bad arguments. */
export async function runExpand(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  let args: ExpandArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.err(`${(e as Error).message}\n${EXPAND_USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    io.err(`cannot read ${args.file}: ${(e as Error).message}\n`);
    return 2;
  }
  let result: ExpandResult;
  try {
    result = await expandText(text, { ...args, what: args.file });
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    return 1;
  }
  const json = `${JSON.stringify(result.template, null, 2)}\n`;
  if (args.out) writeFileSync(args.out, json);
  else io.out(json);
  io.err(`${sizeLine(result.size)}\n`);
  return 0;
}

if (require.main === module) void runExpand(process.argv.slice(2)).then((code) => process.exit(code));
