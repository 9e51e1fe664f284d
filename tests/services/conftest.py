"""Fixtures shared by the services tests."""

import pytest
from kombu import pools

from portal.celery import app


@pytest.fixture
def broker(settings):
    """The Celery app pointed at a closed port (a broker that is down); `broker.restore()` brings it back."""
    conf = app.conf
    saved = conf.broker_url, conf.broker_transport_options

    def reconnect() -> None:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        # kombu keeps producer pools in a global registry keyed by broker URL: drop the one just closed.
        pools.reset()

    class Broker:
        @staticmethod
        def restore() -> None:
            reconnect()
            conf.broker_url, conf.broker_transport_options = saved

    reconnect()
    conf.broker_url = "redis://127.0.0.1:1/0"
    # The options production runs Redis with: a refused connection fails the publish at once.
    conf.broker_transport_options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    yield Broker
    Broker.restore()
