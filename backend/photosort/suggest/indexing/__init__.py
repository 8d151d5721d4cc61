"""Getting every photo a vector and keeping the scores current: the order photos are embedded
in, the decode-and-infer pipeline, the vector index with its centroids and score table, and
the warmer that refreshes scores while the reviewer pauses."""
