import io
from urllib.parse import urlsplit

from PIL import Image

from support.shop import Shopper, image_bytes

PNG = image_bytes()


def test_a_photo_is_uploaded_and_served_back(client):
    alice = Shopper(client)
    reply = client.post("/api/mp/uploads", headers=alice.headers,
                        data={"file": (io.BytesIO(PNG), "evidence.png")}, content_type="multipart/form-data")
    assert reply.status_code == 201
    url = reply.get_json()["url"]
    assert url.endswith(".png") and "/api/mp/uploads/" in url
    served = client.get(urlsplit(url).path)
    assert served.status_code == 200
    assert Image.open(io.BytesIO(served.data)).size == (40, 30)


def test_a_file_that_is_not_an_image_is_refused(client):
    alice = Shopper(client)
    reply = client.post("/api/mp/uploads", headers=alice.headers,
                        data={"file": (io.BytesIO(b"#!/bin/sh\nrm -rf /"), "photo.png")},
                        content_type="multipart/form-data")
    assert reply.status_code == 422
    assert reply.get_json()["error"]["message"] == "只支持 jpg、png、webp、gif 图片"


def test_uploading_needs_a_logged_in_shopper(client):
    reply = client.post("/api/mp/uploads", data={"file": (io.BytesIO(PNG), "a.png")},
                        content_type="multipart/form-data")
    assert reply.status_code == 401
