"""Background work on RQ: job functions (tasks), the worker and the periodic schedule."""
