"""services/auth.read_token remembers a checked signature (issue 13), never the token's age or the shopper's
standing: an old token expires on time, a forged one is refused, a revoked one is refused by the database."""
import pytest

from shop.domain.errors import DomainError, ErrorCode
from shop.services import auth
from support.shop import Shopper


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


def test_a_logged_out_token_is_refused_though_its_signature_is_remembered(client):
    alice = Shopper(client)
    assert alice.get("/orders").status_code == 200
    assert alice.post("/auth/logout").status_code == 204
    reply = alice.get("/orders")
    assert reply.status_code == 401 and reply.get_json()["error"]["message"] == "登录已失效，请重新登录"
