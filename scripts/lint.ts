/**
 * serverless-access lint TEMPLATE: what cfn-lint cannot do for a template that uses the macro.
 *
 * 1. Each Formidable::Serverless::Access resource is validated against the registry schema (the one shipped
 *    in schema/, generated from the macro's property model). Values that are intrinsic functions (Ref, Fn::Sub)
 *    are left to step 2, where the macro resolves them against the template's parameters.
 * 2. The template is expanded with the macro's own handler (its errors name the property and the fix).
 * 3. cfn-lint runs on the processed template, and every finding is mapped back: a logical id or output the
 *    expansion of an Access resource added names that resource; a finding inside a policy statement names the
 *    statement's Sid and catalog id; what a submodule added (found by expanding the resource again without
 *    that submodule) names the submodule's property.
 *
 * Exit code like cfn-lint's: the sum of 2 (errors), 4 (warnings) and 8 (informational) findings; a schema or
 * macro error counts as an error (2); 32 when cfn-lint cannot run.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_CATALOG } from '../functions/catalog';
import { sidOf } from '../functions/core/iam/render';
import { ACCESS_TYPE } from '../functions/core/transform';
import { SUBMODULES } from '../functions/submodules';
import { parseTemplate } from './lib/cfn-yaml';
import { registrySchema } from './lib/registry-schema';
import { expandText, stdio, type CliIo } from './expand';
import { MACRO_NAMES } from './lib/harness';

export const LINT_USAGE =
  'usage: serverless-access lint TEMPLATE [--parameter Key=Value ...] [--region R] [--account-id A] [--macro-name N] [--cfn-lint PATH] [--format text|json]';

export interface LintFinding {
  readonly level: 'Error' | 'Warning' | 'Informational';
  /** cfn-lint's rule id, or SA-SCHEMA / SA-MACRO for this command's own checks. */
  readonly rule: string;
  readonly message: string;
  /** Where in the processed (or, for the schema, the original) template. */
  readonly path: readonly (string | number)[];
  /** The Access resource that caused it, when one did. */
  readonly access?: string;
  /** The Access resource's property that caused it (a submodule property, or the property the schema names). */
  readonly property?: string;
  /** For findings inside a policy statement: its Sid and catalog id. */
  readonly statement?: { readonly sid: string; readonly id?: string };
  /** The same finding on this many places of one expansion (shown once). */
  readonly count?: number;
}

type Template = {
  Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
  [k: string]: unknown;
};

const isIntrinsic = (v: unknown): boolean =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.keys(v).length === 1 &&
  /^(Ref|Fn::|Condition$)/.test(Object.keys(v)[0]);

const INTRINSIC = '\u0000intrinsic';

/** The value with every intrinsic function replaced by a marker (the macro checks those once it has resolved them). */
export function literalView(v: unknown, at = '', marks: string[] = []): unknown {
  if (isIntrinsic(v)) {
    marks.push(at);
    return INTRINSIC;
  }
  if (Array.isArray(v)) return v.map((x, i) => literalView(x, `${at}/${i}`, marks));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literalView(x, `${at}/${k}`, marks)]));
  return v;
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(properties: unknown): ErrorObject[] {
  if (!validator) {
    const schema = registrySchema();
    const readOnly = new Set((schema.readOnlyProperties as string[]).map((p) => p.replace('/properties/', '')));
    const props = Object.fromEntries(
      Object.entries(schema.properties as Record<string, unknown>).filter(([k]) => !readOnly.has(k)),
    );
    const ajv = new Ajv({ allErrors: true, strict: false });
    // `required` is checked on the raw properties: a required property given as Ref is present
    validator = ajv.compile({
      type: 'object',
      definitions: schema.definitions,
      properties: props,
      additionalProperties: false,
    });
  }
  return validator(properties) ? [] : [...(validator.errors ?? [])];
}

const REQUIRED = registrySchema().required as string[];

