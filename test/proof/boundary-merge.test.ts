/**
 * The boundary's merged statements (functions/core/boundary.ts: boundary.own-resources, boundary-cr.calls,
 * boundary.unscoped) decide every catalogued request exactly as the entries would one by one. For each golden
 * expansion with the macro's boundary, every action of every boundary entry that applies is requested on a concrete
 * resource of each pattern of every entry (wildcards filled), with the entry's own condition satisfied and, for S3, the own
 * account as s3:ResourceAccount, and evaluated by the real evaluator against the boundary as deployed and against a
 * boundary holding that entry alone: the decisions must be equal (Allowed on its own patterns, Denied on another
 * entry's, so a merge that widened one entry to another's resources fails).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applies } from '../../functions/catalog/applicability';
import type { CatalogEntry } from '../../functions/catalog/types';
import { BOUNDARY_CODE, BOUNDARY_CUSTOM_RESOURCES } from '../../functions/core/boundary';
import { parseAccess } from '../../functions/core/config';
import { renderEntry } from '../../functions/core/iam/render';
import { arnTokens } from '../../functions/core/naming';
import { goldenFeatures, INPUT_DIR, isErrorCase, OUTPUT_DIR } from '../../scripts/update-golden';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { ACCOUNT_ID, simulate, type SimRequest } from '../../scripts/lib/prove/simulate';
import { SUBMODULES } from '../../functions/submodules';

type Template = {
  Parameters?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
};

const CR_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/orders-dev-IamRoleCustomResourcesLambdaExec-1A2B3C4D5E6F`;

/** A concrete value for a pattern: partition aws, region us-east-1, each wildcard a short literal. */
function concrete(pattern: string): string {
  return pattern
    .replace(/^arn:\*:/, 'arn:aws:')
    .replace(/:\*:(\d{12}|):/, ':us-east-1:$1:')
    .replace(/\*/g, 'x1')
    .replace(/\?/g, 'a');
}

/** The context under which an entry's own condition holds (values concretized). */
function contextOf(entry: CatalogEntry, rendered: Record<string, Record<string, unknown>> | undefined) {
  const context: Record<string, string | string[]> = { 'aws:PrincipalArn': CR_ROLE };
  for (const [op, keys] of Object.entries(rendered ?? {})) {
    for (const [key, raw] of Object.entries(keys)) {
      const first = String(Array.isArray(raw) ? raw[0] : raw);
      const value = op.includes('Arn') || first.startsWith('arn:') ? concrete(first) : first;
      context[key] = op.startsWith('ForAllValues:') ? [value] : value;
    }
  }
  if (entry.id === 'boundary.buckets') context['s3:ResourceAccount'] = ACCOUNT_ID;
  return context;
}

const cases = goldenFeatures()
  .filter((f) => !isErrorCase(f))
  .flatMap((f) => {
    const template = parseTemplate(readFileSync(join(INPUT_DIR, `${f}.yaml`), 'utf8')) as Template;
    const output = JSON.parse(readFileSync(join(OUTPUT_DIR, `${f}.json`), 'utf8')) as Template;
    if (template.Parameters) return []; // parameter values need the proof's resolver
    return Object.entries(template.Resources)
      .filter(([id, r]) => r.Type === 'Formidable::Serverless::Access' && output.Resources[`${id}Boundary`])
      .map(([id, r]) => [`${f}#${id}`, id, r, output.Resources[`${id}Boundary`]] as const);
  })
  // Parameters and intrinsics need the proof's resolver; literal goldens cover every merged statement.
  .filter(([, , , b]) => !JSON.stringify(b.Properties?.PolicyDocument).includes('Fn::'));

test('there are golden boundaries to check', () => expect(cases.length).toBeGreaterThan(5));

describe.each(cases)('%s', (_name, id, resource, boundary) => {
  test('each entry is decided by the merged boundary exactly as by the entry as its own statement', async () => {
    const config = parseAccess(
      id,
      resource as Record<string, unknown>,
      { region: 'us-east-1', accountId: ACCOUNT_ID, templateParameterValues: {} },
      SUBMODULES.map((m) => m.property),
    );
    const tokens = arnTokens(config);
    const merged = [{ name: 'boundary', document: boundary.Properties?.PolicyDocument }];
    const applicable = [...BOUNDARY_CODE, ...BOUNDARY_CUSTOM_RESOURCES].filter((e) => applies(e.when, config));
    const renderedOf = new Map(applicable.map((e) => [e, renderEntry(e, tokens).statement]));
    // Every entry's resources, so a merge that let one entry's actions reach another entry's resources shows up.
    // And each of them for another service of the same name but one letter: Denied by both.
    const own = `${config.slsServiceName}-${config.iamStage}`;
    const own2 = `${config.slsServiceName}q-${config.iamStage}`;
    const pool = [...new Set([...renderedOf.values()].flatMap((st) => [st.Resource].flat().map(String)))].flatMap(
      (r) => (r.includes(own) ? [r, r.split(own).join(own2)] : [r]),
    );
    let checked = 0;
    let denied = 0;
    for (const entry of applicable) {
      const rendered = renderedOf.get(entry)!;
      const alone = [{ name: 'alone', document: { Version: '2012-10-17', Statement: [rendered] } }];
      for (const action of entry.actions) {
        for (const r of pool) {
          const request: SimRequest = {
            action,
            resource: r === '*' ? '*' : concrete(r),
            context: contextOf(entry, rendered.Condition as never),
          };
          let a: string;
          try {
            a = (await simulate(alone, request)).decision;
          } catch {
            continue; // an ARN of a resource type the action does not take: IAM never authorises it there
          }
          const b = (await simulate(merged, request)).decision;
          expect([entry.id, action, request.resource, b]).toEqual([entry.id, action, request.resource, a]);
          if (a === 'Allowed') checked++;
          else denied++;
        }
      }
    }
    expect(denied).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(10);
  });
});
