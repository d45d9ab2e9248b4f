from celery import shared_task

from . import services


@shared_task(name="papers.publish_scheduled", ignore_result=True)
def publish_scheduled() -> int:
    """Run every minute by beat: publish approved items whose publish_at has come."""
    return len(services.publish_scheduled_items())
