/**
 * The shape of the code: no import cycle in src/ or local/, and imports point one way between the
 * layers (core <- gas <- index; nothing in src/ reaches into the local runtime). Reads the import
 * statements of every .ts file; type-only imports count too, since they couple the modules as much.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const SCANNED = ['src', 'local'];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `./x` from `file` as a project-relative path of a .ts file, or null when it is a package or not a .ts file. */
function resolveImport(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(file), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate) && fs.statSync(candidate).isFile())
      return path.relative(ROOT, candidate).split(path.sep).join('/');
  }
  return null;
}

/** Each scanned file (project-relative, '/'-separated) and the project files it imports, in source order. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of SCANNED) {
    for (const file of tsFiles(path.join(ROOT, dir))) {
      // import, export … from, import(), require(): preProcessFile lists every module specifier.
      const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
      const targets = importedFiles.map((f) => resolveImport(file, f.fileName)).filter((t): t is string => t !== null);
      graph.set(path.relative(ROOT, file).split(path.sep).join('/'), [...new Set(targets)]);
    }
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself): each holds a cycle. */
function cyclicComponents(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

/** One concrete cycle through `start` inside its component, e.g. a.ts -> b.ts -> a.ts. */
function cycleThrough(graph: Map<string, string[]>, component: string[], start: string): string[] {
  const inside = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  // Breadth-first from start's imports back to start: the shortest cycle.
  for (let i = 0; i < queue.length; i++) {
    for (const next of graph.get(queue[i]) ?? []) {
      if (!inside.has(next) || previous.has(next)) continue;
      previous.set(next, queue[i]);
      if (next === start) {
        const path = [start];
        for (let at = queue[i]; at !== start; at = previous.get(at)!) path.unshift(at);
        return [start, ...path];
      }
      queue.push(next);
    }
  }
  return [start];
}

/** Imports a layer must not make: files matching `from` may not import files matching `to`. */
const FORBIDDEN: { rule: string; from: RegExp; to: RegExp }[] = [
  { rule: 'src/core imports neither src/gas, src/ui nor local/ (it is pure)', from: /^src\/core\//, to: /^src\/(gas|ui)\/|^local\// },
  {
    rule: 'src/gas imports neither src/index.ts nor local/ (it serves the entry points)',
    from: /^src\/gas\//,
    to: /^src\/index\.ts$|^local\//,
  },
  { rule: 'nothing in src/ imports local/ (the runtime twins Apps Script; the app must not know it)', from: /^src\//, to: /^local\// },
];

const graph = importGraph();

describe('imports', () => {
  test('the scan sees the project (files in every layer, with their imports)', () => {
    const files = [...graph.keys()];
    for (const layer of ['src/core/', 'src/gas/', 'src/ui/', 'local/runtime/']) expect(files.some((f) => f.startsWith(layer))).toBe(true);
    expect(graph.get('src/index.ts')).toContain('src/gas/webapp.ts');
  });

  test('no import cycle in src/ or local/', () => {
    const cycles = cyclicComponents(graph).map((component) => {
      const cycle = cycleThrough(graph, component, component[0]);
      return `${cycle.join(' -> ')}${component.length > cycle.length - 1 ? `   (component: ${component.join(', ')})` : ''}`;
    });
    expect(cycles).toEqual([]);
  });

  test.each(FORBIDDEN)('layering: $rule', ({ rule, from, to }) => {
    const violations = [...graph].flatMap(([file, targets]) =>
      from.test(file) ? targets.filter((t) => to.test(t)).map((t) => `${file} -> ${t}`) : [],
    );
    expect({ rule, violations }).toEqual({ rule, violations: [] });
  });
});

describe('docs/architecture.md matches the code', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const named = new Set([...doc.matchAll(/\b((?:src|local|test|docs)\/[\w./-]+\.(?:ts|md|json))\b/g)].map((m) => m[1]));
  const short = new Set([...doc.matchAll(/`([\w-]+\.ts)`/g)].map((m) => m[1]));

  test('every file it names exists', () => {
    expect(named.size).toBeGreaterThan(20);
    expect([...named].filter((f) => !fs.existsSync(path.join(ROOT, f)))).toEqual([]);
  });

  test('it names every module of src/gas/ and local/runtime/ (a new module gets its line)', () => {
    const gas = tsFiles(path.join(ROOT, 'src/gas')).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
    const runtime = tsFiles(path.join(ROOT, 'local/runtime')).map((f) => path.basename(f));
    expect(gas.filter((f) => !named.has(f))).toEqual([]);
    expect(runtime.filter((f) => !short.has(f) && !named.has(`local/runtime/${f}`))).toEqual([]);
  });
});
