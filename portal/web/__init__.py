"""Staff pages: the home redirect, the agent desk, the platform overview; and the
instance's health for load balancers and monitoring."""

from __future__ import annotations

from flask import Flask

from portal.web import (
    account,
    customer,
    dashboard,
    desk,
    health,
    home,
    platform,
    reports,
    ticket,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(home.bp)
    app.register_blueprint(desk.bp)
    app.register_blueprint(ticket.bp)
    app.register_blueprint(platform.bp)
    app.register_blueprint(customer.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(health.bp)
