"""GET /api/health: database, Redis and worker heartbeat."""
from __future__ import annotations

from datetime import datetime, timezone

from marshmallow import Schema, fields
from rq import Worker
from sqlalchemy import text

from ..extensions import db
from ..services import shipping
from ..services.context import deps
from .blueprint import Blueprint

blp = Blueprint("health", __name__, url_prefix="/api", description="运行状态")
# Workers renew their heartbeat every few seconds (jobs/worker.py WORKER_TTL): one silent for 30 s is gone.
WORKER_STALE_SECONDS = 30


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ok | degraded"})
    checks = fields.Dict(required=True, metadata={"description": "database / redis / worker: {ok, ...}"})
    wechat_platform = fields.Dict(allow_none=True)


@blp.get("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="有依赖不可用（degraded）")
def health():
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = {"ok": True}
    except Exception as exc:  # report, don't crash: this endpoint exists to say what is down
        checks["database"] = {"ok": False, "error": str(exc)[:200]}
    finally:
        db.session.rollback()
    try:
        connection = deps().jobs.connection
        connection.ping()
        checks["redis"] = {"ok": True}
        workers = Worker.all(connection=connection)
        now = datetime.now(timezone.utc)
        beats = [w.last_heartbeat.replace(tzinfo=timezone.utc) for w in workers if w.last_heartbeat]
        fresh = [b for b in beats if (now - b).total_seconds() < WORKER_STALE_SECONDS]
        checks["worker"] = {"ok": bool(fresh), "workers": len(fresh),
                            "last_heartbeat": max(beats).isoformat() if beats else None}
    except Exception as exc:
        checks["redis"] = {"ok": False, "error": str(exc)[:200]}
        checks["worker"] = {"ok": False, "error": "redis unreachable"}
    healthy = all(c["ok"] for c in checks.values())
    # Informational: whether WeChat manages our trades (shipping uploads and receipt in WeChat, W4/W5).
    wechat = shipping.platform_status() if checks["redis"]["ok"] else None
    return {"status": "ok" if healthy else "degraded", "checks": checks, "wechat_platform": wechat}, \
        200 if healthy else 503
