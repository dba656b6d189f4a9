/**
 * The progress channel between a headless notebook kernel and the runner's terminal: the kernel
 * appends one line per progress update to the file named by `STUDY_PROGRESS_FILE` (set by
 * src/notebooks/run_notebooks.ts for the kernels it starts); the runner reads the new lines and
 * prints them, rate-limited (src/notebooks/terminal_progress.ts). In JupyterLab the variable is
 * unset and emitting is a no-op.
 */
import * as fs from 'fs';

/** Environment variable naming the file that progress lines are appended to. */
export const PROGRESS_FILE_ENV = 'STUDY_PROGRESS_FILE';

/**
 * Appends `line` (newlines folded to spaces) to the progress file when `STUDY_PROGRESS_FILE` is
 * set; otherwise does nothing. A cheap synchronous append that never throws, so a grid can call it
 * after every run without caring whether anyone is listening.
 */
export function emitProgressLine(line: string): void {
  const file = process.env[PROGRESS_FILE_ENV];
  if (!file) return;
  try {
    fs.appendFileSync(file, `${String(line).replace(/[\r\n]+/g, ' ')}\n`);
  } catch {
    // Progress is best effort: a full disk or a removed folder must never stop a training run.
  }
}

/**
 * Reads the lines appended to a progress file since the last call (the runner's side of the
 * channel). A missing file reads as no lines; a trailing partial line waits for its newline.
 */
export class ProgressFileReader {
  private offset = 0;
  /** Bytes after the last newline read so far (split on bytes, so a UTF-8 character is never cut). */
  private partial: Buffer = Buffer.alloc(0);

  /** @param file the progress file, usually not yet created when the reader is made */
  constructor(readonly file: string) {}

  /** The complete lines written since the previous call, oldest first. */
  readNewLines(): string[] {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return [];
    }
    if (size < this.offset) {
      // Truncated or replaced: start over from its beginning.
      this.offset = 0;
      this.partial = Buffer.alloc(0);
    }
    if (size === this.offset) return [];
    const buffer = Buffer.alloc(size - this.offset);
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, 'r');
      const n = fs.readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += n;
      const bytes = Buffer.concat([this.partial, buffer.subarray(0, n)]);
      const end = bytes.lastIndexOf(0x0a) + 1; // after the last '\n'
      this.partial = Buffer.from(bytes.subarray(end));
      return bytes.subarray(0, end).toString('utf8').split('\n').filter((l) => l.length > 0);
    } catch {
      return [];
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}
