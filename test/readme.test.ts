/** The README as a newcomer meets it: exactly two set-up commands, every docs/ path it names exists, reference pages from architecture.md, no fixed port. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced code blocks of a markdown text, each as its lines. */
function codeBlocks(text: string): string[][] {
  return [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1].split('\n').filter((line) => line !== ''));
}

/** Every local path a markdown text points at: link and image targets, `src="…"`, and `docs/…` paths in backticks. */
function localTargets(text: string): string[] {
  const targets = [
    ...[...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]),
    ...[...text.matchAll(/src="([^"]+)"/g)].map((m) => m[1]),
    ...[...text.matchAll(/`(docs\/[^`\s]+)`/g)].map((m) => m[1]),
  ];
  return targets.filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith('#')).map((t) => t.replace(/#.*$/, ''));
}

/** One markdown section's text, from its `## ` heading to the next. */
function section(text: string, heading: string): string {
  return text.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? '';
}

describe('README.md', () => {
  test('opens with exactly the two set-up commands, before any section', () => {
    const beforeSections = README.split(/^## /m)[0];
    expect(codeBlocks(beforeSections)).toEqual([['npm install && npm start', 'npm test']]);
  });

  test('every docs/ path it names exists', () => {
    const targets = localTargets(README);
    expect(targets.filter((t) => t.startsWith('docs/')).length).toBeGreaterThan(10);
    expect(targets.filter((t) => !existsSync(join(ROOT, t)))).toEqual([]);
  });

  test('links every page under docs/, architecture.md first', () => {
    const pages = [...README.matchAll(/\]\((docs\/[^)#\s]+\.md)[^)]*\)/g)].map((m) => m[1]);
    expect(pages[0]).toBe('docs/architecture.md');
    const onDisk = readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`);
    expect(onDisk.filter((page) => !pages.includes(page))).toEqual([]);
  });

  test('every relative link inside docs/ resolves', () => {
    const broken: string[] = [];
    for (const page of readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))) {
      // Code (fenced or inline) is not a link, even when it reads like one (`fn](...args)`).
      const text = readFileSync(join(ROOT, 'docs', page), 'utf8')
        .replace(/^```[\s\S]*?^```$/gm, '')
        .replace(/`[^`\n]*`/g, '');
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith('#'));
      for (const link of links) {
        const target = normalize(join(ROOT, 'docs', dirname(page), link.replace(/#.*$/, '')));
        if (!existsSync(target)) broken.push(`docs/${page} -> ${link}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('its commands take the port from the banner or a variable, never a fixed one', () => {
    expect(README).not.toMatch(/localhost:\d/);
    const loop = codeBlocks(section(README, 'Try it locally')).find((lines) => lines.some((l) => l.startsWith('for f in ')));
    expect(loop).toBeDefined();
    expect(loop!.join('\n')).toMatch(
      /PORT=\d+[\s\S]*TOKEN=[\s\S]*for f in src\/core\/examples\/\*\.json[\s\S]*curl -sL [^\n]*"http:\/\/localhost:\$PORT\/exec\?token=\$TOKEN"/,
    );
    expect(readdirSync(join(ROOT, 'src/core/examples')).filter((f) => f.endsWith('.json'))).toHaveLength(7);
  });

  test('its Pipeline and funnel section holds the stage table, one line per stage', () => {
    const rows = section(README, 'Pipeline and funnel')
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
      .map((line) => line.split(' | ')[0].replace(/^\|\s*/, ''));
    expect(rows).toEqual(['Stage', 'Lead', 'Qualified', 'Calls booked', 'Call cancelled', 'Calls held', 'Sales']);
  });
});
