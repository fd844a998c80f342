/** The lists deployment-role.ts keeps by catalog id must name entries that exist (a renamed or removed entry would
 * silently drop a handler's calls from the deployment roles). */
import { CORE_CATALOG } from '../../functions/catalog';
import { STACK_CALLS, STACK_ONLY } from '../../functions/core/deployment-role';

const ids = new Set(CORE_CATALOG.map((e) => e.id));

test('every STACK_CALLS id is an entry of the core catalog', () => {
  expect(Object.keys(STACK_CALLS).filter((id) => !ids.has(id))).toEqual([]);
});

test('every STACK_ONLY id is one of STACK_CALLS', () => {
  expect([...STACK_ONLY].filter((id) => !(id in STACK_CALLS))).toEqual([]);
});

test('STACK_CALLS narrows actions only to actions its entry grants', () => {
  const wrong = Object.entries(STACK_CALLS).flatMap(([id, { actions }]) => {
    const entry = CORE_CATALOG.find((e) => e.id === id);
    return (actions ?? []).filter((a) => !entry?.actions.includes(a)).map((a) => `${id}: ${a}`);
  });
  expect(wrong).toEqual([]);
});
