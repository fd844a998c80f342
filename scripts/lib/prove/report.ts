/** The proof's report: one table per service and framework, then emulations, exceptions and mismatches. */
import { STEP_LABEL, type Cell, type Mismatch, type StepResult, type UnitEvaluation } from './evaluate';
import { EXCEPTION_BY_ID } from './known-gaps';
import { failures, type ProofResult } from './proof';
import { ROLES, type Target } from './types';

const TARGETS: readonly Target[] = ['own', 'other-service', 'other-stage'];

function cell(c: Cell): string {
  const text = `${c.allowed}/${c.denied}${c.excepted ? '*' : ''}`;
  return text.padStart(7);
}

function roleCells(s: StepResult, role: (typeof ROLES)[number]): string {
  const o = s.outcome[role];
  const mark = o.ok ? (o.expected === 'allow' ? ' ok ' : ' no ') : ' XX ';
  return `${TARGETS.map((t) => cell(s.cells[role][t])).join('')}${mark}`;
}

function unitTitle(u: UnitEvaluation, label: string): string {
  const r = u.run;
  const f = r.stages[0]?.facts;
  const where = f ? `${f.service} (${f.region})` : '';
  const nb = [
    r.stages.length > 1 ? `stage ${r.stages.map((s) => s.stage).join('/')}` : '',
    r.otherService ? `other service ${r.otherService.facts.service}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${r.spec.id} · ${label} · ${where}${nb ? ` · replayed against ${nb}` : ''}${r.spec.overlay ? ` · ${r.spec.overlay.why}` : ''}`;
}

export function unitTable(u: UnitEvaluation, label: string): string[] {
  const lines: string[] = [];
  lines.push('', unitTitle(u, label));
  const head = ROLES.map((r) => `${r.padEnd(28)}`).join('');
  lines.push(`  ${'stage'.padEnd(12)}${'command'.padEnd(22)}${head}`);
  lines.push(`  ${''.padEnd(34)}${ROLES.map(() => '    own    svc    stg     ').join('  ')}`);
  for (const s of u.steps) {
    const emulated = s.step.emulated.length ? ' (e)' : '';
    const failed = s.step.exitCode !== 0 ? ' !' : '';
    lines.push(
      `  ${s.stage.padEnd(12)}${`${STEP_LABEL[s.step.kind]}${emulated}${failed}`.padEnd(22)}${ROLES.map((r) => roleCells(s, r)).join('  ')}`,
    );
  }
  return lines;
}

function describeMismatch(m: Mismatch, full: boolean): string[] {
  const lines = [
    `${m.service} · ${m.framework} · ${m.stage} · ${STEP_LABEL[m.step]} · ${m.role} · ${m.target}: expected ${m.expected}, got ${m.actual}`,
    `  ${m.detail.split('\n')[0]}`,
  ];
  if (!full) {
    if (m.request) lines.push(`  ${m.request.action} ${m.request.resource}  (${m.request.origin})`);
    return lines;
  }
  if (m.call)
    lines.push(
      `  call:      ${m.call.service}.${m.call.op} #${m.call.seq} ${JSON.stringify(m.call.input).slice(0, 600)}`,
    );
  if (m.request) {
    lines.push(
      `  request:   ${m.request.action} (${m.request.via === 'cloudformation' ? "by CloudFormation with the caller's credentials" : 'by the CLI'}; ${m.request.origin}; map ${m.request.mapId})`,
    );
    lines.push(`  ARN:       ${m.request.resource}`);
    lines.push(`  context:   ${JSON.stringify(m.request.context)}`);
  }
  if (m.sim) {
    const sids = m.sim.decision === 'Allowed' ? m.sim.allowSids : m.sim.denySids;
    lines.push(
      `  statement: ${sids.length ? sids.join(', ') : m.sim.decision === 'Allowed' ? '(unnamed)' : 'none matched'} (${m.sim.overall}${m.sim.unvalidated ? `, unvalidated: ${m.sim.unvalidated}` : ''})`,
    );
  }
  for (const l of m.detail.split('\n').slice(1)) lines.push(`  ${l}`);
  return lines;
}

export function formatReport(result: ProofResult): string {
  const lines: string[] = [];
  const all = [...result.units, ...result.v4];
  const frameworks = [...new Set(result.units.map((u) => u.run.framework.label))];
  lines.push(`Proof of the Formidable::Serverless::Access policies against the real Serverless Framework CLI`);
  lines.push(
    `frameworks: ${frameworks.join(', ')} (recorded on moto ${result.motoVersion})${result.v4.length ? '; serverless@4 from scripts/lib/prove/v4-catalog.json' : ''}`,
  );
  lines.push(
    `cells: allowed/denied requests, against the group's own service+stage (own), the other service (svc) and the other stage (stg);`,
  );
  lines.push(
    `       * = some results explained by known-gaps.ts; per role: ok = may run it, no = may not (denied as the role matrix says), XX = mismatch;`,
  );
  lines.push(`       (e) = part of the step emulated (see below), ! = the CLI failed`);

  for (const u of result.units) lines.push(...unitTable(u, u.run.framework.label));
  const v4Seen = new Map<string, string>();
  for (const u of result.v4) {
    const table = unitTable(u, 'serverless@4 (catalog)');
    const body = table.slice(2).join('\n');
    const same = v4Seen.get(body);
    if (same) lines.push('', `${u.run.spec.id} · serverless@4 (catalog): the same counts as ${same}`);
    else {
      v4Seen.set(body, u.run.spec.id);
      lines.push(...table);
    }
  }

  const emulations = new Map<string, Set<string>>();
  for (const u of result.units)
    for (const s of u.steps)
      for (const e of s.step.emulated) {
        if (!emulations.has(e)) emulations.set(e, new Set());
        emulations.get(e)?.add(STEP_LABEL[s.step.kind]);
      }
  if (emulations.size) {
    lines.push('', 'Emulated (everything else ran on moto as recorded):');
    for (const [e, steps] of emulations) lines.push(`  - ${[...steps].join(', ')}: ${e}`);
  }
  const worlds = result.units.filter((u) => u.run.world.length);
  if (worlds.length) {
    lines.push('', 'Created before the first deploy because the service names them (not part of the proof):');
    const seen = new Set<string>();
    for (const u of worlds) {
      const key = `${u.run.spec.id}: ${u.run.world.join(', ')}`;
      if (!seen.has(key)) lines.push(`  - ${key}`);
      seen.add(key);
    }
  }

  const used = new Map<string, number>();
  for (const u of all) for (const [id, n] of u.exceptionsUsed) used.set(id, (used.get(id) ?? 0) + n);
  if (used.size) {
    lines.push('', 'Accepted exceptions (scripts/lib/prove/known-gaps.ts):');
    for (const kind of ['gap', 'intended', 'non-scopable'] as const) {
      for (const [id, n] of used) {
        const x = EXCEPTION_BY_ID.get(id);
        if (!x || x.kind !== kind) continue;
        lines.push(`  - [${x.kind}] ${id} (${n} results): ${x.reason}`);
        if (x.catalogEntry) lines.push(`      catalog entry: ${x.catalogEntry}`);
        if (x.fix) lines.push(`      proposed fix: ${x.fix}`);
      }
    }
  }

  const notRun = result.units.flatMap((u) =>
    u.run.notRun.map((e) => `${u.run.spec.id} · ${u.run.framework.label} · ${e}`),
  );
  if (notRun.length) {
    lines.push('', `Not run (${notRun.length}; not counted as proven):`);
    for (const e of notRun) lines.push(`  - ${e}`);
  }
  const mismatches = all.flatMap((u) => u.mismatches);
  const runErrors = result.units.flatMap((u) =>
    u.run.errors.map((e) => `${u.run.spec.id} · ${u.run.framework.label} · ${e}`),
  );
  if (runErrors.length) {
    lines.push('', `Lifecycle steps that did not complete (${runErrors.length}):`);
    for (const e of runErrors) lines.push(...e.split('\n').map((l, i) => (i ? `    ${l}` : `  - ${l}`)));
  }
  if (mismatches.length) {
    lines.push('', `MISMATCHES: ${mismatches.length}. The first one in full:`);
    lines.push(...describeMismatch(mismatches[0], true));
    const seen = new Set<string>();
    const rest = mismatches.slice(1).filter((m) => {
      const k = `${m.service}|${m.role}|${m.target}|${m.request?.action}|${m.request?.mapId}|${m.actual}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    if (rest.length) {
      lines.push('', `Other distinct mismatches (${rest.length}, first 40):`);
      for (const m of rest.slice(0, 40)) lines.push(...describeMismatch(m, false));
    }
  }
  const requests = all.reduce((n, u) => n + u.requestCount, 0);
  const calls = result.units.reduce((n, u) => n + u.steps.reduce((k, s) => k + s.step.calls.length, 0), 0);
  const f = failures(result);
  lines.push(
    '',
    `${result.units.length} runs (${new Set(result.units.map((u) => u.run.spec.id)).size} services × ${frameworks.length} framework versions), ` +
      `${calls} recorded SDK calls, ${requests} IAM requests × 3 groups × (own + neighbours); ` +
      `${f === 0 ? 'no mismatches' : `${f} failures`}; ${(result.durationMs / 1000).toFixed(0)} s`,
  );
  return lines.join('\n');
}
