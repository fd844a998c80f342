/**
 * npm run catalog:doc
 * Writes docs/catalog.md from the statement catalog (functions/catalog/), one table per AWS service, in the
 * manner of cfn-lint's generated docs/rules.md. Nobody edits the file by hand: test/unit/catalog.test.ts
 * fails when it differs from what this script writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_CATALOG } from '../functions/catalog';
import type { CatalogEntry } from '../functions/catalog/types';
import { parseAccess, type AccessConfig } from '../functions/core/config';
import { BOUNDARY_CATALOG, CUSTOM_RESOURCE_CALLS, OWN_RESOURCES } from '../functions/core/boundary';

export const CATALOG_DOC = join(__dirname, '..', 'docs', 'catalog.md');

/**
 * The settings `when` and `alsoFor` predicates depend on, one dimension per line, each value as the Access
 * properties that give it (the first is the default). A predicate is code, so the doc describes it by the
 * values of each dimension under which it holds for some choice of the others.
 */
export const DIMENSIONS: ReadonlyArray<
  ReadonlyArray<{ readonly label: string; readonly properties: Record<string, unknown> }>
> = [
  [
    { label: 'the generated deployment bucket', properties: {} },
    { label: '`DeploymentBucket: <name>`', properties: { DeploymentBucket: 'example-deployment-bucket' } },
    { label: '`DeploymentBucket: {Shared: true}`', properties: { DeploymentBucket: { Shared: true } } },
  ],
  [
    { label: '`ManyLambdas: false`', properties: {} },
    { label: '`ManyLambdas: true`', properties: { ManyLambdas: true } },
  ],
  [
    { label: "the macro's boundary", properties: {} },
    {
      label: '`PermissionsBoundary: <ARN>`',
      properties: { PermissionsBoundary: 'arn:aws:iam::123456789012:policy/example-boundary' },
    },
    { label: '`PermissionsBoundary: none`', properties: { PermissionsBoundary: 'none' } },
  ],
  [
    { label: 'no `EventBucketNames`', properties: {} },
    { label: '`EventBucketNames` set', properties: { EventBucketNames: ['example-uploads'] } },
  ],
  [
    { label: 'no `ExternalLayerArns`', properties: {} },
    {
      label: '`ExternalLayerArns` set',
      properties: { ExternalLayerArns: ['arn:aws:lambda:us-east-1:123456789012:layer:example:1'] },
    },
  ],
];

export function variantConfig(properties: Record<string, unknown>): AccessConfig {
  return parseAccess(
    'ExampleAccess',
    { Type: 'Formidable::Serverless::Access', Properties: { ServiceName: 'example', Stage: 'dev', ...properties } },
    { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} },
    [],
  );
}

/** The service prefix of an entry's actions (the catalog test checks that an entry has exactly one). */
export function serviceOf(entry: CatalogEntry): string {
  return entry.actions[0].split(':')[0];
}

const code = (s: string) => `\`${s.replace(/\|/g, '\\|')}\``;
const text = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');

/** Every combination of one value per dimension, as labels and merged properties. */
function combinations(): Array<{ labels: string[]; properties: Record<string, unknown> }> {
  return DIMENSIONS.reduce<Array<{ labels: string[]; properties: Record<string, unknown> }>>(
    (acc, values) =>
      acc.flatMap((c) =>
        values.map((v) => ({ labels: [...c.labels, v.label], properties: { ...c.properties, ...v.properties } })),
      ),
    [{ labels: [], properties: {} }],
  );
}

/** The settings under which a predicate holds, e.g. "`ManyLambdas: true`"; '' when it always holds. */
export function describePredicate(predicate: (c: AccessConfig) => boolean): string {
  const holding = combinations().filter((c) => predicate(variantConfig(c.properties)));
  if (!holding.length) return 'no combination of the settings listed in scripts/catalog-doc.ts';
  const constraints: string[] = [];
  DIMENSIONS.forEach((values, d) => {
    const labels = values.map((v) => v.label).filter((l) => holding.some((c) => c.labels[d] === l));
    if (labels.length < values.length) constraints.push(labels.join(' or '));
  });
  return constraints.join(' and ');
}

