"""Upload storage (issue 15 item 3): the same contract for every backend — a local folder, the table in
the shop's database (SQLite and PostgreSQL) and S3, the last against moto's S3 server started here on
a free port — and the upload and serving routes through each of them."""
from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

import pytest
from PIL import Image

from shop.adapters.storage import DatabaseStorage, LocalStorage, S3Storage, StorageError, build_storage
from shop.extensions import db
from shop.services.uploads import STORAGE_KEY
from support.services import PG_ADMIN_URL, free_port
from support.shop import Shopper, image_bytes

BUCKET = "shop-uploads"


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 in server mode: real HTTP on a free port, so boto3 talks to it as to any S3."""
    from moto.server import ThreadedMotoServer
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    S3Storage(bucket=BUCKET, endpoint_url=endpoint, region="us-east-1", access_key_id="testing",
              secret_access_key="testing").client.create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def s3_storage(endpoint: str, prefix: str = "photos/") -> S3Storage:
    return S3Storage(bucket=BUCKET, endpoint_url=endpoint, region="us-east-1", access_key_id="testing",
                     secret_access_key="testing", prefix=prefix)


@pytest.fixture(scope="module")
def blob_engines(pg_url, tmp_path_factory):
    """The upload_blobs table on SQLite and on PostgreSQL, made from the model (the app's tests run
    the migration)."""
    from sqlalchemy import create_engine

    from shop.db.storage import UploadBlob
    engines = {"sqlite": create_engine(f"sqlite:///{tmp_path_factory.mktemp('blobs') / 'blobs.sqlite'}")}
    # PostgreSQL: a database of its own. The app's tests share theirs, whose migrated upload_blobs table this
    # fixture must neither create nor drop.
    name = f"shop_blobs_{os.getpid()}"
    if pg_url:
        import psycopg
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        engines["postgresql"] = create_engine(
            f"{PG_ADMIN_URL.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}")
    for engine in engines.values():
        UploadBlob.__table__.create(engine)
    yield engines
    for engine in engines.values():
        engine.dispose()
    if pg_url:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["local", "sqlite", "postgresql", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "uploads")
    if request.param == "s3":
        return s3_storage(request.getfixturevalue("s3_endpoint"), prefix=f"{tmp_path.name}/")
    engines = request.getfixturevalue("blob_engines")
    if request.param not in engines:
        pytest.skip("PostgreSQL unreachable")
    engine = engines[request.param]
    from shop.db.storage import UploadBlob
    with engine.begin() as conn:
        conn.execute(UploadBlob.__table__.delete())
    return DatabaseStorage(lambda: engine)


PHOTO = bytes(range(256)) * 1000 + b"\x00\xff"  # binary, with zero bytes, 256 kB


def test_what_is_put_is_got_back_byte_for_byte(storage):
    storage.put("7-abc.jpg", PHOTO)
    assert storage.get("7-abc.jpg") == PHOTO


def test_a_name_never_stored_reads_as_none(storage):
    assert storage.get("7-never.png") is None


def test_put_replaces_and_delete_forgets(storage):
    storage.put("7-a.png", b"first")
    storage.put("7-a.png", b"second")
    assert storage.get("7-a.png") == b"second"
    storage.delete("7-a.png")
    assert storage.get("7-a.png") is None
    storage.delete("7-a.png")  # nothing to forget: no error


def test_names_that_could_leave_the_storage_are_refused(storage):
    for name in ("../secret.png", "a/b.png", "", ".hidden", "x" * 81, "..png/..", "a\\b.png"):
        with pytest.raises(ValueError):
            storage.put(name, b"x")
        assert storage.get(name) is None


def test_names_are_kept_apart(storage):
    storage.put("1-x.png", b"one")
    storage.put("2-x.png", b"two")
    assert (storage.get("1-x.png"), storage.get("2-x.png")) == (b"one", b"two")


def test_the_setting_picks_the_backend(tmp_path, s3_endpoint):
    assert isinstance(build_storage({}, lambda: None, tmp_path), LocalStorage)
    assert isinstance(build_storage({"UPLOAD_STORAGE": "postgres"}, lambda: None, tmp_path), DatabaseStorage)
    s3 = build_storage({"UPLOAD_STORAGE": "s3", "UPLOAD_S3_BUCKET": BUCKET, "UPLOAD_S3_ENDPOINT_URL": s3_endpoint,
                        "UPLOAD_S3_REGION": "us-east-1", "UPLOAD_S3_ACCESS_KEY_ID": "testing",
                        "UPLOAD_S3_SECRET_ACCESS_KEY": "testing"}, lambda: None, tmp_path)
    assert isinstance(s3, S3Storage)
    with pytest.raises(ValueError):
        build_storage({"UPLOAD_STORAGE": "ftp"}, lambda: None, tmp_path)


def test_config_refuses_an_unknown_storage_or_s3_without_a_bucket():
    from shop.config import ConfigError, load_config
    assert load_config({})["UPLOAD_STORAGE"] == "local"
    with pytest.raises(ConfigError):
        load_config({"UPLOAD_STORAGE": "ftp"})
    with pytest.raises(ConfigError):
        load_config({"UPLOAD_STORAGE": "s3"})


# --- through the API -------------------------------------------------------------------------------


@pytest.fixture(params=["database", "s3"])
def shared_storage_app(request, app):
    """The app with its photos in the database or in S3 (what several API hosts use)."""
    if request.param == "database":
        app.extensions[STORAGE_KEY] = DatabaseStorage(lambda: db.engine)
    else:
        app.extensions[STORAGE_KEY] = s3_storage(request.getfixturevalue("s3_endpoint"), prefix="api/")
    yield app
    app.extensions.pop(STORAGE_KEY, None)


def test_a_photo_goes_through_the_shared_storage_and_is_served_from_it(shared_storage_app):
    client = shared_storage_app.test_client()
    alice = Shopper(client)
    reply = alice.upload(image_bytes())
    assert reply.status_code == 201, reply.get_json()
    name = urlsplit(reply.get_json()["url"]).path.rsplit("/", 1)[1]
    stored = shared_storage_app.extensions[STORAGE_KEY].get(name)
    assert stored is not None
    # Nothing on this host's disk: another host serves it from the same storage.
    assert not (os.path.exists(os.path.join(shared_storage_app.config["UPLOAD_DIR"], name)))
    served = client.get(urlsplit(reply.get_json()["url"]).path)
    assert served.status_code == 200
    assert served.data == stored and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.data)).size == (40, 30)
    assert client.get("/api/mp/uploads/1-doesnotexist.png").status_code == 404


def test_an_unreachable_storage_answers_503_not_500(app):
    app.extensions[STORAGE_KEY] = S3Storage(bucket=BUCKET, endpoint_url=f"http://127.0.0.1:{free_port()}",
                                            region="us-east-1", access_key_id="x", secret_access_key="x",
                                            timeout=1)
    try:
        client = app.test_client()
        reply = Shopper(client).upload(image_bytes())
        assert reply.status_code == 503 and reply.headers["Retry-After"] == "5"
        assert reply.get_json()["error"]["code"] == "SERVICE_UNAVAILABLE"
        assert client.get("/api/mp/uploads/1-abc.png").status_code == 503
    finally:
        app.extensions.pop(STORAGE_KEY, None)
    with pytest.raises(StorageError):
        S3Storage(bucket=BUCKET, endpoint_url=f"http://127.0.0.1:{free_port()}", access_key_id="x",
                  secret_access_key="x", region="us-east-1", timeout=1).get("1-abc.png")
