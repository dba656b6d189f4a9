"""Executes one notebook with the repository's own tslab kernel and writes the executed notebook
(and optionally an HTML report). Run with the project venv: `.venv/bin/python`. Called by
src/notebooks/run_notebooks.ts, which sets STUDY_PRESET / STUDY_OVERRIDES in the environment
that the kernel inherits.

On the first failing cell it prints the cell's index, its source and the kernel's real error
(ename, evalue, traceback with ANSI colours removed, and the cell's stderr output), still writes
the partly executed notebook, and exits 1. Exit 2: bad usage or no kernel.

A kernel that dies before it answers (kernel_guard.py ends one that finds a port taken, exit 98)
is started again on new ports, up to KERNEL_START_TRIES times in all, with one line on stderr.

Processes die together: the kernel starts behind src/notebooks/kernel_guard.py, which kills it
once this driver is gone; this driver ends itself (SIGTERM via PR_SET_PDEATHSIG, and a parent
poll) once the runner named by STUDY_RUNNER_PID is gone. SIGINT or SIGTERM kill the kernel and
exit 130 / 143 without a message: the runner prints the one `interrupted:` line.

HTML reports use src/notebooks/report_template (nbconvert's lab template with KaTeX from a local
folder instead of MathJax, require.js and mermaid from a CDN), so formulas render offline.
"""
import argparse
import ctypes
import os
import re
import signal
import sys
import threading
import time

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellControlSignal, CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r'\x1b\[[0-9;?]*[ -/]*[@-~]')
# Cells slower than this print a progress line, so long runs show they are alive.
PROGRESS_AFTER_S = 5.0
HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_GUARD = os.path.join(HERE, 'kernel_guard.py')
REPORT_TEMPLATES = os.path.join(HERE, 'report_template')
PR_SET_PDEATHSIG = 1
# Kernel starts per notebook: a start whose kernel dies before answering is retried on new ports.
KERNEL_START_TRIES = 3
# Seconds a kernel has to answer its first request (kernel_guard.py's STARTUP_WATCH_S is the same).
KERNEL_STARTUP_TIMEOUT_S = 120


def strip_ansi(text: str) -> str:
    return ANSI.sub('', text)


def write_atomic(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


class GuardedKernelSpecManager(KernelSpecManager):
    """Kernelspecs whose argv starts with kernel_guard.py, so the kernel dies with this driver."""

    def get_kernel_spec(self, kernel_name):
        spec = super().get_kernel_spec(kernel_name)
        spec.argv = [sys.executable, KERNEL_GUARD, '--', *spec.argv]
        return spec


def die_with_runner() -> None:
    """Ends this driver (as SIGTERM does) once the runner that started it is gone, by any signal."""
    runner = os.environ.get('STUDY_RUNNER_PID')
    if not runner or not runner.isdigit():
        return
    if sys.platform.startswith('linux'):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def poll() -> None:
        while os.getppid() == int(runner):
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=poll, name='runner-watch', daemon=True).start()


