/**
 * The README's property table lists every property the Access resource accepts, and nothing else: the core's
 * (CORE_PROPERTIES) and every submodule's. A property added without its row, or a row left behind, fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_PROPERTIES } from '../../functions/core/config';
import { SUBMODULES } from '../../functions/submodules';

/** The backticked names in the first column of the table under `### Properties`. */
function documentedProperties(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Properties\n');
  if (start < 0) throw new Error('README.md has no "### Properties" section');
  const section = readme.slice(start + 1, readme.indexOf('\n#', start + 2));
  const rows = section.split('\n').filter((l) => l.startsWith('|') && !/^\|\s*(property|-+)\s*\|/.test(l));
  expect(rows.length).toBeGreaterThan(10);
  return rows.flatMap((row) => [...row.split('|')[1].matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]));
}

describe('README property table', () => {
  const documented = documentedProperties();
  const accepted = [...Object.keys(CORE_PROPERTIES), ...SUBMODULES.map((s) => s.property)];

  test.each(accepted)('%s has a row', (property) => {
    expect(documented).toContain(property);
  });

  test('every row is a property the macro accepts', () => {
    expect(documented.filter((p) => !accepted.includes(p))).toEqual([]);
  });

  test('each property has one row', () => {
    expect(documented.filter((p, i) => documented.indexOf(p) !== i)).toEqual([]);
  });
});
