// Is dist/ (`npm run build`) current for this working copy: stamped after a successful compile, and no source it
// compiles (tsconfig.build.json "include") newer than the stamp? bin/meterproof.js runs dist/ only then, and the
// benchmarks rebuild before their plain-Node children load dist/. Beside scripts/build-dist.mjs, which writes the
// stamp; plain JavaScript: it runs before any build.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function distIsCurrent(root) {
  const stamp = join(root, 'dist', '.built'); // written by `npm run build` (scripts/build-dist.mjs)
  if (!existsSync(join(root, 'dist', 'cli', 'main.js')) || !existsSync(stamp)) return false;
  const config = join(root, 'tsconfig.build.json');
  if (!existsSync(config)) return true; // a package without sources
  const built = statSync(stamp).mtimeMs;
  const newer = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return false;
    }
    if (st.isDirectory()) return readdirSync(path).some((name) => newer(join(path, name)));
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && st.mtimeMs > built;
  };
  return !JSON.parse(readFileSync(config, 'utf8')).include.some((dir) => newer(join(root, dir)));
}