/** Step 1: each Access resource against the registry schema. */
export function schemaFindings(template: Template): LintFinding[] {
  const out: LintFinding[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r?.Type !== ACCESS_TYPE) continue;
    const props = r.Properties ?? {};
    for (const name of REQUIRED) {
      if (props[name] === undefined)
        out.push({
          level: 'Error',
          rule: 'SA-SCHEMA',
          message: `${name} is required`,
          path: ['Resources', id, 'Properties', name],
          access: id,
          property: name,
        });
    }
    const marks: string[] = [];
    const view = literalView(props, '', marks);
    const intrinsicAt = (path: string) => marks.some((m) => path === m || path.startsWith(`${m}/`));
    const aboveIntrinsic = (path: string) => marks.some((m) => m.startsWith(`${path}/`));
    for (const e of validate(view)) {
      // oneOf reports each branch; its own summary says enough
      if (e.instancePath && e.schemaPath.includes('/oneOf/')) continue;
      if (intrinsicAt(e.instancePath) || (e.keyword === 'oneOf' && aboveIntrinsic(e.instancePath))) continue;
      const at = e.instancePath.split('/').filter(Boolean);
      if (e.keyword === 'additionalProperties')
        at.push(String((e.params as { additionalProperty: string }).additionalProperty));
      if (e.keyword === 'required') at.push(String((e.params as { missingProperty: string }).missingProperty));
      const property = at.join('.') || undefined;
      const message =
        e.keyword === 'additionalProperties'
          ? 'is not a property of the schema'
          : e.keyword === 'required'
            ? 'is required'
            : e.keyword === 'oneOf'
              ? 'matches none of the shapes the schema allows (see `serverless-access lint --help` and the README property table)'
              : (e.message ?? e.keyword);
      out.push({
        level: 'Error',
        rule: 'SA-SCHEMA',
        message: `${property ?? 'Properties'} ${message}`,
        path: ['Resources', id, 'Properties', ...at],
        access: id,
        property,
      });
    }
  }
  return out;
}

export interface CfnLintResult {
  readonly findings: { Level: string; Rule: string; Message: string; Path: (string | number)[] }[];
}

