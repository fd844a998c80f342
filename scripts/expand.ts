/**
 * npm run expand -- FILE [--parameter Key=Value ...] [--region R] [--account-id A]
 * Runs the macro's own Lambda handler on a template file and prints the processed template as JSON.
 */
import { readFileSync } from 'node:fs';
import { handler } from '../functions/handlers/macro';
import { parseTemplate } from './lib/cfn-yaml';

export const MACRO_NAMES = ['FormidableServerless'];

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run expand -- FILE [--parameter Key=Value ...] [--region R] [--account-id A] [--macro-name N]\n`);
  process.exit(2);
}

export function parseArgs(argv: string[]) {
  let file: string | undefined;
  let region = 'us-east-1';
  let accountId = '123456789012';
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let template: Record<string, unknown>;
  try {
    template = parseTemplate(readFileSync(args.file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    process.stderr.write(`cannot read ${args.file}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const { fragment, rest } = withoutOwnTransform(template, args.macroNames);
  let templateParameterValues: Record<string, unknown>;
  try {
    templateParameterValues = parameterValues(template, args.parameters);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const response = await handler({
    region: args.region, accountId: args.accountId, fragment, transformId: `${args.accountId}::${args.macroNames[0]}`,
    params: {}, requestId: 'local-expand', templateParameterValues,
  });
  if (response.status !== 'success') {
    process.stderr.write(`${response.errorMessage}\n`);
    process.exit(1);
  }
  const out = rest === undefined ? response.fragment : { Transform: rest, ...(response.fragment as object) };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (require.main === module) void main();
