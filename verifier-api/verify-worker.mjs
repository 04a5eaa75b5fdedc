// Entry of a verification worker thread: TypeScript through tsx, like the rest of meterproof.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker-impl.ts');
