"""Unpacks the TensorFlow C library and its C headers from a TensorFlow pip wheel into the
`deps/` folder of @tensorflow/tfjs-node (or -gpu), laid out as the package's binding.gyp and
scripts/install.js expect. See /work/shared/NATIVE-TF.md for why this works.

usage: python3 extract_libtensorflow.py <wheel.whl> <package dir> [<folder of nvidia_*.whl>]

The optional third argument is for the GPU build (UNTESTED: no GPU machine was available): the
`nvidia/<lib>/lib/*` files of the CUDA wheels that `tensorflow[and-cuda]` depends on are unpacked
to `deps/nvidia/`, where the TensorFlow libraries' RPATH (`$ORIGIN/../nvidia/<lib>/lib`, as in the
pip package) should find them.
"""
import os
import shutil
import sys
import zipfile

# Header folders/files (inside the wheel's `tensorflow/include/`) that tensorflow/c/c_api.h and
# tensorflow/c/eager/c_api.h pull in.
HEADER_PREFIXES = (
    'tensorflow/c/',
    'tensorflow/core/platform/ctstring',
    'tsl/platform/ctstring',
    'xla/tsl/c/tsl_status',
)
LIBS = ('libtensorflow_cc.so.2', 'libtensorflow_framework.so.2')
# link name -> target, all inside deps/lib. `libtensorflow.so.2.9.1` is the file install.js checks
# for (LIBTENSORFLOW_VERSION in scripts/deps-constants.js) before it would download anything.
LINKS = {
    'libtensorflow.so': 'libtensorflow_cc.so.2',
    'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
    'libtensorflow.so.2.9.1': 'libtensorflow_cc.so.2',
}


def extract_cuda_libs(cuda_wheels: str, deps_dir: str) -> int:
    """Unpacks nvidia/<lib>/lib/* from every nvidia_*.whl in `cuda_wheels`; returns the file count."""
    count = 0
    for whl in sorted(os.listdir(cuda_wheels)):
        if not (whl.startswith('nvidia_') and whl.endswith('.whl')):
            continue
        with zipfile.ZipFile(os.path.join(cuda_wheels, whl)) as zf:
            for info in zf.infolist():
                parts = info.filename.split('/')
                if info.is_dir() or len(parts) < 4 or parts[0] != 'nvidia' or parts[2] != 'lib':
                    continue
                dest = os.path.join(deps_dir, *parts)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with zf.open(info) as src, open(dest, 'wb') as out:
                    shutil.copyfileobj(src, out, 16 << 20)
                count += 1
    return count


def main(wheel: str, package_dir: str, cuda_wheels: str = '') -> None:
    deps = os.path.join(package_dir, 'deps')
    tmp = deps + '.partial'
    shutil.rmtree(tmp, ignore_errors=True)
    lib_dir = os.path.join(tmp, 'lib')
    include_dir = os.path.join(tmp, 'include')
    os.makedirs(lib_dir)
    os.makedirs(include_dir)
    found = set()
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            name = info.filename
            if info.is_dir():
                continue
            if name.startswith('tensorflow/include/'):
                rel = name[len('tensorflow/include/'):]
                if not rel.startswith(HEADER_PREFIXES):
                    continue
                dest = os.path.join(include_dir, rel)
            elif name.startswith('tensorflow/') and os.path.basename(name) in LIBS and name.count('/') == 1:
                dest = os.path.join(lib_dir, os.path.basename(name))
                found.add(os.path.basename(name))
            else:
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with zf.open(info) as src, open(dest, 'wb') as out:
                shutil.copyfileobj(src, out, 16 << 20)
    missing = [lib for lib in LIBS if lib not in found]
    if missing:
        raise SystemExit(f'{wheel}: no {", ".join(missing)} under tensorflow/ in the wheel')
    if not os.path.exists(os.path.join(include_dir, 'tensorflow', 'c', 'c_api.h')):
        raise SystemExit(f'{wheel}: no tensorflow/include/tensorflow/c/c_api.h in the wheel')
    for link, target in LINKS.items():
        os.symlink(target, os.path.join(lib_dir, link))
    if cuda_wheels and extract_cuda_libs(cuda_wheels, tmp) == 0:
        raise SystemExit(f'{cuda_wheels}: no nvidia_*.whl with nvidia/<lib>/lib/ files')
    shutil.rmtree(deps, ignore_errors=True)
    os.rename(tmp, deps)


if __name__ == '__main__':
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
