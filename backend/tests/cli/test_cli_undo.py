"""What `photosort undo` says and takes back: a stack is one action of N moves (its batch
lines and the folder it made are not moves), and skips before the first move are walked back
one at a time, as the reviewer's `z` does."""

from __future__ import annotations

from photosort.session import MovePlan


def test_undoing_a_stack_says_one_action_of_five_moves_and_counts_one_undo(
    cli, make_library, hash_of
):
    lib = make_library(clusters={"birds": 3}, loose=6)
    frames = lib.loose[:5]
    before = {i: hash_of(lib.source / i) for i in frames}
    s = lib.open()
    batch, moved, failed = s.grid_batch(
        [MovePlan(i, "", None) for i in frames], mode="stack", cluster="burst", create=True
    )
    assert len(moved) == 5 and failed == []
    s.close()

    r = cli("undo", lib.source)
    assert r.exit_code == 0, r.output
    assert f"undid 1 action (5 moves): batch {batch}" in r.stdout
    assert {i: hash_of(lib.source / i) for i in frames} == before
    r = cli("stats", lib.source)
    assert r.exit_code == 0, r.output
    assert [line.split() for line in r.stdout.splitlines() if "undone" in line] == [
        ["│", "undone", "│", "1", "│"]
    ]


def test_undo_walks_back_through_skips_before_the_first_move(cli, make_library, hash_of):
    lib = make_library(clusters={"birds": 3}, loose=4)
    s = lib.open()
    order = s.queue_items()
    first, second, filed = order[:3]
    s.skip(first)
    s.skip(second)
    s.assign(filed, "birds")
    s.close()
    r = cli("undo", lib.source, "--steps", 3)
    assert r.exit_code == 0, r.output
    lines = [line for line in r.stdout.splitlines() if line.startswith("undid")]
    assert [line.split("(")[1].split(")")[0] for line in lines] == [
        f"assign {filed}",
        f"skip {second}",
        f"skip {first}",
    ]
    again = lib.open()
    assert again.queue_items()[:3] == order[:3]  # the order before the skips
    assert again.stats()["skipped"] == 0 and again.stats()["processed"] == 0
    again.close()
