import { CORE_CATALOG } from '../functions/catalog';
import { parseAccess } from '../functions/core/config';
import { audienceOf } from '../functions/core/expand-access';
import { renderEntry } from '../functions/core/iam/render';
import { arnTokens } from '../functions/core/naming';
const c = parseAccess(
  'ExtremeAccess',
  {
    Type: 'x',
    Properties: {
      ServiceName: 'rhinoceros-inventory-reconciliation-and-settlement-pipeline-for-the-european-warehouses-and-stores',
      Stage: 'integration-testing-for-the-payments-and-settlements-team-in-the-european-region-with-extra-checks',
    },
  },
  { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} },
  [],
);
const t = arnTokens(c);
let shared = 0,
  admin = 0;
const rows: [string, number, string][] = [];
for (const e of CORE_CATALOG) {
  const a = audienceOf(e, c);
  if (!a.length) continue;
  const r = renderEntry(e, t);
  rows.push([e.id, r.size, a.length === 3 ? 'S' : a.join()]);
  if (a.length === 3) shared += r.size;
  else if (a.includes('admin')) admin += r.size;
}
console.log({ shared, admin });
rows.sort((a, b) => b[1] - a[1]);
console.log(
  rows
    .slice(0, 25)
    .map((r) => r.join(' '))
    .join('\n'),
);
