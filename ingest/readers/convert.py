"""Old Word, WPS and Excel files: LibreOffice converts them to .docx / .xlsx in a temporary folder, off the network.

A document can link pictures, text and cells from URLs that LibreOffice fetches while it loads them (a .doc's
INCLUDEPICTURE field, a sheet's external link): a request to any host the server reaches, and a wait on any host
that never answers. So LibreOffice runs in a network namespace of its own (`unshare`, util-linux), as `nobody`
when the server is root, and with a profile whose proxy is a closed local port, for where namespaces are not
permitted.
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import IngestError

log = logging.getLogger(__name__)

CONVERT_SECONDS = 120
PACKAGES = {"docx": "libreoffice-writer-nogui", "xlsx": "libreoffice-calc-nogui"}
FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
OWN_USER_NETWORK = ["unshare", "--user", "--map-root-user", "--net", "--"]  # works unprivileged, where permitted
# The private profile's settings: every URL goes to a proxy on a closed local port, giving up within 5 s; links
# are never updated on load (Writer: 0, Calc: 1 mean never); no macro runs.
SETTINGS = [("org.openoffice.Inet/Settings", name, value) for name, value in (
    ("ooInetProxyType", 2), ("ooInetNoProxy", ""), ("ConnectTimeout", 5), ("ReadTimeout", 5),
    *((f"ooInet{scheme}Proxy{part}", value) for scheme in ("HTTP", "HTTPS", "FTP")
      for part, value in (("Name", "127.0.0.1"), ("Port", 9))))] + [
    ("org.openoffice.Office.Writer/Content/Update", "Link", 0),
    ("org.openoffice.Office.Calc/Content/Update", "Link", 1),
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true")]


@dataclass
class Isolation:
    """How LibreOffice is started: a command prefix, the Popen options, and the user its folder must belong to."""

    prefix: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    owner: tuple[int, int] | None = None

    def works(self) -> bool:
        try:
            return subprocess.run([*self.prefix, "true"], capture_output=True, timeout=10,
                                  **self.options).returncode == 0
        except (OSError, subprocess.SubprocessError):
            return False


def isolation() -> Isolation:
    """The strongest way to start LibreOffice that this host permits, tried in order: a network namespace of its
    own, as `nobody` when we are root; a network namespace as root; `nobody` without one; without either (the
    profile's proxy settings still hold)."""
    candidates = [Isolation(OWN_USER_NETWORK)]
    nobody = _nobody() if os.geteuid() == 0 else None
    if nobody is not None:
        uid, gid = nobody
        drop = {"user": uid, "group": gid, "extra_groups": []}
        candidates = [Isolation(["unshare", "--net", "--", "setpriv", f"--reuid={uid}", f"--regid={gid}",
                                 "--clear-groups", "--"], owner=nobody),
                      Isolation(OWN_USER_NETWORK, drop, nobody), Isolation(["unshare", "--net", "--"]),
                      Isolation([], drop, nobody)]
    chosen = next((c for c in candidates if c.works()), Isolation([]))
    if not chosen.prefix:
        log.warning("LibreOffice runs without a network namespace of its own (unshare is not permitted here): "
                    "only its proxy settings keep it off the network")
    return chosen


def _nobody() -> tuple[int, int] | None:
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted(path: Path, fmt: str, target: str) -> Iterator[Path]:
    """The file converted to `target` (docx or xlsx), deleted afterwards; IngestError when it cannot be."""
    program = soffice()
    if program is None:
        raise IngestError(path, f"a .{fmt} file needs LibreOffice to convert it: install the Debian package "
                                f"{PACKAGES[target]} (or save the file as .{target})")
    how = isolation()
    with tempfile.TemporaryDirectory(prefix="convert-") as folder:
        work = Path(folder)
        source = work / f"in.{fmt}"  # a plain name: LibreOffice reads it by content, and names the output after it
        shutil.copyfile(path, source)
        profile = work / "profile"  # a private profile: conversions may run side by side with a user's LibreOffice
        _write_settings(profile / "user" / "registrymodifications.xcu")
        if how.owner is not None:  # nobody works in this folder, and only here
            for item in (work, source, *profile.rglob("*"), profile):
                os.chown(item, *how.owner)
        command = [*how.prefix, program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", FILTERS[target], "--outdir", str(work / "out"), str(source)]
        said = _run(command, folder, path, how.options).strip().splitlines()
        result = work / "out" / f"in.{target}"
        if not result.exists():
            raise IngestError(path, f"LibreOffice could not convert it to .{target}"
                                    + (f": {said[-1]}" if said else ""))
        yield result


def _write_settings(path: Path) -> None:
    items = "".join(f'<item oor:path="/{group}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop>'
                    f"</item>\n" for group, name, value in SETTINGS)
    path.parent.mkdir(parents=True)
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/'
                    f'registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">\n{items}</oor:items>\n', "utf-8")


def _run(command: list[str], home: str, path: Path, options: dict[str, Any]) -> str:
    """Run LibreOffice in its own process group, killed whole when it overruns the time limit. It gets none of the
    server's environment (keys among it): a path, a language, and the temporary folder as its home and working
    directory (the server's own may be closed to the user it runs as)."""
    env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8", "HOME": home, "TMPDIR": home}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                               start_new_session=True, cwd=home, **options)
    try:
        output, _ = process.communicate(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired as err:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise IngestError(path, f"LibreOffice did not convert it within {CONVERT_SECONDS} s") from err
    return output or ""
