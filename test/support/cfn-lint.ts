/**
 * Python cfn-lint 1.x (preinstalled; never the retired npm package of the same name).
 * All templates go through ONE invocation: most of the ~1.4 s per call is Python start-up.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

export interface LintFinding {
  Level: 'Error' | 'Warning' | 'Informational' | string;
  Rule: string;
  Message: string;
  /** JSON path inside the template, e.g. ['Resources','P','Properties','PolicyDocument','Statement',0,'Effect'] */
  Path: (string | number)[];
}

/** Rules that fail a test even though cfn-lint ranks some of them below Error. */
const BLOCKING_RULES = ['W3037', 'E3510', 'I3510']; // unknown IAM action, policy grammar, action/resource mismatch

export function errorsOf(findings: LintFinding[]): LintFinding[] {
  return findings.filter((f) => f.Level === 'Error' || BLOCKING_RULES.includes(f.Rule));
}

interface RawFinding {
  Filename: string | null;
  Level: string;
  Message: string;
  Location?: { Path?: (string | number)[] | null };
  Rule: { Id: string };
}

/** Lints each template (name -> template object); returns the findings per name (empty list when clean). */
export function lintTemplates(templates: Record<string, object>): Record<string, LintFinding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
  try {
    const byFile = new Map<string, string>();
    Object.entries(templates).forEach(([name, template], i) => {
      // names may hold any character; the file name only needs to be unique
      const file = join(dir, `${i}-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
      writeFileSync(file, JSON.stringify(template, null, 2));
      byFile.set(resolve(file), name);
    });
    const result: Record<string, LintFinding[]> = Object.fromEntries(Object.keys(templates).map((n) => [n, []]));
    if (byFile.size === 0) return result;

    // cwd = the temp dir, so no .cfnlintrc from the caller's cwd changes the rules
    const run = spawnSync('cfn-lint', ['--format', 'json', '--include-checks', 'I', '--', ...byFile.keys()], {
      cwd: dir,
      env: process.env, // explicit: Jest sandboxes process.env, and PATH lookup should follow the test's view
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) {
      throw new Error(
        `cfn-lint could not be run (${run.error.message}); the Python cfn-lint 1.x is preinstalled in the project image and must be on PATH`,
      );
    }
    // exit status is a bit mask: 2 error, 4 warning, 8 informational; 1 (or a signal) means cfn-lint itself failed
    if (run.status === null || (run.status & 1) !== 0) {
      throw new Error(`cfn-lint failed (status ${run.status}, signal ${run.signal}):\n${run.stderr}\n${run.stdout}`);
    }
    let raw: RawFinding[];
    try {
      raw = run.stdout.trim() ? JSON.parse(run.stdout) : [];
    } catch {
      throw new Error(`cfn-lint printed no JSON (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    for (const f of raw) {
      const name = f.Filename === null ? undefined : byFile.get(resolve(dir, f.Filename));
      if (name === undefined) throw new Error(`cfn-lint finding not tied to a template: ${f.Rule.Id} ${f.Message}`);
      result[name].push({ Level: f.Level, Rule: f.Rule.Id, Message: f.Message, Path: f.Location?.Path ?? [] });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
