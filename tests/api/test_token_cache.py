"""services/auth.read_token remembers a checked signature (issue 13), never the token's age or the shopper's
standing: an old token expires on time, a forged one is refused (a revoked one is refused by the database:
test_security.test_logout_revokes_the_shoppers_tokens_on_the_server, test_shopper_reads)."""
import pytest

from shop.domain.errors import DomainError, ErrorCode
from shop.services import auth


def test_a_remembered_token_still_expires_and_a_forged_one_is_still_refused(app, monkeypatch):
    token = auth.issue_token("shopper", 7, v=0)
    checks = []
    real_signer = auth._signer
    monkeypatch.setattr(auth, "_signer", lambda kind: checks.append(kind) or real_signer(kind))
    assert auth.read_token("shopper", token, 60)["sub"] == 7
    assert auth.read_token("shopper", token, 60) == {"sub": 7, "v": 0}
    assert checks == ["shopper"]  # the signature was checked once
    with pytest.raises(DomainError) as refused:  # the same token for another kind of user: checked, refused
        auth.read_token("staff", token, 60)
    assert refused.value.code == ErrorCode.UNAUTHORIZED
    now = auth.time.time()
    monkeypatch.setattr(auth.time, "time", lambda: now + 61)
    with pytest.raises(DomainError) as expired:
        auth.read_token("shopper", token, 60)
    assert expired.value.code == ErrorCode.TOKEN_EXPIRED
    assert auth.read_token("shopper", token, 3600)["sub"] == 7  # a longer allowance: still good
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(DomainError) as bad:
        auth.read_token("shopper", forged, 3600)
    assert bad.value.code == ErrorCode.UNAUTHORIZED

