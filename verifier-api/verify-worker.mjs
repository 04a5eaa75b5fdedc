// Entry of a verification worker thread: the compiled implementation beside it when this file runs from
// the build (dist/, `npm run build`), else the TypeScript source through tsx, like the rest of meterproof.
import { existsSync } from 'node:fs';

const compiled = new URL('./verify-worker-impl.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./verify-worker-impl.ts');
}
