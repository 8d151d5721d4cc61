"""What the estimate says about the auto-move promise, on real photos and the real embedder."""

from __future__ import annotations

from typing import Any

import pytest

from photosort.errors import Conflict
from photosort.ml.efficientnet import EfficientNetLite0Embedder
from photosort.suggest.protocol import shown_suggestions
from photosort.suggest.ranking import guarantee
from photosort.suggest.service import SuggestionService


def test_few_decisions_promise_nothing_and_say_so(
    make_library: Any, effnet: EfficientNetLite0Embedder
):
    session = make_library(clusters={"birds": 5, "coins": 5, "flowers": 5}, loose=14).open()
    service = SuggestionService(session, lambda: (effnet, "test"), batch_size=8)
    service.load_embedder()
    service.index_pending()
    for _ in range(12):
        item = session.queue_items()[0]
        suggested, confidence = shown_suggestions(service, item)
        session.assign(item, suggested[0]["cluster"], suggested=suggested, confidence=confidence)
    est = service.estimate(-1.0, 1, 0.0)
    assert est["enough_evidence"] is True
    # 12 decisions can never show 97% at 90% confidence: nothing is recommended, in words
    assert est["recommended_threshold"] is None and est["recommended_support"] is None
    assert "cannot support 97% precision yet" in est["message"]
    assert est["evidence_needed"] == guarantee.needed(0.97) > 12
    assert est["confidence_level"] == pytest.approx(0.9)
    # the bound for the slider's rule sits below the point estimate
    assert est["precision_bound"] is not None and est["estimated_precision"] is not None
    assert est["precision_bound"] < est["estimated_precision"]
    with pytest.raises(Conflict, match="cannot support 97% precision"):
        service.auto_move(dry_run=True)
    service.close()
    session.close()
