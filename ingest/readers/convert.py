"""Old Word, WPS and Excel files: LibreOffice converts them to .docx / .xlsx in a temporary folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.errors import IngestError

CONVERT_SECONDS = 120
PACKAGES = {"docx": "libreoffice-writer-nogui", "xlsx": "libreoffice-calc-nogui"}
FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted(path: Path, fmt: str, target: str) -> Iterator[Path]:
    """The file converted to `target` (docx or xlsx), deleted afterwards; IngestError when it cannot be."""
    program = soffice()
    if program is None:
        raise IngestError(path, f"a .{fmt} file needs LibreOffice to convert it: install the Debian package "
                                f"{PACKAGES[target]} (or save the file as .{target})")
    with tempfile.TemporaryDirectory(prefix="convert-") as folder:
        work = Path(folder)
        source = work / f"in.{fmt}"  # a plain name: LibreOffice reads it by content, and names the output after it
        shutil.copyfile(path, source)
        profile = work / "profile"  # a private profile: conversions may run side by side with a user's LibreOffice
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", FILTERS[target], "--outdir", str(work / "out"), str(source)]
        said = _run(command, folder, path).strip().splitlines()
        result = work / "out" / f"in.{target}"
        if not result.exists():
            raise IngestError(path, f"LibreOffice could not convert it to .{target}"
                                    + (f": {said[-1]}" if said else ""))
        yield result


def _run(command: list[str], home: str, path: Path) -> str:
    """Run LibreOffice in its own process group, killed whole when it overruns the time limit."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "HOME": home}, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired as err:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise IngestError(path, f"LibreOffice did not convert it within {CONVERT_SECONDS} s") from err
    return output or ""
