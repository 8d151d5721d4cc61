"""Folders the source already holds, offered as clusters (`--into DEST` sessions).

With a separate dest every photo under source is queued, so a source that was half sorted by
hand (`birds/`, `coins/`) would be filed photo by photo again. Each folder that directly holds
queued photos is offered as the cluster of the same `/`-separated path in dest; a folder whose
path is not a legal cluster name (say, a dot in the wrong place for Windows) is left queued.
"""

from __future__ import annotations

from collections.abc import Iterable

from photosort.errors import BadClusterName
from photosort.session.paths import validate_cluster_name


def folders_of(items: Iterable[str]) -> dict[str, list[str]]:
    """Queued items grouped by the folder that directly holds them, as cluster names (sorted;
    loose photos at the top of source are not in any)."""
    found: dict[str, list[str]] = {}
    for item in items:
        folder, sep, _ = item.rpartition("/")
        if sep:
            found.setdefault(folder, []).append(item)
    offered: dict[str, list[str]] = {}
    for folder in sorted(found):
        try:
            cluster = validate_cluster_name(folder)
        except BadClusterName:
            continue
        if cluster == folder:  # trimmed whitespace would file into another folder's name
            offered[cluster] = found[folder]
    return offered
