/** The committed docs: the field reference (docs/fields.md) is what `npm run docs` generates; docs/platform.md lists the required self-test cases. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFieldReference } from '../scripts/field-reference';
import { HOOKS } from '../src/core/hooks';
import { flattenEvent } from '../src/core/flatten';
import { FIDELITY_CASES } from '../src/selftest/fidelity-cases';

const FIELDS_MD = join(__dirname, '..', 'docs', 'fields.md');

/** The first line where two texts differ, for a short failure message instead of a 500-line diff. */
function firstDifference(a: string, b: string): string | null {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i])
      return `line ${i + 1}:\n  committed: ${JSON.stringify(la[i] ?? '(end of file)')}\n  generated: ${JSON.stringify(lb[i] ?? '(end of file)')}`;
  }
  return null;
}

describe('docs/fields.md', () => {
  const generated = renderFieldReference();

  test('is up to date with src/core/hooks.ts and the example payloads (run npm run docs)', () => {
    let committed: string;
    try {
      committed = readFileSync(FIELDS_MD, 'utf8');
    } catch {
      throw new Error('docs/fields.md is missing: run npm run docs');
    }
    const difference = firstDifference(committed, generated);
    if (difference) throw new Error(`docs/fields.md is stale: run npm run docs\nFirst difference at ${difference}`);
  });

  test('has a section for each of the seven hooks, listing every flattened field of its example', () => {
    expect(HOOKS).toHaveLength(7);
    const sections = generated.split(/^## /m).slice(1);
    expect(sections.map((s) => s.split('\n')[0])).toEqual(HOOKS.map((h) => h.name));
    HOOKS.forEach((hook, i) => {
      const section = sections[i];
      expect(section).toContain(`Id: \`${hook.id}\``);
      for (const alias of hook.aliases) expect(section).toContain(`\`${alias}\``);
      const rows = section.split('\n').filter((line) => line.startsWith('| `'));
      const paths = flattenEvent(hook.example[0]).map((f) => f.path);
      expect(rows).toHaveLength(paths.length);
      paths.forEach((path, j) => expect(rows[j].startsWith(`| \`${path}\` |`)).toBe(true));
    });
  });

  test('is deterministic', () => {
    expect(renderFieldReference()).toBe(generated);
  });
});

describe('docs/platform.md', () => {
  const text = readFileSync(join(__dirname, '..', 'docs', 'platform.md'), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Checked in the sheet by the self-test')) ?? '';
  /** The table's data rows, as cells. */
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\|\s*|\s*\|$/g, '').trim()));

  test('lists every required self-test case, each with a source, and no other case', () => {
    const listed = rows.map((cells) => /^`(.*)`$/.exec(cells[cells.length - 1])?.[1] ?? `(not a case name: ${cells[cells.length - 1]})`);
    const required = FIDELITY_CASES.filter((c) => c.required).map((c) => c.name);
    expect([...listed].sort()).toEqual([...required].sort());
    expect(new Set(listed).size).toBe(listed.length);
    for (const cells of rows) {
      expect(cells).toHaveLength(4);
      expect(cells[2]).toMatch(/^\[(doc|obs|src)\]/);
    }
  });
});
