"""``make check``: the build's own checks, run by the build itself, without writing a site.

The check runs MkDocs' build with the newsroom's hooks up to the moment the build would start
writing (``on_env``): releases read and validated, every file checked at the boundary, every
body rendered and checked, addresses and aliases compared, MkDocs' own warnings counted as
``--strict`` counts them. So ``make check`` fails exactly when ``make build`` would, with the
same messages; what only writing can find (a template error, Pagefind failing) is the build's.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

#: Set by ``make check`` for the hooks: stop before writing anything, into a scratch folder.
CHECK_COMMAND = "check"
#: Where the build gives editors advice that does not fail it (``reading.advice``).
ADVICE_LOGGER = "mkdocs.hooks.newsroom.advice"


class CheckPassed(Exception):  # noqa: N818 - a signal that the checks passed, not an error
    """Raised by the hooks once everything a build checks before writing has passed, with the
    archive and the moment it was read at."""


class _Collect(logging.Handler):
    """What the build logs: failures (warnings and errors, as --strict counts them) and advice."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.failures: list[str] = []
        self.advice: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == ADVICE_LOGGER:
            self.advice.append(record.getMessage().removeprefix("advice: "))
        elif record.levelno >= logging.WARNING and not (
            record.exc_info and isinstance(record.exc_info[1], CheckPassed)
        ):
            self.failures.append(record.getMessage())


def check_site(config_file: Path) -> int:
    """Check the site of ``config_file`` as its build would; print every problem; 0 when none."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # One short process whose objects nearly all live to its end: the collector would only walk
    # them again and again (a tenth of a warm check at 10,000 releases, and no memory saved).
    collecting = gc.isenabled()
    gc.disable()
    collect = _Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collect)
    mkdocs_log.propagate = False
    scratch = tempfile.mkdtemp(prefix="newsroom-check-")
    passed: CheckPassed | None = None
    try:
        config = load_config(config_file=str(config_file), site_dir=scratch, strict=True)
        # A command of the newsroom's own, which MkDocs' type does not list; only the hooks read it.
        config.plugins.on_startup(command=CHECK_COMMAND, dirty=False)  # type: ignore[arg-type]
        try:
            build(config)
        except CheckPassed as done:
            passed = done
        except Abort:
            pass
        finally:
            config.plugins.on_shutdown()
    except ConfigurationError as err:
        collect.failures.append(f"{config_file}: {err}")
    finally:
        mkdocs_log.removeHandler(collect)
        shutil.rmtree(scratch, ignore_errors=True)
        if collecting:
            gc.enable()
    for text in collect.advice:
        print(f"warning: {text}", file=sys.stderr)
    for text in collect.failures:
        print(text, file=sys.stderr)
    if collect.failures or not passed:
        if not collect.failures:
            print("the check stopped before it was complete; run `make build` to see why", file=sys.stderr)
        return 1
    from ..publication import release_time

    archive, now = passed.args
    total = len(archive.published) + len(archive.held)
    print(
        f"{total} releases are valid: {len(archive.published)} published at {now.isoformat()}, "
        f"{len(archive.held)} held back"
    )
    for release in archive.held:
        when = "draft" if release.draft else f"until {release_time(release).isoformat()}"
        print(f"  held back ({when}): {release.source}")
    return 0
