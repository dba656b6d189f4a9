/**
 * A one-node Slurm cluster on 127.0.0.1 for the grid tests: munged (as user munge), then
 * slurmctld and slurmd with a slurm.conf written to a temporary folder (free ports, state, pid
 * and log files all inside it; no systemd, no cgroups, no accounting). Needs root and Debian's
 * `munge slurmctld slurmd slurm-client` (installed by `npm run setup` when run as root).
 * Daemons are stopped by the pid in their pidfile, after checking /proc/<pid>/comm.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** A running local cluster; client commands need `env` (it sets SLURM_CONF). */
export interface LocalSlurm {
  readonly dir: string;
  readonly confFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** Stops slurmd, slurmctld (and munged if this helper started it), removes `dir`. */
  stop(): Promise<void>;
}

export type StartResult = { readonly ok: true; readonly cluster: LocalSlurm } | { readonly ok: false; readonly reason: string };

const BINARIES = ['/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch', '/usr/bin/squeue', '/usr/bin/scontrol', '/usr/bin/sinfo'];

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 200 ms until it returns true, `alive` turns false, or `ms` pass. */
async function waitFor(what: string, ms: number, check: () => Promise<boolean>, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (!alive()) throw new Error(`${what}: the daemon exited`);
    await sleep(200);
  }
  throw new Error(`${what}: not ready after ${ms / 1000} s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The pid in `pidFile` if that process is alive and its /proc/<pid>/comm is `comm`. */
function livePid(pidFile: string, comm: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM, then SIGKILL after `graceMs` if the process is still there. */
async function stopPid(pid: number, comm: string, graceMs = 10_000): Promise<void> {
  const alive = () => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) process.kill(pid, 'SIGKILL');
}

/** Why a cluster cannot be started here, or undefined when it can be tried. */
export function slurmUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `local Slurm needs Linux (this is ${process.platform})`;
  const missing = BINARIES.filter((b) => !fs.existsSync(b));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (missing.length > 0) {
    const apt = fs.existsSync('/usr/bin/apt-get');
    const how = !apt ? 'apt-get is missing (not Debian/Ubuntu)' : !isRoot ? 'not root, so npm run setup cannot install them' : 'run npm run setup (as root it installs munge slurmctld slurmd slurm-client)';
    return `Slurm is not installed (${missing.map((m) => path.basename(m)).join(', ')} missing): ${how}`;
  }
  if (!isRoot) return 'local Slurm needs root (slurmd and munged run as root/munge)';
  return undefined;
}

/** Makes `hostname -s` resolve (slurmctld binds to what it resolves to); root only. */
async function hostResolving(host: string): Promise<string | undefined> {
  const r = await run('getent', ['hosts', host]);
  if (r.code === 0) return r.out.trim().split(/\s+/)[0];
  fs.appendFileSync('/etc/hosts', `127.0.0.1 ${host}\n`);
  return '127.0.0.1';
}

async function mungeWorks(): Promise<boolean> {
  return (await run('bash', ['-c', 'munge -n | unmunge'], process.env, 5000)).code === 0;
}

/** Starts the cluster; never throws: a failure comes back as `{ ok: false, reason }` (daemons already started are stopped). */
export async function startLocalSlurm(): Promise<StartResult> {
  const reason = slurmUnavailableReason();
  if (reason) return { ok: false, reason };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-slurm-'));
  const confFile = path.join(dir, 'slurm.conf');
  const env = { ...process.env, SLURM_CONF: confFile };
  let startedMunge = false;
  const stop = async (): Promise<void> => {
    for (const [file, comm] of [[path.join(dir, 'slurmd.pid'), 'slurmd'], [path.join(dir, 'slurmctld.pid'), 'slurmctld']] as const) {
      const pid = livePid(file, comm);
      if (pid !== undefined) await stopPid(pid, comm);
    }
    if (startedMunge) {
      const pid = livePid('/run/munge/munged.pid', 'munged');
      if (pid !== undefined) await stopPid(pid, 'munged');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const host = execFileSync('hostname', ['-s'], { encoding: 'utf8' }).trim();
    const addr = await hostResolving(host);
    if (!(await mungeWorks())) {
      execFileSync('install', ['-d', '-o', 'munge', '-g', 'munge', '-m', '0755', '/run/munge']);
      const r = await run('runuser', ['-u', 'munge', '--', '/usr/sbin/munged']);
      if (r.code !== 0) throw new Error(`munged did not start: ${r.out.trim().split('\n').pop()}`);
      startedMunge = true;
      await waitFor('munged', 10_000, mungeWorks);
    }
    const node = (await run('/usr/sbin/slurmd', ['-C'])).out.split('\n')[0];
    const mem = /RealMemory=([0-9]+)/.exec(node);
    if (!node.startsWith('NodeName=') || !mem) throw new Error(`slurmd -C printed ${JSON.stringify(node)}; expected a NodeName= line`);
    // Above the real memory the node is drained; 95 % leaves room for what the OS reports later.
    const nodeLine = node.replace(/RealMemory=[0-9]+/, `RealMemory=${Math.floor(Number(mem[1]) * 0.95)}`) + ' NodeAddr=127.0.0.1 State=UNKNOWN';
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    for (const sub of ['state', 'spool']) fs.mkdirSync(path.join(dir, sub));
    fs.writeFileSync(confFile, [
      'ClusterName=gridtest',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'AuthType=auth/munge',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'MpiDefault=none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'ReturnToService=2',
      'MailProg=/bin/true',
      'SchedulerParameters=batch_sched_delay=0',
      // Listen only on the hostname's address, and only when that is loopback.
      ...(addr?.startsWith('127.') ? ['CommunicationParameters=NoCtldInAddrAny,NoInAddrAny'] : []),
      nodeLine,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'));
    const ctld = await run('/usr/sbin/slurmctld', ['-f', confFile], env);
    if (ctld.code !== 0) throw new Error(`slurmctld did not start: ${ctld.out.trim().split('\n').pop()}`);
    const ctldAlive = () => livePid(path.join(dir, 'slurmctld.pid'), 'slurmctld') !== undefined;
    await waitFor('slurmctld', 30_000, async () => / is UP/.test((await run('scontrol', ['ping'], env, 5000)).out), ctldAlive);
    const d = await run('/usr/sbin/slurmd', ['-f', confFile], env);
    if (d.code !== 0) throw new Error(`slurmd did not start: ${d.out.trim().split('\n').pop()}`);
    const dAlive = () => livePid(path.join(dir, 'slurmd.pid'), 'slurmd') !== undefined;
    await waitFor('slurmd', 30_000, async () => /^idle/m.test((await run('sinfo', ['-h', '-o', '%T'], env, 5000)).out), () => ctldAlive() && dAlive());
    return { ok: true, cluster: { dir, confFile, env, stop } };
  } catch (e) {
    const logs = ['slurmctld.log', 'slurmd.log'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f))
      .map((f) => `${path.basename(f)}: ${fs.readFileSync(f, 'utf8').trim().split('\n').slice(-3).join(' | ')}`);
    await stop();
    return { ok: false, reason: `${e instanceof Error ? e.message : String(e)}${logs.length ? ` (${logs.join('; ')})` : ''}` };
  }
}
