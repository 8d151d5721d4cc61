"""The session engine: queue, clusters, actions, journal and recovery. Knows nothing of HTTP."""
