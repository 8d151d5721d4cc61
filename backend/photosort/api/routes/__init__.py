"""The HTTP routes, one module per area; each holds a `router` that `api/app.py` mounts."""
