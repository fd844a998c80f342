#!/usr/bin/env bash
# One-off (and safe to re-run): bring the whole repository to the ESLint + Prettier baseline, then check it.
#   1. eslint --fix   applies ESLint's automatic fixes (e.g. prefer-const); what it cannot fix is listed in step 3;
#   2. prettier       formats every .ts/.js/.cjs/.mjs file not excluded by .prettierignore (printWidth 120);
#   3. the checks     `npm run lint` and `npm run format:check`, exactly what `npm run test:hygiene` runs.
# Deterministic (pinned versions, no caches) and idempotent: a second run changes nothing. Exit status is that of
# step 3, so a non-zero exit means manual findings remain (printed by ESLint as rule, file and line).
set -euo pipefail
cd "$(dirname "$0")/.."

PATTERN='**/*.{ts,js,cjs,mjs}'

echo '== eslint --fix'
npx --no-install eslint --fix . || true   # unfixable findings are reported by the check below
echo '== prettier --write'
npx --no-install prettier --write --log-level warn "$PATTERN"
# Prettier is not always stable in one pass (long member chains such as `mock.on(X).resolves({...})` settle on
# the second); a second pass reaches the fixed point, so `format:check` then passes and re-runs change nothing.
npx --no-install prettier --write --log-level warn "$PATTERN"

echo '== checks'
status=0
npx --no-install eslint . || status=1
npx --no-install prettier --check --log-level warn "$PATTERN" || status=1
if [ "$status" -eq 0 ]; then echo 'hygiene: lint and format checks pass'; else echo 'hygiene: manual findings remain (above)'; fi
exit $status
