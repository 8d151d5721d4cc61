"""Which of the reviewer's decisions the auto-move guarantee stands on, read from a real
session's journal: decisions filed one by one count, until an auto-move changes the queue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from photosort.session import MovePlan, Session
from photosort.suggest.ranking import guarantee
from photosort.suggest.ranking.decisions import DecisionLog

TARGET = 0.97


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    for cluster in ("birds", "coins"):
        (tmp_path / cluster).mkdir()
        Image.new("RGB", (8, 8), (200, 10, 10)).save(tmp_path / cluster / "seed.jpg")
    for i in range(260):
        Image.new("RGB", (8, 8), (i % 256, i // 256, 7)).save(tmp_path / f"IMG_{i:04d}.jpg")
    s = Session(tmp_path)
    yield s
    s.close()


def file_by_hand(session: Session, n: int) -> None:
    """File the head of the queue n times, the first suggestion right and leading clearly."""
    for _ in range(n):
        item = session.queue_items(0, 1)[0]
        shown = [{"cluster": "birds", "score": 0.8}, {"cluster": "coins", "score": 0.6}]
        session.assign(item, "birds", suggested=shown, confidence=0.9)


def test_an_auto_move_starts_the_guarantees_evidence_afresh(session: Session):
    log = DecisionLog(session)
    file_by_hand(session, guarantee.needed(TARGET))
    assert log.model().recommend(TARGET) is not None
    # an auto-move takes the photos the rule covered: what the rule covers next is another
    # population, so the decisions before it no longer vouch for the rule
    plans = [MovePlan(i, "", "birds") for i in session.queue_items(0, 5)]
    batch, moved, _ = session.auto_batch(plans, rule={"threshold": 0.5}, reviewer="auto")
    assert len(moved) == 5
    model = log.model()
    assert model.enough and model.recommend(TARGET) is None
    assert model.estimate(0.5).support == guarantee.needed(TARGET)  # still shown as evidence
    # undoing the batch gives the decisions their weight back
    session.undo(batch=batch)
    assert log.model().recommend(TARGET) is not None
    session.auto_batch(plans, rule={"threshold": 0.5}, reviewer="auto")
    assert log.model().recommend(TARGET) is None
    file_by_hand(session, guarantee.needed(TARGET) - 1)
    assert log.model().recommend(TARGET) is None
    file_by_hand(session, 1)
    rec = log.model().recommend(TARGET)
    assert rec is not None and rec.support == guarantee.needed(TARGET)
