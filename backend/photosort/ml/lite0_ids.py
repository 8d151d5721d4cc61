"""EfficientNet-Lite0's embedder ids, without importing torch: which pooling, test-time
augmentation and preprocessing version made a vector, and which ids the same weights have had.

An id is ``efficientnet-lite0@<weights digest>:<pooling>[+<tta>]:prep<version>``. A change to
any part makes new vectors; the ones stored under the other ids are never read again (there is
no setting that picks them), so a library drops them (`superseded_ids`).
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

__all__ = ["LABELS_SUFFIX", "PREP_VERSION", "Pooling", "Tta", "lite0_id", "superseded_ids"]

Pooling = Literal["avg", "max", "gem", "cam"]
Tta = Literal["none", "flip", "zoom"]

#: Bump whenever preprocessing changes in a way that changes vectors.
PREP_VERSION: Final = 1
#: The class probabilities are cached under the vectors' id plus this.
LABELS_SUFFIX: Final = ":imagenet-probs"

_ID = re.compile(r"efficientnet-lite0@([0-9a-f]+):[a-z+]+:prep\d+")


def lite0_id(digest: str, pooling: Pooling, tta: Tta, version: int = PREP_VERSION) -> str:
    return (
        f"efficientnet-lite0@{digest}:{pooling}{'' if tta == 'none' else '+' + tta}:prep{version}"
    )


def superseded_ids(embedder_id: str) -> list[str]:
    """The other ids these Lite0 weights have had (every other pooling, augmentation and
    preprocessing version up to this one); any other embedder's id has none."""
    found = _ID.fullmatch(embedder_id)
    if found is None:
        return []
    ids = [
        lite0_id(found.group(1), pool, tta, version)
        for pool in get_args(Pooling)
        for tta in get_args(Tta)
        for version in range(1, PREP_VERSION + 1)
    ]
    return [i for i in ids if i != embedder_id]