class QuietStopClient(NotebookClient):
    """A NotebookClient whose SIGINT/SIGTERM handler is `on_stop_signal`, not nbclient's own.

    nbclient hooks both signals into its event loop to shut the kernel down gracefully, which makes
    the running cell fail with DeadKernelError and the driver report a failure. Ours, installed
    right after nbclient's, kills the kernel's process group and exits 128 + signal at once.
    """

    def __init__(self, *args, on_stop_signal=None, new_kernel_manager=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._on_stop_signal = on_stop_signal
        self._new_kernel_manager = new_kernel_manager

    async def async_start_new_kernel(self, **kwargs):
        await super().async_start_new_kernel(**kwargs)
        if self._on_stop_signal is not None:
            signal.signal(signal.SIGINT, self._on_stop_signal)
            signal.signal(signal.SIGTERM, self._on_stop_signal)

    async def async_start_new_kernel_client(self):
        """nbclient's, but a kernel that dies before its first reply is started again on new ports.

        nbclient cleans up after a failed start (kernel shut down, `km` and `kc` set to None); the
        next try takes a new kernel manager, whose ports are picked afresh.
        """
        for attempt in range(1, KERNEL_START_TRIES + 1):
            try:
                return await super().async_start_new_kernel_client()
            except RuntimeError as err:
                if attempt == KERNEL_START_TRIES or self._new_kernel_manager is None or 'died' not in str(err):
                    raise
                print(f'kernel start {attempt} of {KERNEL_START_TRIES} failed ({err}; a port taken?): starting a new kernel on new ports', file=sys.stderr, flush=True)
                self.km = self._new_kernel_manager()
                await self.async_start_new_kernel()


def in_repo_kernel_spec_manager(kernel: str) -> KernelSpecManager:
    """Looks for kernelspecs only in this venv (sys.prefix), never in the user's or system's."""
    ksm = GuardedKernelSpecManager()
    ksm.kernel_dirs = [os.path.join(sys.prefix, 'share', 'jupyter', 'kernels')]
    try:
        spec = ksm.get_kernel_spec(kernel)
    except NoSuchKernel:
        sys.exit(f"no '{kernel}' kernel in {ksm.kernel_dirs[0]}: run npm run setup")
    binary = spec.argv[0]
    if os.path.isabs(binary) and not os.path.exists(binary):
        sys.exit(f"the '{kernel}' kernel starts {binary}, which does not exist (repository moved?): run npm run setup")
    return ksm


# The first line of a JavaScript error in tslab's stderr output, e.g. `Error: deliberate failure`.
JS_ERROR_LINE = re.compile(r'^(?:(?:[A-Za-z_$][\w$.]*)?(?:Error|Exception)|Uncaught \w+)\b.*$', re.M)


def describe_failure(nb, index: int, err: BaseException) -> str:
    """The failing cell's position, source and the kernel's own error, ANSI stripped.

    tslab reports a failed cell as status 'error' with no ename/evalue (nbclient shows `<Error>`);
    the real error, or the TypeScript compile errors, arrive as the cell's stderr stream.
    """
    cell = nb.cells[index]
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == 'code']
    lines = [
        f'FAILED at cell index {index} (code cell {code_cells.index(index) + 1} of {len(code_cells)}; '
        f'cell {index + 1} of {len(nb.cells)} counting markdown):',
        '---- source ----',
        cell.source.rstrip(),
        '---- error ----',
    ]
    outputs = cell.get('outputs', [])
    stderr = strip_ansi(''.join(o.text for o in outputs if o.output_type == 'stream' and o.name == 'stderr')).rstrip()
    errors = [o for o in outputs if o.output_type == 'error']
    for out in errors:
        lines.append(f'{out.ename}: {strip_ansi(out.evalue)}')
        tb = [strip_ansi(t) for t in out.get('traceback', []) if t.strip()]
        if tb:
            lines.append('\n'.join(tb))
    if not isinstance(err, CellExecutionError):
        lines.append(f'{type(err).__name__}: {strip_ansi(str(err))}')
    elif not errors:
        if err.ename and err.ename not in ('<Error>', 'Error') or err.evalue:
            lines.append(f'{err.ename}: {strip_ansi(err.evalue)}')
        headline = JS_ERROR_LINE.search(stderr)
        lines.append(headline.group(0) if headline else '(the kernel reported an error; see stderr)')
    if stderr:
        lines += ['---- stderr ----', stderr]
    return '\n'.join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('notebook', help='notebook to run (.ipynb); the kernel starts in its folder')
    ap.add_argument('--out', required=True, help='where to write the executed notebook')
    ap.add_argument('--html', help='where to write the HTML report (omit for none)')
    ap.add_argument('--timeout', type=float, default=0, help='seconds per cell; 0 = no limit')
    ap.add_argument('--kernel', default='tslab', help='kernelspec name inside this venv')
    ap.add_argument('--status-fd', type=int, help='file descriptor for `start k n` / `end k` lines (the runner prints progress)')
    args = ap.parse_args()

    status = os.fdopen(args.status_fd, 'w', buffering=1) if args.status_fd is not None else None
    os.environ['STUDY_KERNEL_PARENT_PID'] = str(os.getpid())  # read by kernel_guard.py
    nb = nbformat.read(args.notebook, as_version=4)
    ksm = in_repo_kernel_spec_manager(args.kernel)

    def new_kernel_manager() -> AsyncKernelManager:
        return AsyncKernelManager(kernel_name=args.kernel, kernel_spec_manager=ksm)

    state = {'index': -1, 'started': 0.0}
    n_cells = len(nb.cells)
    client = None

    def on_signal(signum, _frame):
        # Kill the kernel's whole group now (it is not in our process group, so it did not get
        # the signal) and leave without a trace; the runner says what was kept.
        km = client.km if client is not None else None
        pgid = getattr(km.provisioner, 'pgid', None) if km is not None and km.has_kernel else None
        if pgid:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    die_with_runner()

    def on_cell_start(cell, cell_index):
        state['index'] = cell_index
        state['started'] = time.monotonic()
        if status:
            status.write(f'start {cell_index + 1} {n_cells}\n')

    def on_cell_executed(cell, cell_index, execute_reply):
        if status:
            status.write(f'end {cell_index + 1}\n')
            return
        took = time.monotonic() - state['started']
        if took >= PROGRESS_AFTER_S:
            print(f'  cell {cell_index + 1}/{n_cells} took {took:.1f} s', flush=True)

    client = QuietStopClient(
        nb,
        on_stop_signal=on_signal,
        new_kernel_manager=new_kernel_manager,
        km=new_kernel_manager(),
        kernel_name=args.kernel,
        timeout=args.timeout if args.timeout > 0 else None,
        startup_timeout=KERNEL_STARTUP_TIMEOUT_S,
        resources={'metadata': {'path': os.path.dirname(os.path.abspath(args.notebook))}},
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    failure = None
    try:
        client.execute()
    except (CellControlSignal, DeadKernelError, CellTimeoutError, KeyboardInterrupt) as err:
        failure = err
    finally:
        # nbclient leaves a kernel it did not create running; an orphaned kernel would also keep
        # the caller's stdout/stderr pipes open.
        if client.km is not None and client.km.has_kernel:
            run_sync(client.km.shutdown_kernel)(now=True)

    write_atomic(args.out, nbformat.writes(nb))
    if args.html:
        from nbconvert import HTMLExporter
        exporter = HTMLExporter(extra_template_basedirs=[REPORT_TEMPLATES], template_name='study_report')
        body, _ = exporter.from_notebook_node(nb, resources={'katex_url': 'katex'})
        write_atomic(args.html, body)
    if failure is not None:
        if state['index'] >= 0:
            print(describe_failure(nb, state['index'], failure), file=sys.stderr, flush=True)
        else:
            print(f'FAILED before the first cell: {type(failure).__name__}: {failure}', file=sys.stderr, flush=True)
        print(f'partly executed notebook: {args.out}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
