import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/** The preload that counts every SQL statement a server's pg clients send (bench/peers/count-queries.cjs). */
const COUNT_PRELOAD = path.resolve('bench', 'peers', 'count-queries.cjs');

export type ServerName = 'ours' | 'postgraphile' | 'raw';

/** A server under test, running as a child process. */
export type BenchServer = {
  name: ServerName;
  url: string;
  pid: number;
  /** SQL statements sent so far (over IPC from the preload). */
  statements(): Promise<number>;
  /** Resident set size now and its peak since start (VmRSS, VmHWM), in MB. */
  memory(): { rssMb: number; peakMb: number };
  /** CPU time the process has used so far (user + system), in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
};

export type ServerSpec = {
  name: ServerName;
  script: string;
  port: number;
  env: Record<string, string>;
  nodeArgs?: string[];
  /** Where stdout and stderr go. */
  logFile: string;
};

function readStatus(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

function readCpuMs(pid: number): number {
  // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field, stime the 15th.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/**
 * CPU time the whole machine has spent so far (user, nice, system, irq and
 * softirq of every core, from /proc/stat), in ms: the server, PostgreSQL,
 * autocannon and anything else running.
 */
export function machineCpuMs(): number {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields;
  return ((user + nice + system + irq + softirq) * 1000) / USER_HZ;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}

/** Starts a server with the statement-counting preload and waits for /healthz. */
export async function startServer(spec: ServerSpec): Promise<BenchServer> {
  const log = fs.openSync(spec.logFile, 'a');
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), '--require', COUNT_PRELOAD, spec.script], {
    env: { ...process.env, ...spec.env, PORT: String(spec.port) },
    stdio: ['ignore', log, log, 'ipc'],
  });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${spec.port}`;
  try {
    await waitReady(url, child, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${spec.name} (${spec.script}): ${(err as Error).message}; see ${spec.logFile}`);
  }
  let nextId = 0;
  return {
    name: spec.name,
    url,
    pid: child.pid!,
    statements() {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${spec.name}: no statement count over IPC`)), 5_000);
        const onMessage = (message: { type?: string; id?: number; statements?: number }) => {
          if (message?.type !== 'bench:statements' || message.id !== id) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message.statements!);
        };
        child.on('message', onMessage);
        child.send({ type: 'bench:statements', id });
      });
    },
    memory: () => readStatus(child.pid!),
    cpuMs: () => readCpuMs(child.pid!),
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** Samples a server's RSS every `everyMs` until stopped; returns the largest sample (MB). */
export function sampleRss(server: BenchServer, everyMs = 100): { stop(): number } {
  let max = server.memory().rssMb;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, server.memory().rssMb);
    } catch {
      // the process is gone; the caller will notice
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}

/**
 * Waits until no statement runs in the bench database (other than this
 * check): autocannon abandons the requests in flight when a run ends, and
 * the server would still be answering them during the next run.
 */
export async function waitForIdleDatabase(url: URL, timeoutMs = 60_000): Promise<void> {
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3 && Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
      );
      quiet = rows[0]!.n === 0 ? quiet + 1 : 0;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.end();
  }
}
