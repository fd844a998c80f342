/**
 * serverless-access expand FILE [--parameter Key=Value ...] [--region R] [--account-id A] [--out FILE]
 * Runs the macro's own Lambda handler on a template file and prints the processed template as JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { sizeOf, TEMPLATE_LIMITS, type TemplateSize } from '../functions/core/limits';
import { handler } from '../functions/handlers/macro';
import { parseTemplate } from './lib/cfn-yaml';

export const MACRO_NAMES = ['FormidableServerless'];

export const EXPAND_USAGE = 'usage: serverless-access expand FILE [--parameter Key=Value ...] [--region R] [--account-id A] [--macro-name N] [--out FILE]';

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
  let region = 'us-east-1';
  let accountId = '123456789012';
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

/** Parameter values as CloudFormation hands them to a macro: given values, else the declared defaults. */
export function parameterValues(template: Record<string, unknown>, given: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const declared = (template.Parameters ?? {}) as Record<string, { Default?: unknown; Type?: string }>;
  for (const [name, p] of Object.entries(declared)) {
    const v = given[name] ?? p?.Default;
    if (v === undefined) continue;
    values[name] = typeof p?.Type === 'string' && p.Type.startsWith('List<') || p?.Type === 'CommaDelimitedList' ? String(v).split(',') : String(v);
  }
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new Error(`--parameter ${name}: the template declares no parameter ${name}`);
  }
  return values;
}

/** CloudFormation hands a template-level macro the template without the Transform section. */
export function withoutOwnTransform(template: Record<string, unknown>, macroNames: string[]): { fragment: Record<string, unknown>; rest?: unknown } {
  const { Transform, ...fragment } = template;
  if (Transform === undefined) return { fragment };
  const list = Array.isArray(Transform) ? Transform : [Transform];
  const rest = list.filter((t) => !(typeof t === 'string' && macroNames.includes(t)));
  return { fragment, rest: rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest };
}

export interface ExpandResult {
  readonly template: Record<string, unknown>;
  readonly size: TemplateSize;
}

/** The macro's own handler on a template text, as CloudFormation would call it; throws with the macro's message. */
export async function expandText(text: string, args: Omit<ExpandArgs, 'file' | 'out'> & { what?: string }): Promise<ExpandResult> {
  const template = parseTemplate(text) as Record<string, unknown>;
  if (!template || typeof template !== 'object' || Array.isArray(template)) throw new Error(`${args.what ?? 'the template'} is not a template`);
  const { fragment, rest } = withoutOwnTransform(template, args.macroNames);
  // The handler logs a failure for CloudWatch; here the error is the result, said once by the caller.
  const log = console.error;
  console.error = () => undefined;
  let response: Awaited<ReturnType<typeof handler>>;
  try {
    response = await handler({
      region: args.region, accountId: args.accountId, fragment, transformId: `${args.accountId}::${args.macroNames[0]}`,
      params: {}, requestId: 'local-expand', templateParameterValues: parameterValues(template, args.parameters),
    });
  } finally {
    console.error = log;
  }
  if (response.status !== 'success') throw new Error(response.errorMessage);
  const out = (rest === undefined ? response.fragment : { Transform: rest, ...(response.fragment as object) }) as Record<string, unknown>;
  return { template: out, size: sizeOf(out) };
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
