/**
 * A circuit's C++ witness generator (native/src/witness_main.cpp) as a long-lived child process, one per
 * generator, answering one request at a time: `wtns <path>`, the inputs' lines, `end` → `ok` | `error <why>`.
 *
 * Why not a fresh process per witness: starting one costs ≈15 ms of a month's 35 ms witness here (exec, reading
 * the circuit's .dat, fresh pages), and forking the Node process write-protects all of its memory, so the proof
 * that follows takes ≈1,600 more page faults (≈11 µs each on these machines: native/README.md, "Page faults").
 * Why a child process at all: circom's generated code aborts on an unsatisfied constraint — the child dies, never
 * the process hosting the addon, and the next request starts a new one.
 *
 * The child does not keep Node alive while idle, and stops after IDLE_MS without requests (its memory, 15–30 MB,
 * is returned); it is restarted when its executable changes (a rebuild).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

export interface WitnessGenerator {
  exe: string;
  dat: string;
}

const IDLE_MS = 60_000;

// circom's generator allocates its memory in many small pieces, and every fresh page is a fault: ≈11 µs each
// on the virtual machines measured here. glibc's tunables give its heap huge pages (grown 32 MB at a time, so
// that they can be used) and keep large blocks on the heap (native/README.md, "Page faults"). Other C
// libraries ignore them.
const WITNESS_MALLOC = 'glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432:glibc.malloc.mmap_threshold=33554432';

class WitnessServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending?: { resolve: () => void; reject: (e: Error) => void };
  private stdout = '';
  private stderr = '';
  private idle?: NodeJS.Timeout;
  exited = false;
  /** Resolves when the process has ended (and been reaped). */
  readonly closed: Promise<void>;

  constructor(
    readonly gen: WitnessGenerator,
    readonly exeMtimeMs: number,
  ) {
    const tunables = process.env.GLIBC_TUNABLES ? `${process.env.GLIBC_TUNABLES}:${WITNESS_MALLOC}` : WITNESS_MALLOC;
    this.child = spawn(gen.exe, [gen.dat], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GLIBC_TUNABLES: tunables } });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => this.onStdout(d));
    this.child.stderr.on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    this.child.stdin.on('error', () => {}); // a child that died mid-request: 'close' says why
    this.child.on('error', (e) => this.fail(new Error(`${gen.exe}: ${e.message}`)));
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    this.child.on('close', (code, signal) => {
      const detail = this.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ');
      // circom's generated code assert()s each constraint it checks: an abort is an unsatisfied constraint
      if (signal === 'SIGABRT') this.fail(new Error(`witness generation failed (${gen.exe}): the inputs do not satisfy the circuit's constraints${detail ? ` — ${detail}` : ''}`));
      else this.fail(new Error(`witness generation failed (${gen.exe}): the generator ended (${signal ? `signal ${signal}` : `exit code ${code}`})${detail ? ` — ${detail}` : ''}`));
    });
    this.setIdle();
  }

  /** Writes the .wtns of `inputLines` (the line format of witness_main.cpp) to `file`; one request at a time. */
  write(inputLines: string, file: string): Promise<void> {
    if (this.exited) return Promise.reject(new Error(`witness generation failed (${this.gen.exe}): the generator has stopped`));
    clearTimeout(this.idle);
    this.stderr = '';
    this.setReferenced(true); // a request in flight keeps Node alive until its answer
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.stdin.write(`wtns ${file}\n${inputLines}end\n`);
    }).finally(() => this.setIdle());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stop(): Promise<void> {
    clearTimeout(this.idle);
    if (!this.exited) {
      this.setReferenced(true); // so that a caller awaiting the end is not left with an empty event loop
      this.child.kill('SIGTERM');
    }
    this.exited = true;
    return this.closed;
  }

  private onStdout(d: string): void {
    this.stdout += d;
    let nl: number;
    while ((nl = this.stdout.indexOf('\n')) >= 0) {
      const line = this.stdout.slice(0, nl);
      this.stdout = this.stdout.slice(nl + 1);
      const p = this.pending;
      this.pending = undefined;
      if (!p) continue;
      if (line === 'ok') p.resolve();
      else p.reject(new Error(`witness generation failed (${this.gen.exe}): ${line.replace(/^error /, '')}`));
    }
  }

  private fail(e: Error): void {
    this.exited = true;
    clearTimeout(this.idle);
    forget(this);
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  private setReferenced(on: boolean): void {
    for (const h of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as Array<{ ref(): void; unref(): void }>) on ? h.ref() : h.unref();
  }

  private setIdle(): void {
    if (this.exited) return;
    this.setReferenced(false);
    this.idle = setTimeout(() => {
      forget(this);
      void this.stop();
    }, IDLE_MS).unref();
  }
}

const servers = new Map<string, WitnessServer>();
const queues = new Map<string, Promise<unknown>>();

function forget(s: WitnessServer): void {
  if (servers.get(s.gen.exe) === s) servers.delete(s.gen.exe);
}

/** The generator's running process: started if there is none, restarted if its executable was rebuilt. */
function serverFor(gen: WitnessGenerator): WitnessServer {
  const mtime = statSync(gen.exe).mtimeMs;
  let s = servers.get(gen.exe);
  if (s && (s.exited || s.exeMtimeMs !== mtime || s.gen.dat !== gen.dat)) {
    void s.stop();
    s = undefined;
  }
  if (!s) {
    s = new WitnessServer(gen, mtime);
    servers.set(gen.exe, s);
  }
  return s;
}

/**
 * Writes the .wtns of `inputLines` to `file` with the generator's running process. Requests to one generator
 * run in turn; each finds its process when its turn comes (so a request after one that aborted the process gets
 * a new one).
 */
export function generateWitnessFile(gen: WitnessGenerator, inputLines: string, file: string): Promise<void> {
  if (/[\r\n]/.test(file)) return Promise.reject(new Error(`witness file name with a line break: ${JSON.stringify(file)}`));
  const run = () => serverFor(gen).write(inputLines, file);
  const done = (queues.get(gen.exe) ?? Promise.resolve()).then(run, run);
  queues.set(gen.exe, done.catch(() => {}));
  return done;
}

/** The peak resident memory of each running generator process, MB (Linux; what a benchmark adds to Node's own). */
export function witnessServerPeakRssMB(): number[] {
  return [...servers.values()].flatMap((s) => {
    try {
      const kB = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${s.pid}/status`, 'utf8'));
      return kB ? [Number(kB[1]) / 1024] : [];
    } catch {
      return []; // ended meanwhile, or no /proc
    }
  });
}

/** Stops every witness generator's process (they also stop by themselves when idle); resolves when they have ended. */
export async function stopWitnessServers(): Promise<void> {
  const stopping = [...servers.values()].map((s) => s.stop());
  servers.clear();
  await Promise.all(stopping);
}
