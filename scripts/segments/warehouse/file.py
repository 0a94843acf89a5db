"""The warehouse file: the build lock, a copy to work on, and the swap that replaces it.

`segments build` and `segments backfill` never write to the live warehouse. Both
work on a copy of it in `.warehouse-build/<file name>/` next to it (`work_copy`);
only when their work succeeds is the copy moved over the warehouse (an atomic
rename). A failure or a killed process leaves the warehouse as it was; what a
killed run left in its work folder is removed by the next. A lock file stops a
second build or backfill of the same warehouse from starting while one runs
(exit code 3); warehouses in the same folder have their own work folders.

DuckDB keeps recent writes in a write-ahead log, `<warehouse>.wal`, that only
its own file can replay. A run folds it into the file before copying, refuses
a warehouse another process holds read-write (exit code 3), keeps writers out
until the swap (their writes would be lost with the old file) and never leaves
the old file's log beside the new one. Read-only connections (BI tools) are
never refused and never stop a run: they keep reading the file they opened,
raw tables included (see `segments.warehouse.landing`), until they reconnect. A full disk
or a read-only folder is reported as such (exit code 4).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from segments.core.errors import SegmentsError, StorageError, WarehouseLockedError
from segments.warehouse import landing

WORK_DIR_NAME = ".warehouse-build"
WAL_SUFFIX = ".wal"
COPY_CHUNK_BYTES = 16 * 1024 * 1024
# DuckDB's words for a lock another process holds on the file, and for a full
# disk or a folder it may not write in (its errors carry no errno).
LOCK_HELD = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
DISK_FULL_WORDS = ("No space left on device", "Disk quota exceeded")
READ_ONLY_WORDS = ("Read-only file system", "Permission denied")
QUOTED_PATH = re.compile(r'"(/[^"]+)"')


@contextmanager
def work_copy(warehouse: Path) -> Iterator[Path]:
    """A copy of the warehouse (a path for a new one) to work on, inside the lock's holder.

    The caller swaps it in (`swap`) when its work succeeds; whatever is left is
    removed. Raw views whose files moved with the warehouse are re-pointed in
    the copy (`landing.repoint`).
    """
    folder = work_dir_for(warehouse)
    if folder.exists():
        print(f"note: removing {folder}, left by an interrupted run")
        shutil.rmtree(folder, ignore_errors=True)
    checkpoint_live(warehouse)
    landing.remove_unreferenced(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    # Same file name in a sibling folder: DuckDB names the catalog after the
    # file, so views built in the copy still resolve after the move.
    copy = folder / warehouse.name
    try:
        with writers_kept_out(warehouse) as held:
            if held is not None:
                copy_held(held, warehouse, copy)
                landing.repoint(copy, landing.folder_for(warehouse))
            yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with suppress(OSError):  # only when no other warehouse's run uses it
            folder.parent.rmdir()
    # A writer may hold the new file already; the next run tidies up then.
    with suppress(duckdb.Error):
        landing.remove_unreferenced(warehouse)


@contextmanager
def warehouse_lock(warehouse: Path) -> Iterator[None]:
    """Hold an exclusive lock on `<warehouse>.lock`; fail fast if another build holds it."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_name(warehouse.name + ".lock")
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise WarehouseLockedError(
                f"{warehouse} is being built by {holder}; wait for it to finish "
                f"(lock file {lock_path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def snapshot(warehouse: Path) -> Iterator[Path]:
    """A copy of the warehouse to read with tools that open files read-write (dbt docs),
    in a folder beside it that is removed after; readers of the warehouse are not
    disturbed, and a writer holding it is a clear error."""
    checkpoint_live(warehouse)
    with tempfile.TemporaryDirectory(prefix=".snapshot-", dir=warehouse.parent) as folder:
        copy = Path(folder) / warehouse.name
        with writers_kept_out(warehouse) as held:
            if held is None:
                raise SegmentsError(f"no warehouse at {warehouse}")
            copy_held(held, warehouse, copy)
        landing.repoint(copy, landing.folder_for(warehouse))
        yield copy


def work_dir_for(warehouse: Path) -> Path:
    """The folder a build of `warehouse` works in: one per warehouse file."""
    return warehouse.parent / WORK_DIR_NAME / warehouse.name


def wal_for(database: Path) -> Path:
    """DuckDB's write-ahead log of `database`: `<file>.wal` beside it."""
    return database.with_name(database.name + WAL_SUFFIX)


def checkpoint_live(warehouse: Path) -> None:
    """Fold the warehouse's write-ahead log into its file, so that a copy holds every write.

    A process killed while it held the file read-write (a notebook) leaves a
    log only this file can replay: copied without it, the copy loses those
    writes; left beside a new file, it stops that file from opening. Refuses a
    warehouse another process holds read-write. Readers (read-only, as BI tools
    should connect) let no one checkpoint: the log, if any, then goes with the
    copy (see `copy_held`). Without a log the file is only opened read-only (to
    refuse what is no DuckDB file, or is held read-write), so readers are never
    turned away, not even for a moment.
    """
    if not warehouse.exists():
        if wal_for(warehouse).exists():
            raise StorageError(
                f"{wal_for(warehouse)} is a DuckDB write-ahead log without its database file "
                f"{warehouse.name}; restore that file, or move the log away, and build again"
            )
        return
    if not wal_for(warehouse).exists():
        try:
            duckdb.connect(str(warehouse), read_only=True).close()
        except duckdb.Error as error:
            raise unusable(warehouse, error) from None
        return
    try:
        con = duckdb.connect(str(warehouse))
    except duckdb.Error as error:
        if LOCK_HELD.search(str(error)) and opens_read_only(warehouse):
            return
        raise unusable(warehouse, error) from None
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def opens_read_only(database: Path) -> bool:
    """True when `database` opens read-only: no other process holds it read-write."""
    try:
        duckdb.connect(str(database), read_only=True).close()
    except duckdb.Error:
        return False
    return True


def unusable(warehouse: Path, error: duckdb.Error) -> SegmentsError:
    """Why the warehouse file cannot be opened read-write, as a clear error."""
    detail = str(error).strip().splitlines()[0]
    if LOCK_HELD.search(detail):
        return WarehouseLockedError(
            f"{warehouse} is open read-write in another process ({lock_holder(detail)}); "
            "close that connection (a notebook, dbt, a BI tool not set to read-only) "
            "and run the command again"
        )
    if "not a valid DuckDB database file" in detail:
        return StorageError(
            f"{warehouse} is not a DuckDB database file; point DUCKDB_PATH at a warehouse "
            "file, or at a path where none exists yet to start a new one"
        )
    problem = storage_problem(error, warehouse)
    if problem is not None:
        return problem
    hint = ""
    if "WAL" in detail and wal_for(warehouse).exists():
        hint = f"; its write-ahead log {wal_for(warehouse)} does not belong to it: move it away"
    return StorageError(f"cannot open the warehouse {warehouse}: {detail}{hint}")


def lock_holder(message: str) -> str:
    """`PID 4242: python notebook.py`, from DuckDB's lock message (and /proc, if any)."""
    match = LOCK_HELD.search(message)
    if match is None:
        return "another process"
    pid = match["pid"]
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, UnicodeDecodeError):
        command = match["program"]
    command = " ".join(command.split())
    return f"PID {pid}: {command[:80] + '...' if len(command) > 80 else command}"


