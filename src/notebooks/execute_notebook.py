"""Executes one notebook with the repository's own tslab kernel and writes the executed notebook
(and optionally an HTML report). Run with the project venv: `.venv/bin/python`. Called by
src/notebooks/run_notebooks.ts, which sets STUDY_PRESET / STUDY_OVERRIDES in the environment
that the kernel inherits.

On the first failing cell it prints the cell's index, its source and the kernel's real error
(ename, evalue, traceback with ANSI colours removed, and the cell's stderr output), still writes
the partly executed notebook, and exits 1. Exit 2: bad usage or no kernel.
"""
import argparse
import os
import re
import sys
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


def strip_ansi(text: str) -> str:
    return ANSI.sub('', text)


def write_atomic(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


def in_repo_kernel_spec_manager(kernel: str) -> KernelSpecManager:
    """Looks for kernelspecs only in this venv (sys.prefix), never in the user's or system's."""
    ksm = KernelSpecManager()
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
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    ksm = in_repo_kernel_spec_manager(args.kernel)
    km = AsyncKernelManager(kernel_name=args.kernel, kernel_spec_manager=ksm)
    state = {'index': -1, 'started': 0.0}
    n_cells = len(nb.cells)

    def on_cell_start(cell, cell_index):
        state['index'] = cell_index
        state['started'] = time.monotonic()

    def on_cell_executed(cell, cell_index, execute_reply):
        took = time.monotonic() - state['started']
        if took >= PROGRESS_AFTER_S:
            print(f'  cell {cell_index + 1}/{n_cells} took {took:.1f} s', flush=True)

    client = NotebookClient(
        nb,
        km=km,
        kernel_name=args.kernel,
        timeout=args.timeout if args.timeout > 0 else None,
        startup_timeout=120,
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
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)

    write_atomic(args.out, nbformat.writes(nb))
    if args.html:
        from nbconvert import HTMLExporter
        body, _ = HTMLExporter().from_notebook_node(nb)
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
