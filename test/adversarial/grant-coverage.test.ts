/**
 * Grant coverage (grant-coverage.ts): every (catalog entry, action, role) and every (entry, resource pattern) must be
 * needed by a recorded or catalogued framework call, or be listed in grant-justifications.json: `justified` with a
 * reviewed reason, or `surplus` (a defect the catalog's owner removes; listed so main stays green meanwhile).
 * An uncovered grant listed nowhere fails, naming the entry, action and role (or pattern); a listed grant that is
 * covered or gone fails too, so the file only shrinks as the catalog tightens. GRANT_REPORT=1 prints the surplus list.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAR, type CatalogEntry } from '../../functions/catalog/types';
import { actionKey, coverage, grantsOf, keysOf, patternKey, type Evidence, type Grant } from './grant-coverage';

interface Record_ {
  readonly entry: string;
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
  readonly roles?: readonly string[];
  readonly reason: string;
  readonly source?: string;
  readonly owner?: string;
}

const FILE = join(__dirname, 'grant-justifications.json');
const DATA = JSON.parse(readFileSync(FILE, 'utf8')) as { justified: Record_[]; surplus: Record_[] };

/** The keys a record stands for, among the catalog's keys. */
function keysOfRecord(r: Record_, grants: readonly Grant[]): string[] {
  const out = new Set<string>();
  for (const g of grants.filter((x) => x.entry === r.entry)) {
    if (r.actions?.includes(g.action) && (!r.roles || r.roles.includes(g.role)))
      out.add(actionKey(g.entry, g.action, g.role));
    if (r.resources?.includes(g.resource)) out.add(patternKey(g.entry, g.resource));
  }
  return [...out];
}

type Uncovered = Map<string, { entry: string; action?: string; role?: string; resource?: string; module?: string }>;

function uncoveredOf(grants: readonly Grant[], evidence: ReadonlyMap<string, Evidence>): Uncovered {
  const keys = keysOf(grants);
  // The pattern `*` is no choice: the catalog tests allow it only for actions that accept no resource ARN, so it
  // stands or falls with the entry's actions.
  return new Map([...keys].filter(([k, v]) => !evidence.has(k) && v.resource !== '*'));
}

function unexplainedOf(grants: readonly Grant[], uncovered: Uncovered): string[] {
  const listed = new Set([...DATA.justified, ...DATA.surplus].flatMap((r) => keysOfRecord(r, grants)));
  return [...uncovered]
    .filter(([k]) => !listed.has(k))
    .map(([, v]) =>
      v.action
        ? `surplus grant: ${v.entry} grants ${v.action} to ${v.role}${v.module ? ` (submodule ${v.module})` : ''}, and no recorded or catalogued framework call needs it: remove it from the catalog, or justify it in test/adversarial/grant-justifications.json`
        : `surplus grant: ${v.entry} grants resource pattern ${v.resource}${v.module ? ` (submodule ${v.module})` : ''}, and no framework call falls on it: remove the pattern, or justify it in test/adversarial/grant-justifications.json`,
    );
}

describe('grant coverage', () => {
  let grants: Grant[];
  let evidence: Map<string, Evidence>;
  let uncovered: Map<string, { entry: string; action?: string; role?: string; resource?: string; module?: string }>;

  beforeAll(async () => {
    const result = await coverage();
    grants = result.grants;
    evidence = result.evidence;
    uncovered = uncoveredOf(grants, evidence);
  });

  test('the justification file is well-formed', () => {
    for (const r of [...DATA.justified, ...DATA.surplus]) {
      expect(r.reason.length).toBeGreaterThan(20);
      expect((r.actions?.length ?? 0) + (r.resources?.length ?? 0)).toBeGreaterThan(0);
    }
    for (const r of DATA.justified) expect(r.source?.length ?? 0).toBeGreaterThan(0);
    for (const r of DATA.surplus) expect(r.owner?.length ?? 0).toBeGreaterThan(0);
  });

  test('every grant is needed by a framework call, or justified, or listed as surplus', () => {
    expect(unexplainedOf(grants, uncovered)).toEqual([]);
  });

  test('the coverage can fail: an unused grant added to the catalog is reported, naming entry, action and role', () => {
    // The issue's example: an unused states:* entry.
    const unused: CatalogEntry = {
      id: 'states.unused',
      roles: ['developer'],
      actions: ['states:*'],
      resources: ['arn:{Partition}:states:{Region}:{Account}:stateMachine:{Service}-{Stage}-*'],
      reason: 'an invented grant no framework call needs',
      source: SAR,
    };
    const widened = [...grants, ...grantsOf(unused)];
    const problems = unexplainedOf(widened, uncoveredOf(widened, evidence));
    expect(problems).toEqual([
      expect.stringMatching(
        /^surplus grant: states\.unused grants states:\* to developer, and no recorded or catalogued framework call needs it/,
      ),
      expect.stringMatching(/^surplus grant: states\.unused grants resource pattern arn:\{Partition\}:states:/),
    ]);
  });

  test('every justification and surplus record still stands for an uncovered grant (remove the ones now covered or gone)', () => {
    const stale: string[] = [];
    for (const [kind, list] of [
      ['justified', DATA.justified],
      ['surplus', DATA.surplus],
    ] as const) {
      for (const r of list) {
        for (const a of r.actions ?? []) {
          const keys = keysOfRecord({ ...r, actions: [a], resources: [] }, grants);
          if (!keys.some((k) => uncovered.has(k)))
            stale.push(
              `grant-justifications.json ${kind}: ${r.entry} ${a}${r.roles ? ` (${r.roles.join(', ')})` : ''} is covered by a framework call or no longer granted: remove it`,
            );
          for (const k of keys)
            if (!uncovered.has(k) && r.roles)
              stale.push(`grant-justifications.json ${kind}: ${k} is covered or gone: remove that role`);
        }
        for (const p of r.resources ?? []) {
          const keys = keysOfRecord({ ...r, actions: [], resources: [p] }, grants);
          if (!keys.some((k) => uncovered.has(k)))
            stale.push(
              `grant-justifications.json ${kind}: ${r.entry} resource ${p} is covered by a framework call or no longer granted: remove it`,
            );
        }
      }
    }
    if (process.env.GRANT_REPORT) {
      console.log(
        `surplus grants (defects):\n${DATA.surplus.map((r) => `${r.entry}: ${[...(r.actions ?? []), ...(r.resources ?? [])].join(', ')}${r.roles ? ` [${r.roles.join(', ')}]` : ''} (${r.owner}): ${r.reason}`).join('\n')}`,
      );
    }
    expect(stale).toEqual([]);
  });
});
