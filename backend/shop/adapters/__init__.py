"""Adapters at the edges: WeChat, the job queue, Redis."""
