"""The try-it-out API docs render under the site's Content-Security-Policy."""


def test_swagger_ui_renders_every_operation(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".opblock").count() >= 20
    assert page.errors == []
