import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The Go command that builds the native prover: `go` on PATH, else $GOROOT/bin/go, else the usual
 * /usr/local/go; undefined when none runs.
 */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = ['go', ...(env['GOROOT'] === undefined ? [] : [join(env['GOROOT'], 'bin', 'go')]), '/usr/local/go/bin/go'];
  for (const go of candidates) {
    try {
      execFileSync(go, ['version'], { stdio: 'ignore' });
      return go;
    } catch {
      // not this one
    }
  }
  return undefined;
}
