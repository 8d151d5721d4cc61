"""What drives a session with suggestions: indexing, centroids, confidence and auto-move.

This layer sits above `session/` (which it reads and acts on through `Session`'s public API)
and `ml/` (the embedders and their cache); nothing below imports it. `service.py` wires the
parts together; `protocol.py` is the seam the API talks to.
"""
