"""HTTP layer: FastAPI routers only; every decision lives in the domain packages."""