/** Runs cfn-lint 1.x on one processed template; throws when it cannot run. */
export function runCfnLint(
  template: unknown,
  executable = process.env.CFN_LINT ?? 'cfn-lint',
  region = 'us-east-1',
): CfnLintResult {
  const dir = mkdtempSync(join(tmpdir(), 'sa-lint-'));
  try {
    const file = join(dir, 'processed.json');
    writeFileSync(file, JSON.stringify(template, null, 2));
    // cwd = the temp dir, so no .cfnlintrc of the caller changes the rules
    const run = spawnSync(executable, ['--format', 'json', '--regions', region, '--', file], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error)
      throw new Error(
        `cannot run ${executable} (${run.error.message}); install it with pip install cfn-lint, or pass --cfn-lint PATH`,
      );
    if (run.status === null || (run.status & 1) !== 0)
      throw new Error(`${executable} failed (status ${run.status}):\n${run.stderr}${run.stdout}`);
    const raw = (run.stdout.trim() ? JSON.parse(run.stdout) : []) as {
      Level: string;
      Message: string;
      Rule: { Id: string };
      Location?: { Path?: (string | number)[] | null };
    }[];
    return {
      findings: raw.map((f) => ({ Level: f.Level, Rule: f.Rule.Id, Message: f.Message, Path: f.Location?.Path ?? [] })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which Access resource (and submodule property) added each logical id, output and Sid of the processed template. */
export interface Attribution {
  readonly resources: Map<string, { access: string; property?: string }>;
  readonly outputs: Map<string, { access: string; property?: string }>;
  /** Per Access resource: Sid -> submodule property that added the statement. */
  readonly sids: Map<string, Map<string, string>>;
}

const SID_TO_ID = new Map(CORE_CATALOG.map((e) => [sidOf(e.id), e.id]));

export async function attribute(
  original: Template,
  processed: Template,
  expand: (t: Template) => Promise<Template>,
): Promise<Attribution> {
  const own = new Set(Object.keys(original.Resources ?? {}));
  const ownOutputs = new Set(Object.keys(original.Outputs ?? {}));
  const accessIds = Object.entries(original.Resources ?? {})
    .filter(([, r]) => r?.Type === ACCESS_TYPE)
    .map(([id]) => id)
    .sort((a, b) => b.length - a.length);
  const owner = (id: string) => accessIds.find((a) => id.startsWith(a));
  const resources = new Map<string, { access: string; property?: string }>();
  const outputs = new Map<string, { access: string; property?: string }>();
  const sids = new Map<string, Map<string, string>>();
  for (const id of Object.keys(processed.Resources ?? {}))
    if (!own.has(id) && owner(id)) resources.set(id, { access: owner(id)! });
  for (const id of Object.keys(processed.Outputs ?? {}))
    if (!ownOutputs.has(id) && owner(id)) outputs.set(id, { access: owner(id)! });
  // What each submodule adds: expand the template again without it and compare.
  for (const access of accessIds) {
    const props = original.Resources![access].Properties ?? {};
    const bySid = new Map<string, string>();
    sids.set(access, bySid);
    for (const m of SUBMODULES) {
      if (props[m.property] === undefined) continue;
      const without = JSON.parse(JSON.stringify(original)) as Template;
      delete without.Resources![access].Properties![m.property];
      let smaller: Template;
      try {
        smaller = await expand(without);
      } catch {
        continue; // another submodule may need this one (Dashboard without Alarms): leave it unattributed
      }
      for (const id of resources.keys())
        if (resources.get(id)!.access === access && !(id in (smaller.Resources ?? {})))
          resources.set(id, { access, property: m.property });
      for (const id of outputs.keys())
        if (outputs.get(id)!.access === access && !(id in (smaller.Outputs ?? {})))
          outputs.set(id, { access, property: m.property });
      const before = sidsOf(processed, access);
      const after = sidsOf(smaller, access);
      for (const sid of before) if (!after.has(sid)) bySid.set(sid, m.property);
    }
  }
  return { resources, outputs, sids };
}

function sidsOf(t: Template, access: string): Set<string> {
  const out = new Set<string>();
  for (const [id, r] of Object.entries(t.Resources ?? {})) {
    if (!id.startsWith(access)) continue;
    const doc = (r?.Properties as { PolicyDocument?: { Statement?: { Sid?: string }[] } } | undefined)?.PolicyDocument;
    for (const s of doc?.Statement ?? []) if (s.Sid) out.add(s.Sid);
  }
  return out;
}

/** Step 3's mapping: the Access resource, property and statement a cfn-lint finding comes from. */
export function mapFinding(
  f: CfnLintResult['findings'][number],
  processed: Template,
  attribution: Attribution,
): LintFinding {
  const level = (f.Level === 'Warning' || f.Level === 'Informational' ? f.Level : 'Error') as LintFinding['level'];
  const base: LintFinding = { level, rule: f.Rule, message: f.Message, path: f.Path };
  const [section, id] = f.Path;
  const hit =
    section === 'Resources'
      ? attribution.resources.get(String(id))
      : section === 'Outputs'
        ? attribution.outputs.get(String(id))
        : undefined;
  if (!hit) return base;
  // Condition, DependsOn and Metadata of the Access resource are copied onto everything it expands into.
  let property =
    hit.property ??
    (typeof f.Path[2] === 'string' && ['Condition', 'DependsOn', 'Metadata'].includes(f.Path[2])
      ? f.Path[2]
      : undefined);
  let statement: LintFinding['statement'];
  const i = f.Path.indexOf('Statement');
  if (section === 'Resources' && i > 0 && typeof f.Path[i + 1] === 'number') {
    let node: unknown = processed;
    for (const k of f.Path.slice(0, i + 2)) node = (node as Record<string | number, unknown> | undefined)?.[k];
    const sid = (node as { Sid?: string } | undefined)?.Sid;
    if (sid) {
      const bySubmodule = attribution.sids.get(hit.access)?.get(sid);
      property = bySubmodule ?? property;
      statement = { sid, ...(SID_TO_ID.get(sid) ? { id: SID_TO_ID.get(sid) } : {}) };
    }
  }
  return { ...base, access: hit.access, ...(property ? { property } : {}), ...(statement ? { statement } : {}) };
}

/** One line per finding that repeats across the resources of one expansion. */
export function collapse(findings: readonly LintFinding[]): LintFinding[] {
  const out: LintFinding[] = [];
  const seen = new Map<string, number>();
  for (const f of findings) {
    const key = f.access
      ? JSON.stringify([f.rule, f.level, f.message, f.access, f.property, f.statement?.sid])
      : undefined;
    const at = key === undefined ? undefined : seen.get(key);
    if (at === undefined) {
      if (key !== undefined) seen.set(key, out.length);
      out.push(f);
    } else out[at] = { ...out[at], count: (out[at].count ?? 1) + 1 };
  }
  return out;
}

/** Parameters the Access resources read: the macro resolves them, so the processed template no longer uses them. */
export function parametersReadByAccess(original: Template): Set<string> {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') names.add(o.Ref);
    const sub = o['Fn::Sub'];
    const text = Array.isArray(sub) ? sub[0] : sub;
    if (typeof text === 'string') for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)) names.add(m[1]);
    Object.values(o).forEach(walk);
  };
  for (const r of Object.values(original.Resources ?? {})) if (r?.Type === ACCESS_TYPE) walk(r.Properties);
  return names;
}

export function exitCodeOf(findings: readonly LintFinding[]): number {
  let code = 0;
  if (findings.some((f) => f.level === 'Error')) code |= 2;
  if (findings.some((f) => f.level === 'Warning')) code |= 4;
  if (findings.some((f) => f.level === 'Informational')) code |= 8;
  return code;
}

export function formatFinding(f: LintFinding): string {
  const where = f.access
    ? `${f.access}${f.property ? `.${f.property}` : ''}${f.statement ? ` statement ${f.statement.sid}${f.statement.id ? ` (catalog ${f.statement.id})` : ''}` : ''}`
    : '(the template itself)';
  const at = f.path.length
    ? `\n  at ${f.path.join('.')}${f.count && f.count > 1 ? ` (and ${f.count - 1} more places of the expansion)` : ''}`
    : '';
  return `${f.rule} ${f.level}: ${where}: ${f.message}${at}`;
}

interface LintArgs {
  file: string;
  parameters: Record<string, string>;
  region: string;
  accountId: string;
  macroNames: string[];
  cfnLint?: string;
  format: 'text' | 'json';
}

function parseLintArgs(argv: readonly string[]): LintArgs {
  const args: LintArgs = {
    file: '',
    parameters: {},
    region: 'us-east-1',
    accountId: '123456789012',
    macroNames: [...MACRO_NAMES],
    format: 'text',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--parameter' || a === '-p') {
      const kv = next();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--parameter expects Key=Value, got ${kv}`);
      args.parameters[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === '--region') args.region = next();
    else if (a === '--account-id') args.accountId = next();
    else if (a === '--macro-name') args.macroNames.push(next());
    else if (a === '--cfn-lint') args.cfnLint = next();
    else if (a === '--format') {
      const f = next();
      if (f !== 'text' && f !== 'json') throw new Error('--format is text or json');
      args.format = f;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (args.file) throw new Error(`one TEMPLATE only (got ${args.file} and ${a})`);
    else args.file = a;
  }
  if (!args.file) throw new Error('TEMPLATE is required');
  return args;
}

export async function runLint(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  let args: LintArgs;
  try {
    args = parseLintArgs(argv);
  } catch (e) {
    io.err(`${(e as Error).message}\n${LINT_USAGE}\n`);
    return 2;
  }
  let text: string;
  let original: Template;
  try {
    text = readFileSync(args.file, 'utf8');
    original = parseTemplate(text) as Template;
  } catch (e) {
    io.err(`cannot read ${args.file}: ${(e as Error).message}\n`);
    return 2;
  }
  const report = (findings: LintFinding[]): number => {
    if (args.format === 'json') io.out(`${JSON.stringify(findings, null, 2)}\n`);
    else {
      for (const f of findings) io.out(`${formatFinding(f)}\n`);
      io.out(findings.length ? `${findings.length} finding(s) in ${args.file}\n` : `${args.file}: no findings\n`);
    }
    return exitCodeOf(findings);
  };

  const findings = schemaFindings(original);
  const expandOpts = {
    region: args.region,
    accountId: args.accountId,
    parameters: args.parameters,
    macroNames: args.macroNames,
    what: args.file,
  };
  let processed: Template;
  try {
    processed = (await expandText(text, expandOpts)).template as Template;
  } catch (e) {
    const message = (e as Error).message;
    const ids = [...message.matchAll(/Resource with id \[([A-Za-z0-9]+)\]/g)].map((m) => m[1]);
    findings.push({
      level: 'Error',
      rule: 'SA-MACRO',
      message,
      path: [],
      ...(new Set(ids).size === 1 ? { access: ids[0] } : {}),
    });
    return report(findings);
  }
  let lint: CfnLintResult;
  try {
    lint = runCfnLint(processed, args.cfnLint, args.region);
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    report(findings);
    return 32;
  }
  const expand = async (t: Template) => (await expandText(JSON.stringify(t), expandOpts)).template as Template;
  const attribution = await attribute(original, processed, expand);
  // W2001 (unused parameter) for a parameter an Access resource reads is the expansion's doing, not the template's.
  const readByAccess = parametersReadByAccess(original);
  const kept = lint.findings.filter(
    (f) => !(f.Rule === 'W2001' && f.Path[0] === 'Parameters' && readByAccess.has(String(f.Path[1]))),
  );
  findings.push(...collapse(kept.map((f) => mapFinding(f, processed, attribution))));
  return report(findings);
}

if (require.main === module) void runLint(process.argv.slice(2)).then((code) => process.exit(code));
