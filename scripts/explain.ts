/**
 * serverless-access explain TEMPLATE | --deployed STACK [--format md|html] [--out FILE]
 *
 * Per IAM group and role of the processed template: a matrix of AWS service x what it may do (read, update,
 * create/delete, IAM, pass role), each cell coloured by its scope (own stage, via the stack only,
 * account-wide) and listing the statements that grant it, then every statement with its reason from the
 * catalog (by Sid). Deny statements mark their cells ⊘ denied; a permissions boundary gets its own section (the
 * ceiling of every role of the service). Markdown by default; --format html writes one self-contained page (no external asset).
 */
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { readFileSync, writeFileSync } from 'node:fs';
import type { CatalogEntry } from '../functions/catalog/types';
import { parseAccess } from '../functions/core/config';
import { ACCESS_TYPE } from '../functions/core/transform';
import { SUBMODULES } from '../functions/submodules';
import { stdio, type CliIo } from './expand';
import { MACRO_NAMES, parameterValues } from './lib/harness';
import { parseTemplate } from './lib/cfn-yaml';
import { processedTemplate, type Template } from './lib/iam-diff';
import {
  BOUNDARY_MEANING,
  catalogBySid,
  permissionMatrix,
  SCOPES,
  WHATS,
  type Cell,
  type PrincipalMatrix,
  type Scope,
  type StatementInfo,
} from './lib/permission-matrix';

export const EXPLAIN_USAGE =
  'usage: serverless-access explain TEMPLATE | --deployed STACK [--region R] [--format md|html] [--out FILE] [--parameter Key=Value ...] [--account-id A] [--macro-name N]';

const SCOPE_MARK: Record<Scope, string> = { 'own stage': '●', 'via the stack only': '◐', 'account-wide': '○' };
const DENIED = '⊘ denied';
/** A statement's scope as shown: Deny statements take away, so they read "denied" (with what they cover). */
const statementScope = (s: StatementInfo) =>
  s.effect === 'Deny' ? `${DENIED} (${s.scope})` : `${SCOPE_MARK[s.scope]} ${s.scope}`;
/** The line under a principal's heading: what a boundary is, and which roles carry it. */
const principalNote = (p: PrincipalMatrix) =>
  p.kind === 'boundary'
    ? `Permissions boundary: ${BOUNDARY_MEANING}${p.boundaryOf?.length ? ` (carried by ${p.boundaryOf.join(', ')})` : ''}. A role may do only what both its policies and this allow.`
    : undefined;

/** The catalog entries the submodules of a template's Access resources add (their Sids then have reasons too). */
export function submoduleEntries(template: Template, parameters: Record<string, string> = {}): CatalogEntry[] {
  const ctx = {
    region: 'us-east-1',
    accountId: '123456789012',
    templateParameterValues: parameterValues(template, parameters),
  };
  const out: CatalogEntry[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r?.Type !== ACCESS_TYPE) continue;
    try {
      const config = parseAccess(
        id,
        r as Record<string, unknown>,
        ctx,
        SUBMODULES.map((m) => m.property),
      );
      for (const m of SUBMODULES) {
        const v = config.submoduleProperties[m.property];
        if (v === undefined || v === false || v === 'false') continue;
        const options = m.parse(v, () => undefined, config);
        if (options !== undefined) out.push(...m.entries(options, config));
      }
    } catch {
      // the expansion reports the errors
    }
  }
  return out;
}

/** Every statement of one principal, once, by Sid. */
export function statementsOf(p: PrincipalMatrix): StatementInfo[] {
  const all = new Map<string, StatementInfo>();
  for (const row of p.rows.values())
    for (const cell of row.values()) for (const s of cell.statements) all.set(s.sid, s);
  return [...all.values()].sort((a, b) => a.sid.localeCompare(b.sid));
}

