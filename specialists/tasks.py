from celery import shared_task

from specialists.authentication import tokens_expired_delete


@shared_task(soft_time_limit=60, time_limit=120)
def tokens_expired_sweep() -> int:
    """Delete the API tokens that have expired (a request deletes only its own)."""
    return tokens_expired_delete()
