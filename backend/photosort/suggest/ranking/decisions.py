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
        self._upto = 0  # seq of the newest journal line already read
        self._model: tuple[tuple[int, frozenset[int]], ConfidenceModel] | None = None

    def model(self) -> ConfidenceModel:
        """The model over the decisions not undone; new journal lines are read once, never
        the whole journal per call."""
        with self._lock:
            fresh = self.session.records_since(self._upto)
            if fresh:
                self._decisions.extend(decisions_with_seq(fresh))
                self._upto = fresh[-1]["seq"]
            undone = self.session.undone_seqs()
            key = (len(self._decisions), undone)
            if self._model is None or self._model[0] != key:
                model = ConfidenceModel([d for seq, d in self._decisions if seq not in undone])
                self._model = (key, model)
            return self._model[1]