function cellText(cell: Cell | undefined): string {
  if (!cell) return '';
  const marks = [
    ...(cell.scope ? [`${SCOPE_MARK[cell.scope]} ${cell.scope}`] : []),
    ...(cell.denied.length ? [DENIED] : []),
  ];
  return `${marks.join(', ')}<br>${cell.statements.map((s) => `\`${s.sid}\``).join(' ')}`;
}

const md = (s: string) => s.replace(/\|/g, '\\|');

export function markdown(matrix: readonly PrincipalMatrix[], source: string): string {
  const out: string[] = [
    `# Permissions of ${source}`,
    '',
    `Scope: ${SCOPES.map((s) => `${SCOPE_MARK[s]} ${s}`).join(', ')}; ${DENIED}: a Deny statement takes the actions away. Each cell names its statements (Sid = catalog id in PascalCase, see docs/catalog.md).`,
    '',
  ];
  for (const p of matrix) {
    out.push(`## ${p.kind} ${p.name}`, '');
    const note = principalNote(p);
    if (note) out.push(note, '');
    if (!p.rows.size) out.push('(no statement)', '');
    else {
      out.push(`| service | ${WHATS.join(' | ')} |`, `|---|${WHATS.map(() => '---').join('|')}|`);
      for (const [service, row] of p.rows)
        out.push(`| ${service} | ${WHATS.map((w) => cellText(row.get(w))).join(' | ')} |`);
      out.push('');
      out.push('| statement | catalog id | scope | reason |', '|---|---|---|---|');
      for (const s of statementsOf(p)) {
        out.push(
          `| \`${s.sid}\` | ${s.id ? `\`${s.id}\`` : '-'} | ${statementScope(s)} | ${md(s.reason ?? '(not in the catalog)')} |`,
        );
      }
      out.push('');
    }
    if (p.attachedArns.length)
      out.push(`Also attached (outside the template): ${p.attachedArns.map((a) => `\`${a}\``).join(', ')}`, '');
  }
  return `${out.join('\n')}\n`;
}

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const SCOPE_CLASS: Record<Scope, string> = {
  'own stage': 'own',
  'via the stack only': 'stack',
  'account-wide': 'account',
};

export function htmlPage(matrix: readonly PrincipalMatrix[], source: string): string {
  const sections = matrix.map((p) => {
    const id = `p-${p.id.replace(/[^A-Za-z0-9-]/g, '-')}`;
    const rows = [...p.rows]
      .map(
        ([service, row]) =>
          `<tr><th scope="row">${html(service)}</th>${WHATS.map((w) => {
            const cell = row.get(w);
            if (!cell) return '<td class="none"></td>';
            const tip = cell.statements
              .map((s) => `${s.sid}${s.effect === 'Deny' ? ' (Deny)' : ''}: ${s.reason ?? '(not in the catalog)'}`)
              .join('\n');
            const denied = cell.denied.length
              ? `<span class="denied" data-denied="${html(cell.denied.join(' '))}">${DENIED}</span>`
              : '';
            const scope = cell.scope ? `<span class="scope">${SCOPE_MARK[cell.scope]} ${cell.scope}</span>` : '';
            return `<td class="${cell.scope ? SCOPE_CLASS[cell.scope] : 'deny-only'}" title="${html(tip)}"${cell.scope ? ` data-scope="${cell.scope}"` : ''}${cell.denied.length ? ' data-denied=""' : ''}>${scope}${denied}${cell.statements.map((s) => `<a href="#${id}-${html(s.sid)}">${html(s.sid)}</a>`).join(' ')}</td>`;
          }).join('')}</tr>`,
      )
      .join('\n');
    const statements = statementsOf(p);
    const list = statements
      .map(
        (s) =>
          `<li id="${id}-${html(s.sid)}"><code>${html(s.sid)}</code>${s.id ? ` <span class="cid">${html(s.id)}</span>` : ''} <span class="tag ${s.effect === 'Deny' ? 'denied' : SCOPE_CLASS[s.scope]}">${html(statementScope(s))}</span><br>${html(s.reason ?? '(not in the catalog)')}</li>`,
      )
      .join('\n');
    const note = principalNote(p);
    return `<section id="${id}" class="principal ${p.kind}"><h2>${html(p.kind)} <code>${html(p.name)}</code></h2>${note ? `\n<p class="note">${html(note)}</p>` : ''}
<table class="matrix"><thead><tr><th>service</th>${WHATS.map((w) => `<th>${w}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
<details><summary>${statements.length} statements and their reasons</summary><ul class="statements">${list}</ul></details>
${p.attachedArns.length ? `<p>Also attached (outside the template): ${p.attachedArns.map((a) => `<code>${html(a)}</code>`).join(', ')}</p>` : ''}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Permissions of ${html(source)}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.legend span{display:inline-block;margin-right:14px;padding:2px 8px;border-radius:4px}
table.matrix{border-collapse:collapse;width:100%;table-layout:fixed}
.matrix th,.matrix td{border:1px solid #d0d7de;padding:4px 6px;vertical-align:top;font-size:12px;word-break:break-word}
.matrix thead th{background:#f6f8fa;text-align:left}.matrix tbody th{text-align:left;width:12%;font-weight:600}
.matrix td a{display:inline-block;margin:1px 4px 1px 0;color:#0b4f9c;text-decoration:none;font-family:ui-monospace,monospace;font-size:11px}
.scope{display:block;font-weight:600;margin-bottom:2px}
.denied{display:block;font-weight:600;color:#82071e;margin-bottom:2px}.tag.denied{display:inline;background:#eaeef2}.deny-only{background:#eaeef2}.note{margin:0 0 8px;color:#57606a}
.own{background:#dafbe1}.stack{background:#fff8c5}.account{background:#ffebe9}.none{background:#fff}
.tag{font-size:11px;padding:0 6px;border-radius:8px;margin-left:4px}.cid{color:#57606a;font-family:ui-monospace,monospace;font-size:12px}
ul.statements{margin:6px 0;padding-left:18px}ul.statements li{margin:4px 0}
</style></head><body>
<h1>Permissions of ${html(source)}</h1>
<p class="legend">Scope: <span class="own">● own stage</span><span class="stack">◐ via the stack only</span><span class="account">○ account-wide</span><span class="deny-only">${DENIED}</span> (a Deny statement takes the actions away). Each cell lists its statements (Sid = catalog id in PascalCase); hover for the reasons.</p>
${sections.join('\n')}
</body></html>
`;
}

interface ExplainArgs {
  file?: string;
  deployed?: string;
  region?: string;
  accountId?: string;
  format: 'md' | 'html';
  out?: string;
  parameters: Record<string, string>;
  macroNames: string[];
}

function parseExplainArgs(argv: readonly string[]): ExplainArgs {
  const args: ExplainArgs = { format: 'md', parameters: {}, macroNames: [...MACRO_NAMES] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--deployed') args.deployed = next();
    else if (a === '--region') args.region = next();
    else if (a === '--account-id') args.accountId = next();
    else if (a === '--out' || a === '-o') args.out = next();
    else if (a === '--macro-name') args.macroNames.push(next());
    else if (a === '--format') {
      const f = next();
      if (f !== 'md' && f !== 'html') throw new Error('--format is md or html');
      args.format = f;
    } else if (a === '--parameter' || a === '-p') {
      const kv = next();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--parameter expects Key=Value, got ${kv}`);
      args.parameters[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (args.file) throw new Error(`one TEMPLATE only (got ${args.file} and ${a})`);
    else args.file = a;
  }
  if (!args.file === !args.deployed) throw new Error('give one TEMPLATE, or --deployed STACK');
  if (args.out?.endsWith('.html') && !argv.includes('--format')) args.format = 'html';
  return args;
}

export interface ExplainDeps {
  readonly cfn?: Pick<CloudFormationClient, 'send'>;
  readonly io?: CliIo;
}

export async function runExplain(argv: readonly string[], deps: ExplainDeps = {}): Promise<number> {
  const io = deps.io ?? stdio;
  let args: ExplainArgs;
  try {
    args = parseExplainArgs(argv);
  } catch (e) {
    io.err(`${(e as Error).message}\n${EXPLAIN_USAGE}\n`);
    return 2;
  }
  let processed: Template;
  let extra: CatalogEntry[] = [];
  let source: string;
  try {
    const load = {
      region: args.region,
      accountId: args.accountId,
      parameters: args.parameters,
      macroNames: args.macroNames,
    };
    if (args.deployed) {
      source = `deployed stack ${args.deployed}`;
      const region = args.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      const cfn = deps.cfn ?? new CloudFormationClient(region ? { region } : {});
      const { TemplateBody } = await cfn.send(
        new GetTemplateCommand({ StackName: args.deployed, TemplateStage: 'Processed' }),
      );
      if (!TemplateBody) throw new Error(`GetTemplate returned no template for ${args.deployed}`);
      processed = await processedTemplate(TemplateBody, source, load);
    } else {
      source = args.file!;
      const text = readFileSync(args.file!, 'utf8');
      extra = submoduleEntries(parseTemplate(text) as Template, args.parameters);
      processed = await processedTemplate(text, args.file!, load);
    }
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    return 1;
  }
  const matrix = permissionMatrix(processed, catalogBySid(extra));
  const text = args.format === 'html' ? htmlPage(matrix, source) : markdown(matrix, source);
  if (args.out) writeFileSync(args.out, text);
  else io.out(text);
  return 0;
}

if (require.main === module) void runExplain(process.argv.slice(2)).then((code) => process.exit(code));
