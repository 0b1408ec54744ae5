"""What an import did, for people: ``import-report.md`` in the project root, and a short summary
for the terminal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .items import Skipped


@dataclass(slots=True)
class Report:
    written: list[str] = field(default_factory=list)
    """Release files written for the first time (relative to the project)."""
    updated: list[str] = field(default_factory=list)
    """Files this import had written before, untouched since, whose source changed."""
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files this import had written before that an editor changed since: never overwritten."""
    skipped: list[Skipped] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)
    """Source category names the mapping does not map, with how many items carry them."""
    guesses: list[tuple[str, str]] = field(default_factory=list)
    """(release, what was guessed or left out): summaries from first sentences, photos without alt..."""
    remote_images: list[tuple[str, str]] = field(default_factory=list)
    """(release, URL) of photos and images on another host, not copied."""
    gone: list[str] = field(default_factory=list)
    """Releases an earlier import of the same source wrote whose item is no longer in it: left alone."""
    problems: list[str] = field(default_factory=list)
    """What the newsroom's own reader says about written releases (``file:line: ...``)."""
    dry_run: bool = False

    @property
    def exit_status(self) -> int:
        return 1 if self.skipped else 0

    def summary(self) -> str:
        would = "would be " if self.dry_run else ""
        parts = [
            f"{len(self.written)} {would}written",
            f"{len(self.updated)} {would}updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.kept)} kept (edited since the last import)",
            f"{len(self.skipped)} skipped",
        ]
        lines = ["import: " + ", ".join(parts)]
        if self.unmapped:
            lines.append(f"import: {len(self.unmapped)} category names not in the mapping")
        if self.guesses:
            lines.append(f"import: {len(self.guesses)} guesses to review")
        if self.remote_images:
            lines.append(f"import: {len(self.remote_images)} remote images not copied")
        if self.gone:
            lines.append(f"import: {len(self.gone)} releases of items no longer in the source (left alone)")
        if self.problems:
            lines.append(f"import: {len(self.problems)} problems in written releases")
        return "\n".join(lines)

    def markdown(self) -> str:
        title = "# Import report" + (" (dry run: nothing was written)" if self.dry_run else "")
        out = [title, "", self.summary().replace("import: ", "- "), ""]

        def section(heading: str, rows: list[str]) -> None:
            out.append(f"## {heading} ({len(rows)})")
            out.append("")
            out.extend(f"- {row}" for row in rows)
            if not rows:
                out.append("None.")
            out.append("")

        section("Problems in written releases", self.problems)
        section(
            "Skipped",
            [
                f"{s.source}{f':{s.line}' if s.line else ''}: {f'{s.id!r}: ' if s.id else ''}{s.reason}"
                for s in self.skipped
            ],
        )
        section("Kept: edited since the last import, not overwritten", self.kept)
        section(
            "Category names not in the mapping",
            [f"{name!r}: {count} item{'s' if count != 1 else ''}" for name, count in sorted(self.unmapped.items())],
        )
        section("Guesses to review", [f"{release}: {what}" for release, what in self.guesses])
        section("Remote images not copied", [f"{release}: {url}" for release, url in self.remote_images])
        section("No longer in the source (an earlier import wrote them; left alone)", self.gone)
        section("Written", self.written)
        section("Updated", self.updated)
        section("Unchanged", self.unchanged)
        return "\n".join(out)
