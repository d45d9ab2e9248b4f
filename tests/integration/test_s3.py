"""Papers through the real django-storages S3 backend against moto's S3 server on loopback:
the bucket stays private, and the portal hands a file only to those allowed to have it."""

import urllib.error
import urllib.request

import boto3
import pytest

from papers import services
from papers.models import Paper
from tests.factories import EditorFactory, PublisherFactory
from tests.files import pdf_bytes, upload

from .conftest import S3_CREDENTIALS

BUCKET = "a4ep-papers-test"


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **S3_CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
            },
        },
    }
    yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db
def test_paper_file_on_s3_is_private_until_published_and_after_withdrawal(
    bucket, s3_endpoint, client, settings
):
    editor, publisher, other_publisher = EditorFactory(), PublisherFactory(), PublisherFactory()
    content = pdf_bytes(pages=3)
    paper = Paper(title="Solidarity and diversity", slug="solidarity", body="Text.")
    paper.pdf = upload("Our paper FINAL.pdf", content, "application/pdf")
    services.save_item(paper, actor=editor, created=True)

    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [paper.pdf.name]
    assert paper.pdf.name.startswith("private/papers/")
    unsigned = f"{s3_endpoint}/{BUCKET}/{paper.pdf.name}"
    assert _status(unsigned) == 403
    assert client.get("/papers/solidarity/pdf/").status_code == 404

    services.move(paper, "submit", actor=editor)
    services.move(paper, "approve", actor=publisher)
    assert client.get("/papers/solidarity/pdf/").status_code == 404
    services.move(paper, "publish", actor=other_publisher)

    # Streamed through the portal, with our headers; the bucket itself stays private.
    response = client.get("/papers/solidarity/pdf/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="solidarity.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content
    assert _status(unsigned) == 403

    # Or, when configured, a short-lived signed URL that names the file cleanly.
    settings.STORAGE_SIGNED_URLS = True
    response = client.get("/papers/solidarity/pdf/")
    assert response.status_code == 302
    signed = response["Location"]
    assert signed.startswith(f"{s3_endpoint}/{BUCKET}/private/papers/")
    assert "Signature=" in signed or "X-Amz-Signature=" in signed
    with urllib.request.urlopen(signed, timeout=5) as download:
        assert download.read() == content
        assert download.headers["Content-Disposition"] == 'attachment; filename="solidarity.pdf"'
        assert download.headers["Content-Type"] == "application/pdf"

    services.move(paper, "withdraw", actor=publisher)
    assert client.get("/papers/solidarity/pdf/").status_code == 404
    assert client.get("/papers/solidarity/").status_code == 404
    assert _status(unsigned) == 403
