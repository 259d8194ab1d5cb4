import { relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * Types and values that the package root's declarations name (in a signature, a property, a
 * base class, an inferred type) but do not export: a consumer meets them and cannot name them.
 * Walks the shipped `.d.ts` files from `indexDts`, as the consumer's compiler reads them; only
 * declarations under `packageDir` count (cdktf's and Node's types are theirs to export).
 */
export function unexportedTypes(indexDts: string, packageDir: string): string[] {
  const program = ts.createProgram([indexDts], { strict: true, noEmit: true, types: [], skipLibCheck: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 });
  const checker = program.getTypeChecker();
  const root = checker.getSymbolAtLocation(program.getSourceFile(indexDts)!)!;
  const target = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const exported = new Set(checker.getExportsOfModule(root).map(target));
  const ours = (d: ts.Declaration): boolean => !relative(resolve(packageDir), resolve(d.getSourceFile().fileName)).startsWith('..');
  const visited = new Set<ts.Symbol>();
  const missing = new Map<ts.Symbol, string>();

  function visit(symbol: ts.Symbol, from: string): void {
    const s = target(symbol);
    if (visited.has(s)) return;
    visited.add(s);
    const declarations = (s.declarations ?? []).filter(ours);
    if (declarations.length === 0 || s.flags & ts.SymbolFlags.TypeParameter) return;
    if (!exported.has(s)) missing.set(s, `${s.name} (${relative(packageDir, declarations[0].getSourceFile().fileName)}, named by ${from})`);
    for (const d of declarations) walk(d, s.name);
  }

  function walk(node: ts.Node, from: string): void {
    // a private member's type is not in the declarations, only its name
    if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) return;
    let name: ts.Node | undefined;
    if (ts.isTypeReferenceNode(node)) name = node.typeName;
    else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
    else if (ts.isTypeQueryNode(node)) name = node.exprName;
    else if (ts.isImportTypeNode(node)) name = node.qualifier;
    if (name) {
      const id = ts.isQualifiedName(name) ? name.right : ts.isPropertyAccessExpression(name) ? name.name : name;
      const symbol = checker.getSymbolAtLocation(id);
      if (symbol) visit(symbol, from);
    }
    ts.forEachChild(node, (child) => walk(child, from));
  }

  for (const s of exported) visit(s, 'the package root');
  return [...missing.values()].sort();
}
