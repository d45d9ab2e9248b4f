"""The scale-out claim on one machine: two web nodes (gunicorn, production settings) and two
Celery workers share one PostgreSQL, one Redis and one bucket (moto's S3 server), and nothing
a visitor does depends on which node answers.

Production marks the session and CSRF cookies Secure. Python's cookie jar (so requests) keeps
such cookies but never sends them over plain http, and the nodes here speak plain http on
loopback; so the test's Browser sends the cookies back itself, as browsers do for localhost.
The cookies are exactly what production sets.
"""

import collections
import re
import threading
import time
import uuid
from datetime import timedelta

import boto3
import pytest
import requests
from django.utils import timezone

from a4ep_portal.workflow import State
from members.models import Mailing, MailKind, Member, User
from members.services import send_mailing
from papers.models import Paper
from tests.factories import (
    DialogueFactory,
    EditorFactory,
    PublisherFactory,
    RegistrationFactory,
)
from tests.files import pdf_bytes

from .conftest import (
    S3_CREDENTIALS,
    Browser,
    Child,
    Node,
    celery_worker_command,
    csrf_token,
    is_up,
    log_in,
    person,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

STARTUP_SECONDS = 30


class Cluster:
    def __init__(self, nodes: list[Node], workers: list[Child], bucket: str, s3) -> None:
        self.a, self.b = nodes
        self.workers = workers
        self.bucket = bucket
        self.s3 = s3

    def children(self) -> list[Child]:
        return [self.a, self.b, *self.workers]

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        pending = [*self.children()]
        while pending:
            for child in list(pending):
                if child.process.poll() is not None:
                    pytest.fail(f"{child.name} exited with {child.process.returncode}")
                if is_up(child):
                    pending.remove(child)
            if time.monotonic() > deadline:
                pytest.fail(f"not up after {STARTUP_SECONDS} s: {[c.name for c in pending]}")
            time.sleep(0.2)


@pytest.fixture
def cluster(
    request, child_env, s3_endpoint, static_root, smtp_server, settings, tmp_path, transactional_db
) -> Cluster:
    """Two web nodes and two workers (one queue of their own), stopped after the test; their
    logs are printed, which pytest shows when the test failed."""
    bucket = f"a4ep-scale-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **S3_CREDENTIALS)
    s3.create_bucket(Bucket=bucket)
    env = {
        **child_env,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "scale-out-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "STATIC_ROOT": str(static_root),
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": S3_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS["aws_secret_access_key"],
        "LOG_LEVEL": "WARNING",
    }
    queue = f"test-{uuid.uuid4().hex}"
    # Mail goes to the cluster's own queue, from the nodes and from this test process alike.
    env["MAIL_QUEUE"] = settings.MAIL_QUEUE = queue
    env["MAIL_BATCH_SIZE"] = "50"
    children: list[Child] = []

    def stop() -> None:
        for child in children:
            child.stop()
        for child in children:
            print(f"--- {child.name} log ---\n{child.log()}")
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)

    request.addfinalizer(stop)
    nodes = []
    for name in ("node-a", "node-b"):
        nodes.append(Node(name, env, tmp_path / f"{name}.log"))
        children.append(nodes[-1])
    workers = []
    for name in ("worker-1", "worker-2"):
        command = celery_worker_command(queue, f"{name}-{queue}", "INFO")
        workers.append(Child(name, command, env, tmp_path / f"{name}.log"))
        children.append(workers[-1])
    cluster = Cluster(nodes, workers, bucket, s3)
    cluster.smtp = smtp_server
    cluster.wait_until_up()
    return cluster


