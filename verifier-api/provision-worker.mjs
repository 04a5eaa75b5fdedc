// Entry of the child process that builds or fetches a circuit's keys for the running API (provision.ts):
// the compiled implementation beside it when this file runs from the build (dist/, `npm run build`), else
// the TypeScript source through tsx, like the verification workers.
import { existsSync } from 'node:fs';

const compiled = new URL('./provision-worker-impl.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./provision-worker-impl.ts');
}
