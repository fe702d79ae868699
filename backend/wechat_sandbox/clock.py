"""Time as WeChat writes it: stored in UTC, shown in Beijing time."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def wechat_time(moment: datetime) -> str:
    """yyyyMMddHHmmss, as in time_end / time_expire."""
    return moment.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S")


def wechat_datetime(moment: datetime) -> str:
    """yyyy-MM-dd HH:mm:ss, as in success_time and bills."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
