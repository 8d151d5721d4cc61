"""Auto-move over the whole queue: the estimate the reviewer tunes the rule with, the dry run,
and the real run (journaled as one batch by `Session.auto_batch`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from photosort.errors import Conflict, nothing_moved
from photosort.session import MovePlan, Session
from photosort.suggest.automove import rules
from photosort.suggest.indexing.vectors import QueueTop, VectorIndex
from photosort.suggest.ranking import guarantee
from photosort.suggest.ranking.confidence import MIN_DECISIONS, ConfidenceModel, Recommendation
from photosort.suggest.ranking.confidence import Estimate as Precision
from photosort.suggest.ranking.decisions import DecisionLog
from photosort.suggest.results import AutoMoveResult, Estimate, MovedItem


class AutoMover:
    def __init__(
        self,
        session: Session,
        vectors: VectorIndex,
        decisions: DecisionLog,
        top: Callable[[Sequence[str]], QueueTop] | None = None,
    ) -> None:
        self.session = session
        self.vectors = vectors
        self.decisions = decisions
        # first suggestions as the reviewer sees them (clusters rejected in a grid demoted)
        self.top = top or vectors.queue_top

    def _select(
        self, rule: rules.Rule, *, everything: bool = True
    ) -> tuple[list[str], QueueTop, NDArray[np.bool_], int]:
        """The queue, its first suggestions, which of them clear `rule`, and how many were
        held back because a reviewer has them open."""
        items = self.session.queue_items() if everything else []
        top = self.top(items)
        held = self.vectors.locate(top, items, self.session.viewed_items())
        mask, kept = rules.select(top, rule, self.vectors.counts(), held)
        return items, top, mask, kept

    def estimate(
        self, threshold: float | None, min_samples: int | None, min_margin: float | None
    ) -> Estimate:
        settings = self.session.settings
        model = self.decisions.model()
        resolved = rules.resolve_rule(settings, model, threshold, min_samples, min_margin)
        rule, rec = resolved.rule, resolved.recommendation
        _, top, mask, held = self._select(rule, everything=not settings.manual_only)
        count = int(mask.sum())
        est = model.estimate(rule.threshold, rule.min_margin)
        bound = model.lower_bound(rule.threshold, rule.min_margin)
        return {
            "threshold": rule.threshold,
            "min_samples": rule.min_samples,
            "min_margin": rule.min_margin,
            "count": count,
            "estimated_precision": est.precision,
            "precision_bound": round(bound, 4) if bound is not None else None,
            "decisions": est.decisions,
            "recommended_threshold": rec.threshold if rec else None,
            "recommended_min_margin": rec.min_margin if rec else None,
            "recommended_support": rec.support if rec else None,
            "confidence_level": 1.0 - guarantee.DELTA,
            "evidence_needed": guarantee.needed(settings.target_precision),
            "target_precision": settings.target_precision,
            "enough_evidence": model.enough,
            "guaranteed": _guaranteed(rule, rec),
            "message": _message(model, est, count, rec, settings.target_precision),
            "histogram": rules.histogram(top.score),
            "skipped_viewing": held,
        }

    def run(
        self,
        threshold: float | None,
        min_samples: int | None,
        min_margin: float | None,
        *,
        dry_run: bool,
        reviewer: str,
    ) -> AutoMoveResult:
        model = self.decisions.model()
        resolved = rules.resolve_rule(
            self.session.settings, model, threshold, min_samples, min_margin
        )
        if resolved.source == "fallback":
            raise _no_rule(model, self.session.settings.target_precision)
        rule = resolved.rule
        items, top, mask, held = self._select(rule)
        chosen = rules.chosen(items, top, mask)
        est = model.estimate(rule.threshold, rule.min_margin)
        result: AutoMoveResult = {
            "batch": None,
            "dry_run": dry_run,
            "count": len(chosen),
            "per_cluster": rules.per_cluster(chosen),
            "items": chosen,
            "threshold": rule.threshold,
            "min_samples": rule.min_samples,
            "min_margin": rule.min_margin,
            "estimated_precision": est.precision,
            "decisions": est.decisions,
            "skipped_viewing": held,
            "failed": [],
        }
        if dry_run or not chosen:
            return result  # an empty batch would be a journal line that undoes nothing
        header = {
            "threshold": rule.threshold,
            "min_samples": rule.min_samples,
            "min_margin": rule.min_margin,
            "count": len(chosen),
            "estimated_precision": est.precision,
        }
        plans = [_plan(c, model) for c in chosen]
        batch, moved, failed = self.session.auto_batch(plans, rule=header, reviewer=reviewer)
        if failed and not moved:
            raise nothing_moved("auto-move", failed)
        result["failed"] = [{"item": f["item"], "reason": f["reason"]} for f in failed]
        moved_items = {r["item"] for r in moved}
        done = [c for c in chosen if c["item"] in moved_items]
        result["batch"] = batch
        result["count"] = len(moved)
        result["items"] = done
        result["per_cluster"] = rules.per_cluster(done)
        return result


def _guaranteed(rule: rules.Rule, rec: Recommendation | None) -> bool:
    """Whether `rule` is the recommended one or stricter in both threshold and margin, so
    the precision the evidence guarantees holds for what it moves."""
    if rec is None:
        return False
    return rule.threshold >= rec.threshold and rule.min_margin >= rec.min_margin


def _no_rule(model: ConfidenceModel, target: float) -> Conflict:
    """Why a run without a threshold has no rule to follow."""
    if not model.enough:
        return Conflict(
            f"not enough reviewed decisions to recommend a threshold yet "
            f"({len(model.decisions)} so far): file a few more photos by hand, "
            f"or give a threshold"
        )
    return Conflict(
        f"the evidence cannot support {target:.0%} precision yet, so no threshold is "
        f"recommended: confirm more photos (a grid adds many at once), or give one"
    )


def _plan(c: MovedItem, model: ConfidenceModel) -> MovePlan:
    """The move, with what the suggestion said journaled beside it (as a manual filing has)."""
    shown = {
        "suggested": [{"cluster": c["cluster"], "score": round(c["score"], 4)}],
        "margin": round(c["margin"], 4),
        "confidence": model.confidence(c["score"], c["margin"]),
    }
    return MovePlan(c["item"], "", c["cluster"], shown)


def _message(
    model: ConfidenceModel, est: Precision, count: int, rec: Recommendation | None, target: float
) -> str:
    """Plain words: what moves, what is estimated, and whether the target is guaranteed."""
    level = f"{1.0 - guarantee.DELTA:.0%}"
    if not model.enough:
        return (
            f"{len(model.decisions)} reviewed decisions so far; an estimate needs "
            f"at least {MIN_DECISIONS} filed with suggestions on screen"
        )
    if rec is None:
        promise = (
            f"the evidence cannot support {target:.0%} precision yet, so nothing is "
            f"recommended: a rule needs at least {guarantee.needed(target)} decisions reviewed "
            f"one by one since the last auto-move that it covers (above its threshold, or "
            f"leading the runner-up by its margin), nearly all right, to be guaranteed at "
            f"{level} confidence"
        )
    else:
        promise = (
            f"the recommended rule reaches {target:.0%} precision with {level} confidence "
            f"({rec.support} reviewed decisions, {rec.wrong} wrong)"
        )
    if est.precision is None:
        return f"no reviewed decision scored this high yet: no estimate here; {promise}"
    return (
        f"at this threshold: {count} photos would move, estimated precision "
        f"{est.precision:.0%} (from {est.support} of {est.decisions} reviewed decisions); "
        f"{promise}"
    )
