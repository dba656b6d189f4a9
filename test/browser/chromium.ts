/**
 * Headless Chromium for the browser test: Debian's `chromium` package (installed by
 * src/setup/setup.sh for tests; Playwright's own browser downloads are not possible here), started
 * by us in its own process group (so it is stopped by pid, also when a test fails) and driven by
 * playwright-core over the DevTools protocol. Fresh profile, nothing that phones home.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags: headless, no sandbox (root in containers), no GPU, and no background network traffic. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A started browser: the process to stop and the Playwright connection. */
export interface RunningChromium {
  child: ChildProcess;
  browser: Browser;
}

/**
 * Starts Chromium with the new, empty profile folder `userDataDir` and connects to it. On failure
 * the process is stopped before this rejects. Caller stops `child` (see stopProcessGroup).
 */
export async function launchChromium(userDataDir: string, timeoutMs = 60_000): Promise<RunningChromium> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run npm run setup as root (it installs Debian's chromium)`);
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  const wsUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chromium did not start within ${timeoutMs / 1000} s:\n${stderr.slice(-2000)}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chromium exited with code ${code}:\n${stderr.slice(-2000)}`));
    });
  }).catch((err: unknown) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    throw err;
  });
  child.stderr!.resume(); // keep draining, so the browser never blocks on a full pipe
  const browser = await chromium.connectOverCDP(wsUrl, { timeout: timeoutMs });
  return { child, browser };
}
