"""The reviewer's manual decisions, read from the journal as it grows, and the confidence
model over them (rebuilt only when a decision was added or an undo changed which count)."""

from __future__ import annotations

import threading

from photosort.session import Session
from photosort.suggest.ranking.confidence import ConfidenceModel, Decision, decisions_with_seq


class DecisionLog:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._lock = threading.Lock()
        self._decisions: list[tuple[int, Decision]] = []
        self._auto: list[int] = []  # seqs of the photos auto-moved
        self._upto = 0  # seq of the newest journal line already read
        self._model: tuple[tuple[int, int, frozenset[int]], ConfidenceModel] | None = None

    def model(self) -> ConfidenceModel:
        """The model over the decisions not undone; new journal lines are read once, never
        the whole journal per call."""
        with self._lock:
            fresh = self.session.records_since(self._upto)
            if fresh:
                self._decisions.extend(decisions_with_seq(fresh))
                self._auto.extend(
                    r["seq"] for r in fresh if r.get("type") == "assign" and r.get("by") == "auto"
                )
                self._upto = fresh[-1]["seq"]
            undone = self.session.undone_seqs()
            key = (len(self._decisions), len(self._auto), undone)
            if self._model is None or self._model[0] != key:
                kept = [(seq, d) for seq, d in self._decisions if seq not in undone]
                moved = max((s for s in self._auto if s not in undone), default=0)
                since = sum(1 for seq, _ in kept if seq < moved)
                model = ConfidenceModel([d for _, d in kept], since_auto_move=since)
                self._model = (key, model)
            return self._model[1]
