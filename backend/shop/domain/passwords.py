"""Staff password rules (issue 14), for passwords set through the API.

The sandbox's seeded demo accounts keep `demo1234`; production refuses to start while any
account still has a default password (services/production_checks.py).
"""
from __future__ import annotations

MIN_LENGTH = 10
# The most used passwords that are 10 characters or longer, and this shop's own defaults.
COMMON = frozenset("""
1234567890 0123456789 12345678910 1111111111 0000000000 1234512345 1122334455 1234554321
1q2w3e4r5t qwertyuiop qwerty1234 1qaz2wsx3edc 1qazxsw23edc qazwsxedcrfv asdfghjkl1 zxcvbnm123
password12 password123 password1234 passw0rd123 p@ssw0rd123 iloveyou12 abcd123456 abc1234567
a123456789 aa12345678 aa123456789 qq123456789 woaini1314 woaini520 5201314520 1314520520
admin12345 admin123456 administrator demo123456 demo1234demo changeme123 welcome123 letmein123
""".split())


def password_problem(password: str | None, username: str = "") -> str | None:
    """Why this password may not be used (Chinese, for the form), or None when it is acceptable."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位"
    lowered = password.lower()
    if lowered in COMMON or len(set(password)) < 4 or (username and username.lower() in lowered):
        return "密码过于常见或容易猜到，请换一个"
    return None
