/**
 * The role line's two levels agree (scripts/lib/prove/role-matrix.ts): COMMAND_MATRIX, the commands each
 * group may run (judged by npm run prove), and MATRIX, the expectation per recorded call (judged by the
 * allow/deny proof), over every CLI call of test/fixtures/recorded/sls-api-calls.json.
 */
import { GROUP_ROLES } from '../../functions/catalog/types';
import { loadCatalog, type CatalogCall } from '../../scripts/lib/prove/calls';
import { COMMAND_MATRIX, expectationFor } from '../../scripts/lib/prove/role-matrix';
import type { StepKind } from '../../scripts/lib/prove/types';

/** The framework commands of the recorded calls and the steps of npm run prove that run them. */
const STEPS_OF: Readonly<Record<string, readonly StepKind[]>> = {
  package: ['package'],
  'deploy function': ['deploy-function'],
  info: ['info'],
  logs: ['logs'],
  invoke: ['invoke'],
  'deploy list': ['deploy-list'],
  'deploy list functions': ['deploy-list'],
  rollback: ['rollback'],
  'rollback function': ['rollback-function'],
  metrics: ['metrics'],
  remove: ['remove'],
};

const cli = loadCatalog().filter((e) => e.via === 'cli');
const firstDeploy = (e: CatalogCall) => e.command === 'deploy' && /^first deploy/.test(e.phase ?? '');

describe('the role matrix: command level and call level agree', () => {
  // `deploy` is left to the call level: which of its calls a group may make depends on the situation (first
  // deploy, update, a restored deployment bucket, a direct create, a changed log subscription), each a row.
  test('every command of the recorded calls is placed (deploy, `*` and invoke local aside)', () => {
    const commands = [...new Set(cli.map((e) => e.command))].filter(
      (c) => !['deploy', '*', 'invoke local'].includes(c),
    );
    expect(commands.filter((c) => !STEPS_OF[c])).toEqual([]);
  });

  test.each(GROUP_ROLES.map((r) => [r]))(
    '%s: a command it may run has no call it is denied (unless the framework tolerates the denial)',
    (role) => {
      const conflicts = cli
        .filter((e) => (STEPS_OF[e.command] ?? []).some((k) => COMMAND_MATRIX[k][role] === 'allow'))
        .filter((e) => !e.errorTolerated && expectationFor(e, role).expect === 'Denied')
        .map((e) => `${e.id} ${e.command}: ${e.service}:${e.action}`);
      expect(conflicts).toEqual([]);
    },
  );

  test.each(GROUP_ROLES.map((r) => [r]))('%s: a command it may not run has at least one call it is denied', (role) => {
    const denied = Object.entries(STEPS_OF)
      .filter(([, steps]) => steps.every((k) => COMMAND_MATRIX[k][role] === 'deny'))
      .map(([command]) => command)
      .concat(COMMAND_MATRIX['deploy-create'][role] === 'deny' ? ['first deploy'] : []);
    const withoutDenial = denied.filter(
      (c) =>
        !cli.some(
          (e) =>
            (c === 'first deploy' ? firstDeploy(e) : e.command === c) && expectationFor(e, role).expect === 'Denied',
        ),
    );
    expect(withoutDenial).toEqual([]);
  });
});
