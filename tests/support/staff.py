"""A staff member driving the admin API through the Flask test client."""
from __future__ import annotations

DEMO_PASSWORD = "demo1234"
# role -> demo username (seeded by shop.cli.seed)
DEMO_USERS = {"admin": "admin", "supervisor": "supervisor", "customer_service": "service", "finance": "finance",
              "warehouse": "warehouse"}
ROLES = list(DEMO_USERS)


def login(client, username: str, password: str = DEMO_PASSWORD, ip: str = "10.0.0.1"):
    """From the address `ip` (the peer address: X-Forwarded-For is not believed without PROXY_COUNT)."""
    return client.post("/api/admin/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


class Staff:
    def __init__(self, client, role_or_username: str = "admin", password: str = DEMO_PASSWORD):
        self.client = client
        username = DEMO_USERS.get(role_or_username, role_or_username)
        reply = login(client, username, password)
        assert reply.status_code == 200, reply.get_json()
        self.token = reply.get_json()["token"]
        self.me = reply.get_json()["staff"]

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, method: str, path: str, json=None, query=None):
        return self.client.open(f"/api/admin{path}", method=method, json=json, query_string=query,
                                headers=self.headers, environ_base={"REMOTE_ADDR": "10.1.2.3"})

    def get(self, path, **query):
        return self.call("GET", path, query=query)

    def post(self, path, json=None):
        return self.call("POST", path, json=json)

    def put(self, path, json=None):
        return self.call("PUT", path, json=json)

    def patch(self, path, json=None):
        return self.call("PATCH", path, json=json)

    def ok(self, method: str, path: str, json=None, query=None, status: int = 200):
        reply = self.call(method, path, json=json, query=query)
        assert reply.status_code == status, (reply.status_code, reply.get_data(as_text=True)[:500])
        return reply.get_json()
