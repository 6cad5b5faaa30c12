import { readFileSync } from 'node:fs';
import ts from 'typescript';

export interface ReadmeExample {
  /** The heading the block sits under, to name it in test output. */
  heading: string;
  lang: 'ts' | 'js';
  code: string;
}

/**
 * The runnable examples of a README: every ```ts or ```js block that imports a @hokusai package.
 * Signature listings import nothing from the project, so they are not taken.
 */
export function readmeExamples(readmePath: string): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  let heading = '';
  let block: { lang: string; lines: string[] } | undefined;
  for (const line of readFileSync(readmePath, 'utf8').split('\n')) {
    if (block) {
      if (line.startsWith('```')) {
        const code = block.lines.join('\n');
        if ((block.lang === 'ts' || block.lang === 'js') && /from '@hokusai\//.test(code)) examples.push({ heading, lang: block.lang, code });
        block = undefined;
      } else block.lines.push(line);
      continue;
    }
    const fence = /^```(\w*)/.exec(line);
    if (fence) block = { lang: fence[1] ?? '', lines: [] };
    else if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
  }
  return examples;
}

/** An example as an ES module that Node runs as it is (types stripped, top-level await kept). */
export function exampleModule(example: ReadmeExample): string {
  if (example.lang === 'js') return example.code;
  return ts.transpileModule(example.code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  }).outputText;
}
