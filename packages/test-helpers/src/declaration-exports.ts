import ts from 'typescript';

/** The symbols a declaration file exports, with the checker that resolves their aliases. */
export function declarationExports(declarationFile: string): { checker: ts.TypeChecker; symbols: ts.Symbol[] } {
  const program = ts.createProgram([declarationFile], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(declarationFile);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${declarationFile} is not a module`);
  return { checker, symbols: checker.getExportsOfModule(moduleSymbol) };
}