function rolesCell(entry: CatalogEntry): string {
  const parts = [`${entry.effect === 'Deny' ? '**Deny** to ' : ''}${entry.roles.join(', ')}`];
  const when = entry.when ? describePredicate(entry.when) : '';
  if (when) parts.push(`only with ${when}`);
  if (entry.alsoFor) {
    const also = describePredicate(entry.alsoFor.when);
    parts.push(`also ${entry.alsoFor.roles.join(', ')}${also ? ` with ${also}` : ''}`);
  }
  return parts.join('; ');
}

function conditionCell(entry: CatalogEntry): string {
  if (!entry.condition) return '';
  const lines: string[] = [];
  for (const [op, keys] of Object.entries(entry.condition)) {
    for (const [key, value] of Object.entries(keys)) {
      lines.push(`${code(op)} ${code(key)}: ${(Array.isArray(value) ? value : [value]).map(code).join(', ')}`);
    }
  }
  return lines.join('<br>');
}

export function renderCatalogDoc(catalog: readonly CatalogEntry[] = CORE_CATALOG): string {
  const byService = new Map<string, CatalogEntry[]>();
  for (const entry of catalog) {
    const service = serviceOf(entry);
    byService.set(service, [...(byService.get(service) ?? []), entry]);
  }
  const tokens = [
    ...new Set(
      catalog
        .flatMap((e) => [...e.resources, ...JSON.stringify(e.condition ?? {}).split('"')])
        .flatMap((p) => [...p.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1])),
    ),
  ].sort();

  const out: string[] = [
    '# Statement catalog',
    '',
    '<!-- Generated by `npm run catalog:doc` (scripts/catalog-doc.ts) from functions/catalog/. Do not edit by hand. -->',
    '',
    `Every statement the macro can grant: ${catalog.length} entries for ${byService.size} AWS services. Each entry becomes`,
    "one statement whose `Sid` is its id in PascalCase, and each managed policy lists its statements' ids and reasons",
    'in its `Metadata`. The roles are the groups `admin`, `developer` and `ci`, and `lambda`, the execution role the',
    'macro creates. Resource patterns hold `{Token}`s that `functions/core/naming.ts` fills per Access resource:',
    `${tokens.map((t) => code(`{${t}}`)).join(', ')}.`,
    '',
  ];
  for (const service of [...byService.keys()].sort()) {
    const entries = [...(byService.get(service) ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    const sources = [...new Set(entries.map((e) => e.source))];
    out.push(`## \`${service}\``, '');
    out.push(`Source: ${sources.map((s) => `<${s}>`).join(', ')}`, '');
    out.push('| id | roles | actions | resources | condition | reason |', '|---|---|---|---|---|---|');
    for (const e of entries) {
      out.push(
        `| ${[code(e.id), rolesCell(e), e.actions.map(code).join('<br>'), e.resources.map(code).join('<br>'), conditionCell(e), text(e.reason)].join(' | ')} |`,
      );
    }
    out.push('');
  }
  if (catalog === CORE_CATALOG) out.push(...boundarySection());
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** The boundary's entries (functions/core/boundary.ts): one table, after the services (a level-1 heading). */
function boundarySection(): string[] {
  const out = [
    '# Permissions boundary',
    '',
    'The policy `<ResourcePrefix>-<Stage>-boundary` (functions/core/boundary.ts) that every role of the service carries',
    '(unless `PermissionsBoundary` names your own or is `none`). The `boundary.*` entries with ARNs are rendered as one',
    `statement (${code(OWN_RESOURCES.id)}), the \`boundary-cr.*\` entries with ARNs as another (${code(CUSTOM_RESOURCE_CALLS.id)}): IAM`,
    'authorises an action only against ARNs of its own resource types, so the union allows exactly what the entries allow',
    'one by one. The policy also holds the `lambda` entries the expansion grants, and `BoundaryStatements`.',
    '',
    '| id | actions | resources | condition | reason |',
    '|---|---|---|---|---|',
  ];
  for (const e of BOUNDARY_CATALOG) {
    const when = e.when
      ? ` (only when declared: ${e.id.includes('bucket') ? '`ExistingBuckets`' : '`ExistingUserPoolIds`'})`
      : '';
    out.push(
      `| ${[code(e.id), e.actions.map(code).join('<br>'), e.resources.map(code).join('<br>'), conditionCell(e), `${text(e.reason)}${when}`].join(' | ')} |`,
    );
  }
  return out;
}

async function main() {
  writeFileSync(CATALOG_DOC, renderCatalogDoc());
  process.stdout.write(
    `wrote docs/catalog.md (${CORE_CATALOG.length} entries); review with git diff docs/catalog.md\n`,
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
