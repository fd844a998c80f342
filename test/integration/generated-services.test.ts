/**
 * `npm run prove` on the generated services of test/fixtures/generated (issue 12): together they use every event
 * type the installed framework compiles (functions/catalog/framework-coverage.json names the service of each), and
 * each is proven for all three groups against its own stage, a second stage and a second service. Where moto cannot
 * create a resource (ELBv2 listener rules on a listener it does not hold, CloudFront, IoT, ...), the proof emulates
 * the step from the framework's template and says so; the steps that need the stack are reported as not run.
 *
 * osls 4 on every generated service, first stage only; osls 3 on one of them. Needs python3 with moto (a missing
 * toolchain fails the test, it never skips).
 */
import { join } from 'path';
import coverage from '../../functions/catalog/framework-coverage.json';
import { tableKey } from '../../scripts/lib/prove/on-behalf';
import { failures, type ProofResult } from '../../scripts/lib/prove/proof';
import { specForPath } from '../../scripts/lib/prove/fixtures';
import { proveBothLines } from './prove-run';

jest.setTimeout(30 * 60 * 1000);

const ROOT = join(__dirname, '..', '..');
const EVENTS = (coverage as unknown as { eventTypes: Record<string, { service: string; resourceTypes: string[] }> })
  .eventTypes;
const SERVICES = [...new Set(Object.values(EVENTS).map((e) => e.service))].sort();
/** The service osls 3 also runs (the one with the most resource types moto cannot build). */
const OSLS3_SERVICE = 'test/fixtures/generated/edge';

let result: ProofResult;
let report = '';

beforeAll(async () => {
  ({ result, report } = await proveBothLines({
    specs: SERVICES.map((s) => specForPath(join(ROOT, s), ['dev'])),
    osls3Specs: [specForPath(join(ROOT, OSLS3_SERVICE), ['dev'])],
    v4: false,
  }));
});

describe('npm run prove on the generated services (every event type of the framework)', () => {
  it('has no mismatch and no failed step', () => {
    expect(result.units.length).toBe(SERVICES.length + 1);
    if (failures(result) !== 0) throw new Error(`the proof failed:\n${report}`);
  });

  it('evaluates every resource type the services emit, for all three groups, against own, other stage and other service', () => {
    for (const u of result.units) {
      const create = u.steps.find((s) => s.stage === 'dev' && s.step.kind === 'deploy-create');
      expect(create).toBeDefined();
      for (const role of ['admin', 'developer', 'ci'] as const) {
        const cells = create?.cells[role];
        for (const target of ['own', 'other-stage', 'other-service'] as const)
          expect(cells && cells[target].allowed + cells[target].denied).toBeGreaterThan(0);
      }
      expect(create?.outcome.admin).toEqual(expect.objectContaining({ expected: 'allow', ok: true }));
      expect(create?.outcome.developer).toEqual(expect.objectContaining({ expected: 'deny', ok: true }));
      expect(create?.outcome.ci).toEqual(expect.objectContaining({ expected: 'deny', ok: true }));
      const update = u.steps.find((s) => s.stage === 'dev' && s.step.kind === 'deploy-update');
      for (const role of ['admin', 'developer', 'ci'] as const)
        expect(update?.outcome[role]).toEqual(expect.objectContaining({ expected: 'allow', ok: true }));
      const remove = u.steps.find((s) => s.stage === 'dev' && s.step.kind === 'remove');
      expect(remove?.outcome.admin).toEqual(expect.objectContaining({ expected: 'allow', ok: true }));
      expect(remove?.outcome.developer).toEqual(expect.objectContaining({ expected: 'deny', ok: true }));

      // Every resource type of the service's template was judged through its on-behalf entry.
      const template = create?.step.after?.template;
      const types = new Set(Object.values(template?.Resources ?? {}).map((r) => tableKey(r.Type)));
      const judged = new Set(
        (create?.requests ?? [])
          .filter((r) => r.via === 'cloudformation')
          .map((r) => r.mapId.replace(/^cfn:/, '').replace(/\.create$/, '')),
      );
      expect({ service: u.run.spec.id, unjudged: [...types].filter((t) => !judged.has(t)).sort() }).toEqual({
        service: u.run.spec.id,
        unjudged: [],
      });
    }
  });

  it('runs every event type of the framework, and says what moto could not run', () => {
    const ran = new Set(result.units.map((u) => join('test/fixtures/generated', u.run.spec.id)));
    for (const [event, e] of Object.entries(EVENTS))
      expect({ event, ran: ran.has(e.service) }).toEqual({ event, ran: true });
    const allowed = [
      /^Lambda Invoke answered by moto/,
      /^the presigned Code.Location download/,
      /^custom resources completed by moto/,
      /^the generated deployment bucket named by AWS/,
      /^moto (rejected|could not)/,
      /^deploy \(update\) after a code change, not run: /,
      /^remove, not run: /,
    ];
    for (const u of result.units)
      for (const s of u.steps)
        for (const e of s.step.emulated)
          expect({ e, known: allowed.some((p) => p.test(e)) }).toEqual({ e, known: true });
    // A stage whose stack moto could not create lists the steps it did not run, never judges them.
    for (const u of result.units) {
      const emulatedCreate = u.run.stages.some((s) => s.full && s.emulatedCreate);
      expect(u.run.notRun.length > 0).toBe(emulatedCreate);
    }
    expect(report).toContain('Not run');
  });
});
