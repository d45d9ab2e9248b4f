"""Mailings and deliveries in admin: counts per status, filters, and "retry failed", for
members, editors and publishers."""

import pytest

from members.models import Delivery, Mailing, MailKind
from tests.factories import EditorFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailing(db):
    mailing = Mailing.objects.create(
        kind=MailKind.INVITATION,
        subject="Dialogue 6 is announced",
        body="News.",
        audience=Mailing.Audience.ALL_MEMBERS,
        state="published",
    )
    statuses = ["sent"] * 3 + ["failed"] * 2 + ["skipped"]
    for n, status in enumerate(statuses):
        Delivery.objects.create(
            mailing=mailing,
            member=UserFactory(email=f"m{n}@example.org").member,
            address=f"m{n}@example.org",
            status=status,
            last_error="SMTPRecipientsRefused: 550" if status == "failed" else "",
        )
    return mailing


def test_mailing_list_counts_deliveries_per_status(admin_client, mailing):
    html = admin_client.get("/admin/members/mailing/").content.decode()

    # One column: the statuses that have deliveries, each linked to them.
    link = '<a href="/admin/members/delivery/?mailing__id__exact={}&amp;status__exact={}">{}</a>'
    cell = " · ".join(
        f"{link.format(mailing.pk, status, count)} {status}"
        for status, count in [("sent", 3), ("failed", 2), ("skipped", 1)]
    )
    assert f'<td class="field-deliveries">{cell}</td>' in html


def test_deliveries_filter_by_status(admin_client, mailing):
    response = admin_client.get("/admin/members/delivery/", {"status__exact": "failed"})

    assert [d.address for d in response.context["cl"].result_list] == [
        "m3@example.org",
        "m4@example.org",
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", 302), ("editor", 200), ("publisher", 200)],
)
def test_who_sees_deliveries(client, mailing, who, expected):
    user = {"member": UserFactory, "editor": EditorFactory, "publisher": PublisherFactory}[who]()
    client.force_login(user)
    assert client.get("/admin/members/delivery/").status_code == expected


def test_publisher_retries_failed_deliveries(client, mailing, django_capture_on_commit_callbacks):
    client.force_login(PublisherFactory())
    failed = list(mailing.deliveries.filter(status="failed").values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/members/mailing/",
            {"action": "retry_failed", "_selected_action": [mailing.pk]},
            follow=True,
        )

    assert "2 deliveries queued again." in response.content.decode()
    assert sorted(Delivery.objects.filter(pk__in=failed).values_list("status", flat=True)) == [
        "sent",
        "sent",
    ]


def test_editor_cannot_retry(client, mailing):
    client.force_login(EditorFactory())

    response = client.post(
        "/admin/members/delivery/",
        {
            "action": "retry_failed",
            "_selected_action": list(mailing.deliveries.values_list("pk", flat=True)),
        },
    )

    # The action is not offered to editors: admin answers with the list, unchanged.
    assert response.status_code == 200
    assert mailing.deliveries.filter(status="failed").count() == 2


def test_deliveries_cannot_be_added_or_deleted_in_admin(admin_client, mailing):
    delivery = mailing.deliveries.first()
    assert admin_client.get("/admin/members/delivery/add/").status_code == 403
    assert admin_client.get(f"/admin/members/delivery/{delivery.pk}/delete/").status_code == 403
