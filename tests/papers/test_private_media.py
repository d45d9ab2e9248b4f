"""Private files (papers, audio, captions under private/) never come from the development
media route, however the address is spelt: asked over HTTP of `manage.py runserver` in debug,
as `make run` serves them, with the public folder beside them still served."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from a4ep_portal.files import is_public_media

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = b"%PDF-1.4 a draft nobody may read"
PUBLIC = b"a speaker's photo"

# Every spelling of private/papers/draft.pdf a path normaliser might turn back into it.
PRIVATE_SPELLINGS = [
    "/media/private/papers/draft.pdf",
    "/media//private/papers/draft.pdf",
    "/media///private/papers/draft.pdf",
    "/media/./private/papers/draft.pdf",
    "/media/%2e/private/papers/draft.pdf",
    "/media/%2E/private/papers/draft.pdf",
    "/media/x/../private/papers/draft.pdf",
    "/media/x/%2e%2e/private/papers/draft.pdf",
    "/media/speakers/../private/papers/draft.pdf",
    "/media/%2fprivate/papers/draft.pdf",
    "/media/%2Fprivate%2Fpapers%2Fdraft.pdf",
    "/media/private%2fpapers/draft.pdf",
    "/media/%5cprivate/papers/draft.pdf",
    "/media/x%5c..%5cprivate/papers/draft.pdf",
    "/media/.%2fprivate/papers/draft.pdf",
    "/media/%252e/private/papers/draft.pdf",
    "/media/PRIVATE/papers/draft.pdf",
    "/media/Private/papers/draft.pdf",
    "/media/private/papers/./draft.pdf",
    "/media/%2e%2e/media/private/papers/draft.pdf",
    "/media/speakers/..%2f..%2fmedia/private/papers/draft.pdf",
    "/media/private/papers/draft.pdf%00.jpg",
    "/media/escape/papers/draft.pdf",
    "//media/private/papers/draft.pdf",
    "/./media/private/papers/draft.pdf",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def debug_server(tmp_path):
    """`manage.py runserver` in debug, serving a MEDIA_ROOT with a private paper, a public
    photo, and a link from the public side into private/."""
    media = tmp_path / "media"
    (media / "private" / "papers").mkdir(parents=True)
    (media / "private" / "papers" / "draft.pdf").write_bytes(SECRET)
    (media / "speakers").mkdir()
    (media / "speakers" / "photo.jpg").write_bytes(PUBLIC)
    (media / "escape").symlink_to(media / "private")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_DEBUG="true",
        MEDIA_ROOT=str(media),
        MEDIA_URL="/media/",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("runserver did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(port: int, path: str) -> tuple[int, bytes]:
    """The path exactly as written: http.client neither normalises nor re-encodes it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_debug_media_route_never_serves_a_private_file(debug_server):
    assert _get(debug_server, "/media/speakers/photo.jpg") == (200, PUBLIC)
    served = {}
    for path in PRIVATE_SPELLINGS:
        status, body = _get(debug_server, path)
        assert SECRET not in body, path
        served[path] = status
    assert served == dict.fromkeys(PRIVATE_SPELLINGS, 404)


@pytest.mark.parametrize(
    ("path", "public"),
    [
        ("speakers/photo.jpg", True),
        ("speakers/sub/photo.jpg", True),
        ("private/papers/a.pdf", False),
        ("Private/papers/a.pdf", False),
        ("PRIVATE/papers/a.pdf", False),
        ("/private/papers/a.pdf", False),
        ("./private/papers/a.pdf", False),
        ("x/../private/papers/a.pdf", False),
        ("speakers//photo.jpg", False),
        ("speakers\\..\\private\\a.pdf", False),
        ("speakers/photo.jpg\x00", False),
        ("", False),
    ],
)
def test_only_canonical_public_names_count_as_public(path, public):
    assert is_public_media(path) is public
