/**
 * Starts the project's JupyterLab (src/setup/lab.sh, so the in-repo kernel and Jupyter config) for
 * the browser test: loopback only, a free port, no token, its own process group so that stopping it
 * by pid also ends the kernels it started. Test harness only; users run `npm run lab`.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

/** A running JupyterLab server. */
export interface LabServer {
  /** Base URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** The launcher's process (leader of its own process group). */
  child: ChildProcess;
  /** Everything the server printed, for the failure message. */
  logPath: string;
}

/** Asks the OS for a free loopback TCP port (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `bash src/setup/lab.sh` on `rootDir` with `env` added to the server's (and so the
 * kernels') environment; resolves once `/api/status` answers. Rejects after `timeoutMs`.
 */
export async function startLab(repoRoot: string, rootDir: string, outDir: string, env: Record<string, string>, timeoutMs = 90_000): Promise<LabServer> {
  const port = await freePort();
  const logPath = path.join(outDir, 'jupyterlab.log');
  const log = fs.openSync(logPath, 'w');
  const args = [
    path.join(repoRoot, 'src', 'setup', 'lab.sh'),
    `--notebook-dir=${rootDir}`,
    '--no-browser',
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    "--IdentityProvider.token=",
  ];
  // detached: the server leads its own process group, so kill(-pid) also reaches the kernels.
  const child = spawn('bash', args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}/`;
  const server: LabServer = { url, child, logPath };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited with code ${child.exitCode}:\n${tail(logPath)}`);
    try {
      const res = await fetch(`${url}api/status`);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopProcessGroup(child);
  throw new Error(`JupyterLab did not answer on ${url} within ${timeoutMs / 1000} s:\n${tail(logPath)}`);
}

/** Ends a detached child's whole process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const alive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The last lines of a log file. */
export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}
