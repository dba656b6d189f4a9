"""Starts a notebook kernel and ends it when the notebook driver that launched it dies.

src/notebooks/execute_notebook.py puts this script in front of the kernelspec's argv:
`python kernel_guard.py -- <kernel argv...>`. jupyter_client starts it in a session (and process
group) of its own, so a signal that kills the driver never reaches the kernel; without this guard a
killed runner left the kernel training and writing to datasets/ for good. Three layers:

1. the kernel runs as this guard's child with PR_SET_PDEATHSIG = SIGKILL (Linux): if the guard dies
   by any signal, the kernel is killed by the kernel (the OS one) at once;
2. the guard polls its parent every 0.2 s: once the driver (STUDY_KERNEL_PARENT_PID) is gone, it
   kills its whole process group (the kernel and anything the kernel started), then itself;
3. the guard itself has PR_SET_PDEATHSIG = SIGTERM, which does the same as 2 without waiting.

jupyter_client's own signals (SIGINT to interrupt, SIGTERM/SIGKILL to shut down) go to the process
group, so the kernel receives them directly; the guard ignores SIGINT and exits with the kernel's
exit status (128 + signal number when a signal ended it).

A kernel that cannot bind one of its ports is ended at once, with exit status 98 (EADDRINUSE).
jupyter_client picks free ports by binding port 0 and closing it, and the kernel binds them a
second or two later, so another process (a test's kernel, a client's outgoing connection) can take
one in between. tslab then only logs `Address already in use` and keeps running without that
socket, and the driver would wait its whole start-up timeout for a reply that never comes. The
guard reads the kernel's stderr (passing every byte on), sees the message and kills the kernel, so
the driver learns within a poll that the kernel died and starts a new one on new ports. It watches
for the message only during start-up (the driver's 120 s start-up timeout): later, the same words
on stderr come from a cell's own code, and ending the kernel there would turn a cell's error into
a dead kernel.
"""
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_S = 0.2
# What tslab (zeromq) writes when a port is taken, and the guard's exit status then (EADDRINUSE).
PORT_TAKEN_MESSAGE = b'Address already in use'
EXIT_PORT_TAKEN = 98
# How long after its start the kernel's ports can be the problem: execute_notebook.py's startup_timeout.
STARTUP_WATCH_S = 120.0


def set_parent_death_signal(signum: int) -> None:
    """Asks Linux to send `signum` to this process when its parent thread exits; no-op elsewhere."""
    if not sys.platform.startswith('linux'):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def pass_on_stderr(child: subprocess.Popen, port_taken: threading.Event) -> None:
    """Copies the kernel's stderr to ours line by line; kills the kernel if it says a port is taken during start-up."""
    out = sys.stderr.buffer
    watch_until = time.monotonic() + STARTUP_WATCH_S
    for line in iter(child.stderr.readline, b''):
        try:
            out.write(line)
            out.flush()
        except OSError:
            pass  # our stderr is gone: keep draining, so the kernel never blocks on a full pipe
        if PORT_TAKEN_MESSAGE in line and not port_taken.is_set() and time.monotonic() < watch_until:
            port_taken.set()
            child.kill()


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ['--']:
        argv = argv[1:]
    if not argv:
        print('kernel_guard: usage: kernel_guard.py -- <kernel command...>', file=sys.stderr)
        return 2
    parent = int(os.environ.get('STUDY_KERNEL_PARENT_PID') or os.getppid())
    leader = os.getpgrp() == os.getpid()  # jupyter_client started us as a new session
    child = None

    def end_everything() -> None:
        """The driver is gone, so nobody will read this kernel's results: kill it and its children."""
        if leader:
            os.killpg(os.getpgrp(), signal.SIGKILL)  # the kernel, its children and this guard
        if child is not None:
            child.kill()
        os._exit(137)

    def on_sigterm(signum, _frame) -> None:
        if os.getppid() != parent:  # our death signal: the driver died
            end_everything()
        elif child is not None and child.poll() is None:
            child.send_signal(signum)  # a plain shutdown request: the kernel decides

    signal.signal(signal.SIGTERM, on_sigterm)
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the driver died before the death signal was armed
        return 137
    child = subprocess.Popen(argv, stderr=subprocess.PIPE, preexec_fn=lambda: set_parent_death_signal(signal.SIGKILL))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # only after Popen: SIG_IGN would be inherited
    port_taken = threading.Event()
    reader = threading.Thread(target=pass_on_stderr, args=(child, port_taken), name='kernel-stderr', daemon=True)
    reader.start()

    while True:
        code = child.poll()
        if code is not None:
            reader.join(timeout=1.0)  # the kernel's last words before ours
            if port_taken.is_set():
                return EXIT_PORT_TAKEN
            return code if code >= 0 else 128 - code
        if os.getppid() != parent:
            end_everything()
        time.sleep(POLL_S)


if __name__ == '__main__':
    sys.exit(main())
