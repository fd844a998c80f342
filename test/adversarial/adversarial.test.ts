/**
 * The adversarial suite: every attack (attacks.ts, via-stack.ts) against every subject (subjects.ts: each example,
 * each example in v4 shared mode, each golden expansion; each deployment-bucket state) for every role it must be
 * denied for, with the real policy evaluator.
 *
 * An attack that succeeds must be listed in open-attacks.json (the registry of attacks still open on main, with
 * the reason and the issue that closes it); an unlisted success fails. A listed (attack, role) that succeeds
 * nowhere fails too, naming the entry to shrink: the registry only ever gets shorter.
 * ADVERSARIAL_REPORT=1 prints the successes per attack.
 */
import { ATTACK_CLASSES } from './attacks';
import { allAttacks, applies, deniedFor, loadOpenAttacks, matches, run, type OpenAttack } from './evaluate';
import { loadSubjects, skippedSubjects, SUBJECT_ROLES, type Subject, type SubjectRole } from './subjects';

/**
 * Access resources the suite cannot evaluate, because the deployment-bucket resolver refuses their input: the Access
 * stack would fail to deploy. A finding for the owner of the expansion, listed so that it stays visible.
 */
const UNRESOLVABLE_SUBJECTS: readonly { id: string; reason: string }[] = [];
import { FOREIGN_TARGETS, typesWithoutTarget } from './via-stack';

const ATTACKS = allAttacks();
const OPEN = loadOpenAttacks();

interface Success {
  readonly attack: string;
  readonly role: SubjectRole;
  readonly subject: string;
  readonly sids: readonly string[];
}

describe('adversarial suite', () => {
  let subjects: Subject[];
  const successes: Success[] = [];
  let complete = false;

  beforeAll(async () => {
    subjects = await loadSubjects();
  });

  test('every Access resource is evaluated, except the listed unresolvable ones', () => {
    const skipped = [...new Set(skippedSubjects.map((x) => x.id.replace(/\[[a-z]+\]$/, '')))].sort();
    expect(skipped).toEqual(UNRESOLVABLE_SUBJECTS.map((x) => x.id).sort());
  });

  test('the data is well-formed', () => {
    expect(typesWithoutTarget()).toEqual([]);
    for (const a of ATTACKS) {
      expect(Object.keys(ATTACK_CLASSES)).toContain(a.class);
      expect(a.requests.length).toBeGreaterThan(0);
      expect(a.why.length).toBeGreaterThan(0);
    }
    const ids = new Set(ATTACKS.map((a) => a.id));
    const unknown = OPEN.filter((e) =>
      e.attack.endsWith('*') ? ![...ids].some((i) => i.startsWith(e.attack.slice(0, -1))) : !ids.has(e.attack),
    );
    expect(unknown.map((e) => `open-attacks.json names unknown attack ${e.attack}`)).toEqual([]);
    for (const e of OPEN) {
      expect(e.reason.length).toBeGreaterThan(0);
      expect(e.closedBy.length).toBeGreaterThan(0);
      expect(e.roles.every((r) => SUBJECT_ROLES.includes(r))).toBe(true);
    }
    expect(Object.keys(FOREIGN_TARGETS).length).toBeGreaterThan(0);
    // every class is exercised
    expect([...new Set(ATTACKS.map((a) => a.class))].sort()).toEqual(Object.keys(ATTACK_CLASSES).sort());
    expect(subjects.length).toBeGreaterThan(0);
    expect(new Set(subjects.map((s) => s.bucketState))).toEqual(new Set(['pattern', 'exact', 'custom']));
    expect(subjects.some((s) => s.features.has('bucket:shared'))).toBe(true);
  });

  // Self-tests: the attacks can fail. With the group's policies widened (its Deny statements dropped, an Allow * added), every attack must
  // succeed for every role (each request is then simulated, which also validates its action, ARN and context keys);
  // and the shortcut (relevantPolicies) must decide as the evaluator does over the whole policy set.
  test('a deliberately widened policy lets every attack through', async () => {
    // Each attack once: on the first of three large subjects (an example, an example in v4 mode, a golden
    // expansion) it applies to, for the first role it must be denied for, with that role's policies plus Allow *.
    const picks = pick(subjects);
    const blocked: string[] = [];
    let tried = 0;
    const inapplicable: string[] = [];
    for (const a of ATTACKS) {
      const s =
        picks.find((x) => applies(a, x) && deniedFor(a).some((r) => x.policies[r])) ??
        subjects.find((x) => applies(a, x) && deniedFor(a).some((r) => x.policies[r]));
      if (!s) {
        inapplicable.push(a.id);
        continue;
      }
      const role = deniedFor(a).find((r) => s.policies[r]) as SubjectRole;
      // Widen for real: an explicit Deny is itself a closure, so the control drops every Deny statement as well.
      const widened = [
        ...withoutDeny(s.policies[role] ?? []),
        {
          name: 'widened',
          document: {
            Version: '2012-10-17',
            Statement: [{ Sid: 'Widened', Effect: 'Allow', Action: '*', Resource: '*' }],
          },
        },
      ];
      tried++;
      if (!(await run(a, s, widened)).succeeded) blocked.push(`${a.id} ${role} ${s.id}`);
    }
    expect(picks.length).toBeGreaterThanOrEqual(3);
    // An attack no subject meets (its `requires` features or the roles it targets) proves nothing: every attack
    // must be tried somewhere, so a lost subject feature cannot silently turn attacks into no-ops.
    expect(inapplicable).toEqual([]);
    expect(tried).toBe(ATTACKS.length);
    expect(blocked).toEqual([]);
  });

  test('the shortcut decides as the evaluator does on the whole policy set', async () => {
    const s = subjects.find((x) => x.id === 'example:tapir.yaml#TapirAccess[exact]') as Subject;
    expect(s).toBeDefined();
    const differ: string[] = [];
    for (const a of ATTACKS) {
      if (!applies(a, s)) continue;
      for (const role of deniedFor(a)) {
        const policies = s.policies[role];
        if (!policies) continue;
        const fast = await run(a, s, policies);
        const full = await run(a, s, policies, false);
        if (fast.succeeded !== full.succeeded)
          differ.push(`${a.id} ${role}: shortcut ${fast.succeeded}, evaluator ${full.succeeded}`);
      }
    }
    expect(differ).toEqual([]);
  });

  test('every attack is denied, or listed as open', async () => {
    const unlisted: string[] = [];
    for (const s of subjects) {
      for (const a of ATTACKS) {
        if (!applies(a, s)) continue;
        for (const role of deniedFor(a)) {
          const policies = s.policies[role];
          if (!policies) continue;
          const outcome = await run(a, s, policies);
          if (!outcome.succeeded) continue;
          successes.push({ attack: a.id, role, subject: s.id, sids: outcome.sids });
          if (!OPEN.some((e) => matches(e, a.id, role, s.id))) {
            unlisted.push(
              `${a.id} (${a.class}: ${a.why}) succeeds for ${role} on ${s.id} via ${outcome.sids.join(', ')}`,
            );
          }
        }
      }
    }
    complete = true;
    if (process.env.ADVERSARIAL_REPORT) report(successes);
    expect(unlisted).toEqual([]);
  });

  test('every open-registry entry still succeeds somewhere (shrink open-attacks.json when one is closed)', () => {
    if (!complete) return; // a filtered run cannot tell
    const stale: string[] = [];
    for (const e of OPEN) {
      for (const role of e.roles) {
        const hit = successes.some((x) => matches({ ...e, roles: [role] } as OpenAttack, x.attack, x.role, x.subject));
        if (!hit) {
          stale.push(
            e.roles.length === 1
              ? `open-attacks.json: remove the entry for ${e.attack} (${role}): it is denied on every subject now`
              : `open-attacks.json: remove "${role}" from the roles of ${e.attack}: it is denied for ${role} on every subject now`,
          );
        }
      }
    }
    expect(stale).toEqual([]);
  });
});

