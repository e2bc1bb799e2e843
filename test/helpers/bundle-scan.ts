/** Finds syntax newer than ES2019 and globals Apps Script lacks in a JavaScript bundle, by parsing it with the TypeScript compiler. */
import * as ts from 'typescript';

export interface Finding {
  what: string;
  line: number;
  text: string;
}

/**
 * Globals the Apps Script V8 runtime does not provide. Node's (require, process, Buffer, module, …) exist
 * only there; setTimeout, TextEncoder/TextDecoder, URL, atob/btoa and Blob are what
 * dxdc/aws-sdk-google-apps has to polyfill for Apps Script (src/Polyfill.js); fetch, structuredClone and the
 * timer relatives belong to browsers and Node, not to the documented Apps Script globals
 * (https://developers.google.com/apps-script/reference; UrlFetchApp and Utilities stand in for them).
 */
export const MISSING_GLOBALS = [
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'queueMicrotask',
  'URL',
  'URLSearchParams',
  'fetch',
  'XMLHttpRequest',
  'TextEncoder',
  'TextDecoder',
  'structuredClone',
  'atob',
  'btoa',
  'Blob',
  'require',
  'process',
  'Buffer',
  'module',
  'exports',
  'global',
  '__dirname',
  '__filename',
  'window',
  'document',
];

/** Identifier positions that name a property or label rather than refer to a variable. */
function isNameOnly(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return true;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return true;
  if (
    (ts.isPropertyAssignment(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isGetAccessorDeclaration(p) ||
      ts.isSetAccessorDeclaration(p)) &&
    p.name === id
  )
    return true;
  if (ts.isBindingElement(p) && p.propertyName === id) return true;
  if (ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) return true;
  if (ts.isQualifiedName(p) || ts.isImportSpecifier(p) || ts.isExportSpecifier(p)) return true;
  return false;
}

/** Everything in `code` that Apps Script's runtime may not run: syntax past ES2019, missing globals, Intl time-zone formatting. */
export function scanBundle(code: string, fileName = 'Code.js'): Finding[] {
  const options: ts.CompilerOptions = { allowJs: true, noLib: true, noResolve: true, types: [], target: ts.ScriptTarget.ESNext };
  const host = ts.createCompilerHost(options);
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.ESNext, true, ts.ScriptKind.JS);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, ...rest) => (name === fileName ? source : getSourceFile(name, ...rest));
  const program = ts.createProgram([fileName], options, host);
  const checker = program.getTypeChecker();

  const findings: Finding[] = [];
  const add = (what: string, node: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    findings.push({ what, line: line + 1, text: node.getText(source).slice(0, 80) });
  };
  for (const d of (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? []) {
    findings.push({
      what: `syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      line: source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
      text: '',
    });
  }
  const missing = new Set(MISSING_GLOBALS);
  /** A free (global) reference: no declaration in the file binds it. */
  const isGlobal = (id: ts.Identifier) => {
    if (isNameOnly(id)) return false;
    // In JavaScript files TypeScript gives require/module/exports synthetic symbols: only a declaration in the file counts.
    const symbol = checker.getSymbolAtLocation(id);
    return !symbol || !(symbol.declarations ?? []).some((d) => d.getSourceFile() === source);
  };

  const visit = (node: ts.Node): void => {
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken)
      add('optional chaining ?. (ES2020)', node);
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionToken) add('nullish coalescing ?? (ES2020)', node);
      if (
        op === ts.SyntaxKind.QuestionQuestionEqualsToken ||
        op === ts.SyntaxKind.BarBarEqualsToken ||
        op === ts.SyntaxKind.AmpersandAmpersandEqualsToken
      )
        add('logical assignment (ES2021)', node);
    }
    if (ts.isBigIntLiteral(node)) add('BigInt literal (ES2020)', node);
    if (ts.isNumericLiteral(node) && node.getText(source).includes('_')) add('numeric separator (ES2021)', node);
    if (ts.isPrivateIdentifier(node)) add('private class member # (ES2022)', node);
    if (ts.isClassStaticBlockDeclaration(node)) add('class static block (ES2022)', node);
    if (ts.isPropertyDeclaration(node)) add('class field (ES2022)', node);
    if (ts.isMetaProperty(node) || (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword))
      add('import.meta or import() (ES2020)', node);
    const exported = ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported || ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isExportAssignment(node))
      add('ES module syntax (not supported by Apps Script)', node);
    if (ts.isRegularExpressionLiteral(node) && /\/[a-z]*[dv][a-z]*$/.test(node.text)) add('regular expression flag d or v (ES2022+)', node);
    if (ts.isIdentifier(node) && missing.has(node.text) && isGlobal(node)) {
      // `typeof x` of a missing global is safe: it gives "undefined".
      if (!(ts.isTypeOfExpression(node.parent) && node.parent.expression === node))
        add(`global ${node.text} (missing in Apps Script)`, node);
    }
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'Intl' &&
      node.name.text === 'DateTimeFormat' &&
      isGlobal(node.expression)
    ) {
      add('Intl.DateTimeFormat (use Utilities.formatDate for time zones)', node);
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      /^toLocale(Date|Time)?String$/.test(node.expression.name.text)
    ) {
      if (
        node.arguments.some(
          (a) =>
            ts.isObjectLiteralExpression(a) && a.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'timeZone'),
        )
      ) {
        add('toLocaleString with a timeZone (use Utilities.formatDate)', node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}