def test_member_logs_in_on_node_a_and_continues_on_node_b(cluster):
    member = person(email="amina@example.org", first_name="Amina")
    dialogue = DialogueFactory(title="Who holds the money?")
    RegistrationFactory(dialogue=dialogue, member=member.member)
    client = Browser()

    log_in(client, cluster.a, member)
    session_key = client.cookies["sessionid"]

    response = client.get(f"{cluster.b.url}/me/dialogues/")
    assert response.status_code == 200
    assert "Who holds the money?" in response.text
    assert client.cookies["sessionid"] == session_key
    # The same cookie without the login is sent to log in (so B did not simply let anyone in).
    anonymous = requests.get(f"{cluster.b.url}/me/dialogues/", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/accounts/login/")


def _management_forms(page: str) -> dict[str, str]:
    return dict(
        re.findall(r'name="([^"]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d+)"', page)
    )


def _move(client: Browser, node: Node, paper: Paper, move: str) -> None:
    change = client.get(f"{node.url}/admin/papers/paper/{paper.pk}/change/")
    assert f'value="{move}"' in change.text
    response = client.post(
        f"{node.url}/admin/papers/paper/{paper.pk}/move/",
        data={"move": move, "note": "", "csrfmiddlewaretoken": csrf_token(change.text)},
    )
    assert response.status_code == 302


def test_paper_uploaded_through_node_a_downloads_through_node_b(cluster):
    editor = person(EditorFactory, first_name="Edith")
    publisher = person(PublisherFactory, first_name="Pablo")
    content = pdf_bytes(pages=2)
    editing = Browser()
    log_in(editing, cluster.a, editor)

    add = editing.get(f"{cluster.a.url}/admin/papers/paper/add/")
    assert add.status_code == 200
    response = editing.post(
        f"{cluster.a.url}/admin/papers/paper/add/",
        data={
            **_management_forms(add.text),
            "csrfmiddlewaretoken": csrf_token(add.text),
            "title_en": "Solidarity across borders",
            "slug": "solidarity-across-borders",
            "kind": "discussion",
            "language": "en",
            "abstract_en": "What partners owe each other.",
            "body": "",
            "audience": "public",
        },
        files={"pdf": ("Final paper (2).pdf", content, "application/pdf")},
    )
    assert response.status_code == 302, response.text[-2000:]
    paper = Paper.objects.get(slug="solidarity-across-borders")
    keys = [item["Key"] for item in cluster.s3.list_objects_v2(Bucket=cluster.bucket)["Contents"]]
    assert keys == [paper.pdf.name]
    assert paper.pdf.name.startswith("private/papers/")

    _move(editing, cluster.a, paper, "submit")
    publishing = Browser()
    log_in(publishing, cluster.b, publisher)
    _move(publishing, cluster.b, paper, "approve")
    _move(publishing, cluster.b, paper, "publish")
    paper.refresh_from_db()
    assert paper.state == "published"

    visitor = requests.Session()
    page = visitor.get(f"{cluster.b.url}/papers/solidarity-across-borders/", timeout=10)
    assert page.status_code == 200
    assert "Solidarity across borders" in page.text
    download = visitor.get(f"{cluster.b.url}/papers/solidarity-across-borders/pdf/", timeout=10)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.content == content


def test_when_node_a_is_killed_node_b_keeps_serving(cluster):
    dialogue = DialogueFactory(
        title="Localisation after the pandemic",
        starts_at=timezone.now() + timedelta(days=3),
    )
    paths = ["/", "/dialogues/", dialogue.get_absolute_url(), "/papers/", "/readyz"]
    results: dict[str, list[tuple[float, str, int | str]]] = {"a": [], "b": []}
    stop = threading.Event()

    def traffic(name: str, node: Node) -> None:
        client = requests.Session()
        while not stop.is_set():
            for path in paths:
                try:
                    status = client.get(f"{node.url}{path}").status_code
                except requests.RequestException as error:
                    status = type(error).__name__
                results[name].append((time.monotonic(), path, status))

    threads = [
        threading.Thread(target=traffic, args=("a", cluster.a)),
        threading.Thread(target=traffic, args=("b", cluster.b)),
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        killed_at = time.monotonic()
        cluster.a.kill()
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    before = [status for at, _path, status in results["a"] if at < killed_at]
    after = [status for at, _path, status in results["a"] if at > killed_at + 0.5]
    assert before and set(before) == {200}
    assert after and 200 not in after  # node A is really gone
    assert results["b"] and {status for _at, _path, status in results["b"]} == {200}
    served_after = [path for at, path, _status in results["b"] if at > killed_at]
    assert served_after.count("/readyz") >= 3
    assert set(served_after) == set(paths)


def test_a_mailing_to_2000_members_is_split_across_both_workers_each_member_once(cluster):
    users = User.objects.bulk_create(
        User(email=f"member{n:04}@example.org", first_name=f"M{n}", password="!")
        for n in range(2000)
    )
    # bulk_create sends no post_save signal, so the profiles are made here.
    Member.objects.bulk_create(Member(user=user, wants_invitations=True) for user in users)
    mailing = Mailing.objects.create(
        kind=MailKind.INVITATION,
        subject="Dialogue 6 is announced",
        body="Dear {{ first_name }}, registration is open.",
        audience=Mailing.Audience.ALL_MEMBERS,
        state=State.APPROVED,
    )

    send_mailing(mailing)

    deadline = time.monotonic() + 120
    while mailing.deliveries.filter(status__in=["queued", "sending"]).exists():
        for worker in cluster.workers:
            assert worker.process.poll() is None, f"{worker.name} died"
        assert time.monotonic() < deadline, "the mailing did not finish in 120 s"
        time.sleep(0.2)
    received = collections.Counter(
        rcpt for rcpts, _content in cluster.smtp.messages for rcpt in rcpts
    )
    assert set(received) == {user.email for user in users}
    assert max(received.values()) == 1
    assert mailing.deliveries.filter(status="sent").count() == 2000
    # Both workers took batches of it.
    for worker in cluster.workers:
        assert worker.log().count("members.send_deliveries") > 0, worker.name