@contextmanager
def writers_kept_out(warehouse: Path) -> Iterator[int | None]:
    """Hold a shared lock on the warehouse file until the swap: its descriptor (None: no file).

    DuckDB locks the file it opens (shared read-only, exclusive read-write), so
    no process can write to the old file while the build works, where the
    write would be lost with it; readers go on reading. POSIX drops a
    process's locks on a file when any descriptor of the file is closed: the
    build reads the file through this descriptor only.
    """
    if not warehouse.exists():
        yield None
        return
    held = os.open(warehouse, os.O_RDONLY)
    try:
        try:
            fcntl.lockf(held, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise WarehouseLockedError(
                f"{warehouse} was opened read-write by another process as this build "
                "started; close that connection and run the command again"
            ) from None
        yield held
    finally:
        os.close(held)


def copy_held(held: int, warehouse: Path, work_copy: Path) -> None:
    """Copy the held warehouse file to the work copy, with its log if readers kept it.

    The kernel copies (copy_file_range: a quarter of the time of reading and
    writing through Python at 1.6 GB); where it cannot, Python does.
    """
    size = os.fstat(held).st_size
    with work_copy.open("wb") as target:
        try:
            copied = 0
            while copied < size:
                step = os.copy_file_range(held, target.fileno(), size - copied, copied, copied)
                if step == 0:
                    break
                copied += step
        except OSError as error:
            if error.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                raise
            target.seek(0)
            target.truncate()
            os.lseek(held, 0, os.SEEK_SET)
            shutil.copyfileobj(os.fdopen(held, "rb", closefd=False), target, COPY_CHUNK_BYTES)
    shutil.copymode(warehouse, work_copy)
    if wal_for(warehouse).exists():
        shutil.copyfile(wal_for(warehouse), wal_for(work_copy))
        fold_wal(work_copy)


def fold_wal(database: Path) -> None:
    """Checkpoint `database` when a write-ahead log lies beside it (DuckDB then removes it)."""
    if wal_for(database).exists():
        con = duckdb.connect(str(database))
        try:
            con.execute("checkpoint")
        finally:
            con.close()


def swap(work_copy: Path, warehouse: Path) -> None:
    """Move the finished work copy over the warehouse, with no log of the old file beside it.

    The old file is kept as a retired version of the landing folder first, so that
    the raw files its readers read outlive the swap (`landing.retire`).
    """
    fold_wal(work_copy)
    landing.retire(warehouse)
    new_file = os.open(work_copy, os.O_RDONLY)
    try:
        # Until the old file's log is gone, a writer opening the new file would
        # find a log it cannot replay: the lock turns it away instead.
        fcntl.lockf(new_file, fcntl.LOCK_SH)
        os.replace(work_copy, warehouse)
        wal_for(warehouse).unlink(missing_ok=True)
    finally:
        os.close(new_file)


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and the errors it was raised from or during, innermost last."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


@contextmanager
def storage_explained(warehouse: Path) -> Iterator[None]:
    """Report a full disk or a read-only folder as such, whichever step met it.

    The loader reports a DuckDB error while it reads a file as that file's
    fault, dbt as a failed node; a full disk is neither, so the causes of an
    error are searched for it before the error reaches the user.
    """
    try:
        yield
    except (OSError, duckdb.Error, SegmentsError) as error:
        problem = storage_problem(error, warehouse)
        if problem is None:
            raise
        raise problem from error


def storage_problem(error: BaseException, warehouse: Path) -> StorageError | None:
    """A full disk, or a folder of the build that cannot be written, among `error`'s causes."""
    if isinstance(error, (StorageError, WarehouseLockedError)):
        return None
    for cause in causes(error):
        text = str(cause)
        number = cause.errno if isinstance(cause, OSError) else None
        named = cause.filename if isinstance(cause, OSError) else None
        quoted = QUOTED_PATH.search(text)
        path = Path(named) if named else Path(quoted[1]) if quoted else None
        if number in (errno.ENOSPC, errno.EDQUOT) or any(w in text for w in DISK_FULL_WORDS):
            return disk_full(path, warehouse)
        read_only = number in (errno.EROFS, errno.EACCES, errno.EPERM) or any(
            w in text for w in READ_ONLY_WORDS
        )
        if read_only and path is not None and written_by_build(path, warehouse):
            reason = cause.strerror if isinstance(cause, OSError) else text.split(": ")[-1]
            return StorageError(
                f"cannot write in {warehouse.parent} ({reason}): a build writes a lock file, "
                "a copy of the warehouse and its raw files beside it; make the folder "
                "writable or point DUCKDB_PATH at a writable folder"
            )
    return None


def written_by_build(path: Path, warehouse: Path) -> bool:
    """True for a path a build writes: the warehouse, its log, lock, work and raw folders."""
    folders = (work_dir_for(warehouse).parent, landing.folder_for(warehouse))
    files = (warehouse, wal_for(warehouse), warehouse.with_name(warehouse.name + ".lock"))
    return (
        path == warehouse.parent
        or path in files
        or any(path == folder or path.is_relative_to(folder) for folder in folders)
    )


def disk_full(path: Path | None, warehouse: Path) -> StorageError:
    """The error for a full disk met writing `path`: the folder and the room there is.

    What a build writes beside the warehouse is named by the warehouse's folder.
    """
    beside = path is None or path.is_relative_to(warehouse.parent)
    folder = warehouse.parent if beside else path.parent
    existing = next(parent for parent in (folder, *folder.parents) if parent.exists())
    free = shutil.disk_usage(existing).free / 1e6
    size = warehouse.stat().st_size / 1e6 if warehouse.is_file() else 0.0
    copy = f"a copy of the warehouse ({size:,.1f} MB)" if size else "the new warehouse"
    return StorageError(
        f"disk full: the build needs more free space in {folder} ({free:,.1f} MB free "
        f"after clean-up) for {copy} and the raw files as Parquet; the warehouse was "
        "left as it was"
    )
