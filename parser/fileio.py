"""Writing files so that a crash never leaves half of one: the one atomic write of DepLab.

:func:`atomic_write_bytes` writes beside the target under a hidden temporary name, fsyncs, then
renames over the target (POSIX and Windows rename atomically within a folder); :func:`atomic_folder`
does the same for a model folder.  A write killed before the rename leaves a ``.NAME.tmp-PID`` file,
which :func:`remove_stale_temporaries` deletes on the next open or save of that file.
"""
from __future__ import annotations

import glob
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _temporary_name(target: str) -> str:
    folder = os.path.dirname(os.path.abspath(target)) or "."
    return os.path.join(folder, f".{os.path.basename(target)}.tmp-{os.getpid()}")


def _fsync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(target: str | os.PathLike, data: bytes) -> None:
    """Replaces ``target`` by ``data``: a crash leaves either the old file or the new one.

    Errors name ``target`` (the user's file), never the hidden temporary file.
    """
    target = os.fspath(target)
    tmp = _temporary_name(target)
    try:
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            if os.path.exists(target):
                try:
                    os.chmod(tmp, os.stat(target).st_mode & 0o7777)
                except OSError:
                    pass
            os.replace(tmp, target)
        except OSError as e:
            raise type(e)(e.errno, f"cannot write {target}: {e.strerror or e}") from None
        _fsync_folder(os.path.dirname(os.path.abspath(target)) or ".")
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def atomic_write_text(target: str | os.PathLike, text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text with ``\\n`` line ends."""
    atomic_write_bytes(target, text.encode("utf-8"))


def remove_stale_temporaries(target: str | os.PathLike) -> list[str]:
    """Deletes the temporary files that writes of ``target`` killed mid-way left beside it
    (``.NAME.tmp-PID`` of processes that no longer run); returns their paths."""
    target = os.fspath(target)
    folder = os.path.dirname(os.path.abspath(target)) or "."
    removed = []
    for tmp in glob.glob(os.path.join(glob.escape(folder), f".{glob.escape(os.path.basename(target))}.tmp-*")):
        pid = tmp.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _running(int(pid)):
            continue
        try:
            os.remove(tmp)
            removed.append(tmp)
        except OSError:
            pass
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


@contextmanager
def atomic_folder(path: str | os.PathLike):
    """Yields a temporary folder beside ``path`` that replaces ``path`` only if the block succeeds.

    A crash or a cancelled run never leaves a half-written model folder behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield tmp
        for f in tmp.iterdir():
            f.chmod(0o644)
        tmp.chmod(0o755)
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def atomic_files(folder: str | os.PathLike):
    """Yields a hidden temporary folder inside ``folder``; the files written there are moved into ``folder``
    only if the block succeeds (one rename each), so a failed or cancelled run leaves ``folder`` as it was
    (and removes it if it did not exist before).  For a set of files, e.g. numbered frames; other files of
    ``folder`` are kept (unlike :func:`atomic_folder`, which replaces the whole folder)."""
    folder = Path(folder)
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".deplab-files-", dir=folder))
    done = False
    try:
        yield work
        for f in sorted(work.iterdir()):
            os.replace(f, folder / f.name)
        done = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if made and not done:
            try:
                folder.rmdir()  # only when empty
            except OSError:
                pass