/** The policies without their Deny statements (the widened control removes every closure, explicit Denies too). */
function withoutDeny<T extends { document: unknown }>(policies: readonly T[]): T[] {
  return policies.map((p) => {
    const doc = p.document as { Statement?: unknown };
    const stmts = (Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []) as {
      Effect?: string;
    }[];
    return { ...p, document: { ...doc, Statement: stmts.filter((x) => x.Effect !== 'Deny') } };
  });
}

/** One subject per source (example, example in v4 mode, golden), the one with the most policy statements. */
function pick(subjects: readonly Subject[]): Subject[] {
  const size = (s: Subject) => Object.values(s.policies).reduce((n, docs) => n + JSON.stringify(docs).length, 0);
  const best = new Map<string, Subject>();
  for (const s of subjects) {
    const key = s.source;
    const cur = best.get(key);
    if (!cur || size(s) > size(cur)) best.set(key, s);
  }
  return [...best.values()];
}

function report(successes: readonly Success[]) {
  const byAttack = new Map<string, Map<SubjectRole, Set<string>>>();
  for (const s of successes) {
    const roles = byAttack.get(s.attack) ?? new Map<SubjectRole, Set<string>>();
    const set = roles.get(s.role) ?? new Set<string>();
    set.add(s.sids.join('+'));
    roles.set(s.role, set);
    byAttack.set(s.attack, roles);
  }
  const lines = [...byAttack].map(
    ([a, roles]) => `${a}: ${[...roles].map(([r, sids]) => `${r} (${[...sids].join(' | ')})`).join('; ')}`,
  );

  console.log(`open attacks (${byAttack.size}):\n${lines.join('\n')}`);
}
