"""The plugin contract: sectors load from entry points; a broken one is named,
the portal starts without it, and only its tenants see an error page."""

import logging

import pytest

from portal.extensions import db
from portal.plugins import ENTRY_POINT_GROUP, SectorUnavailable, build_registry
from portal.validation import InvalidInput
from tests.conftest import login, make_app, make_tenant, make_user

BUILT_IN = {"telecom", "banking", "property", "retail"}


def test_built_in_sectors_come_from_the_entry_point_group():
    registry = build_registry()
    assert set(registry.loaded()) >= BUILT_IN
    for key in BUILT_IN:
        sector = registry.get(key)
        assert sector.info.key == key
        assert sector.info.version
        assert sector.info.name_zh and sector.info.name_en
        assert "(entry point)" in sector.source
    assert not registry.errors
    assert ENTRY_POINT_GROUP == "tousu.sectors"


def test_core_never_imports_a_sector_by_name():
    import pathlib

    core = pathlib.Path(__file__).parent.parent / "portal"
    offenders = [
        str(path)
        for path in core.rglob("*.py")
        if "import plugins" in path.read_text() or "from plugins" in path.read_text()
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("tests.plugins.broken_import", "ImportError: tousu_sector_hotel needs a library"),
        ("tests.plugins.raising_info", "sector_info raised RuntimeError: configuration file"),
        ("tests.plugins.wrong_answer", "not SectorInfo(key='hotelx')"),
        ("tests.plugins.unknown_hook", "sector_defualt_policy"),
    ],
)
def test_a_broken_plugin_is_named_and_the_others_still_load(module, message, caplog):
    with caplog.at_level(logging.ERROR, logger="portal.plugins"):
        registry = build_registry({"hotelx": module})
    assert message in registry.errors["hotelx"].error
    assert "hotelx" not in registry.sectors
    assert set(registry.loaded()) >= BUILT_IN
    assert any("'hotelx'" in r.getMessage() and module in r.getMessage() for r in caplog.records)
    with pytest.raises(SectorUnavailable, match="hotelx"):
        registry.call("hotelx", "sector_default_policy")


def test_a_hook_that_raises_makes_only_that_call_fail():
    registry = build_registry({"hotelx": "tests.plugins.raising_policy"})
    with pytest.raises(SectorUnavailable, match="sector_default_policy raised KeyError"):
        registry.call("hotelx", "sector_default_policy")
    assert registry.call("retail", "sector_default_policy")["tiers"]


def test_a_sector_hook_answers_only_for_its_own_sector():
    registry = build_registry({"hotelx": "tests.plugins.good"})
    assert registry.call("hotelx", "sector_default_policy")["default_tier"] == "minor"
    assert registry.call("hotelx", "sector_info").key == "hotelx"
    assert registry.call("telecom", "sector_info").key == "telecom"


def test_a_sector_loaded_later_answers_only_for_itself():
    registry = build_registry()
    assert registry.call("telecom", "sector_info").key == "telecom"
    registry.load_modules({"hotelx": "tests.plugins.good"})
    assert registry.call("telecom", "sector_info").key == "telecom"
    assert registry.call("hotelx", "sector_info").key == "hotelx"


def test_a_tenant_cannot_be_created_for_a_broken_sector(migrated_url):
    app = make_app(migrated_url, EXTRA_SECTORS={"hotelx": "tests.plugins.raising_info"})
    with app.app_context(), pytest.raises(InvalidInput, match="sector"):
        make_tenant("hotel", sector="hotelx")


def test_only_the_broken_sectors_tenants_see_the_error_page(app, migrated_url):
    healthy = make_app(migrated_url, EXTRA_SECTORS={"hotelx": "tests.plugins.good"})
    with healthy.app_context():
        from portal.tenancy import ALL_TENANTS, set_scope

        set_scope(db.session, ALL_TENANTS)
        hotel_agent = make_user(make_tenant("hotel", sector="hotelx"), "agent").email
        shop_agent = make_user(make_tenant("shop", sector="sample"), "agent").email
        db.session.remove()

    broken = make_app(migrated_url, EXTRA_SECTORS={"hotelx": "tests.plugins.broken_import"})
    hotel = broken.test_client()
    login(hotel, hotel_agent)
    page = hotel.get("/desk/")
    assert page.status_code == 503
    assert "hotelx" in page.get_data(as_text=True)

    shop = broken.test_client()
    login(shop, shop_agent)
    assert shop.get("/desk/").status_code == 200


def test_cli_lists_sectors_and_load_errors(app, migrated_url):
    broken = make_app(migrated_url, EXTRA_SECTORS={"hotelx": "tests.plugins.broken_import"})
    with broken.app_context():
        result = broken.test_cli_runner().invoke(args=["portal", "plugins"])
    assert result.exit_code == 0
    for key in BUILT_IN:
        assert key in result.stdout
    assert "hotelx" in result.stderr and "FAILED" in result.stderr
