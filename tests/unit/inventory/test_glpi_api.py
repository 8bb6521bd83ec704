"""GLPI's REST API (GLPI 10.0) read into inventory items, against recorded answers replayed through
httpx.MockTransport, and once through a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from tests.unit.inventory.glpi_replay import APP_TOKEN, SESSION, USER_TOKEN, GlpiReplay, recorded, served

from bascule.errors import UserError
from bascule.inventory import glpi_session
from bascule.inventory.glpi import read_glpi_api
from bascule.inventory.items import Inventory, InventoryItem

URL = "https://glpi.chvs.test/apirest.php"


def read(replay: GlpiReplay, mapping: Mapping[str, Any] | None = None, **tokens: str) -> Inventory:
    return read_glpi_api(
        tokens.get("url", URL),
        tokens.get("user", USER_TOKEN),
        tokens.get("app", APP_TOKEN),
        mapping,
        transport=httpx.MockTransport(replay),
    )


def by_id(inventory: Inventory) -> dict[str, InventoryItem]:
    return {item.id: item for item in inventory.items}


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return read(GlpiReplay())


def test_every_kept_item_is_read_deleted_and_templates_left_out(inventory: Inventory) -> None:
    kinds = [item.origin.object.split("/")[0] for item in inventory.items if item.origin.object]
    assert {name: kinds.count(name) for name in set(kinds)} == {
        "Computer": 40,  # 42 rows, less one deleted and one template
        "NetworkEquipment": 8,
        "Software": 10,
        "Appliance": 4,
        "DatabaseInstance": 2,
    }
    assert "srv-supprime" not in by_id(inventory)
    assert "modele-serveur" not in by_id(inventory)
    assert len({item.id for item in inventory.items}) == len(inventory.items)


def test_an_item_is_named_typed_and_placed_from_glpi(inventory: Inventory) -> None:
    item = by_id(inventory)["srv-dpi-app"]
    assert (item.kind, item.name, item.type, item.site, item.segment, item.supplier) == (
        "asset",
        "SRV-DPI-APP",
        "serveur",
        "ch-val-de-sevre",
        "dc-core",
        "dedalus-france",
    )
    assert str(item.origin) == "glpi:Computer/3"
    dxcare = by_id(inventory)["dxcare"]
    assert (dxcare.kind, dxcare.type, dxcare.site, dxcare.supplier) == (
        "application",
        "dossier-patient",
        "",
        "dedalus-france",
    )
    assert by_id(inventory)["dpi-prod"].kind == "application"
    assert by_id(inventory)["dossier-patient-informatise"].type == "application-metier"
    assert by_id(inventory)["rtr-liaison-sud"].supplier == "orange-business"
    assert by_id(inventory)["srv-ad-02"].supplier == ""  # its Infocom names no supplier


def test_needs_come_from_impact_relations_appliances_and_database_hosts(inventory: Inventory) -> None:
    items = by_id(inventory)
    assert items["dxcare"].needs == (
        "srv-dpi-app",
        "dpi-prod",
        "active-directory",
    )  # a repeated relation once
    assert items["active-directory"].needs == ("srv-ad-01", "srv-ad-02")
    assert items["srv-dpi-app"].needs == ("sw-core-01",)
    assert items["srv-dpi-db"].needs == ("baie-san-01",)
    assert items["dpi-prod"].needs == ("srv-dpi-db",)
    assert items["dossier-patient-informatise"].needs == ("dxcare", "srv-dpi-app", "dpi-prod")
    assert items["glims"].needs == ("srv-labo-01", "hprim-net")
    assert items["pastel"].needs == ("srv-gam",)  # its relation to a deleted server is reported instead
    assert items["mozilla-firefox"].needs == ()


def test_sites_segments_and_suppliers_are_named(inventory: Inventory) -> None:
    assert [(site.id, site.name) for site in inventory.sites] == [
        ("ch-val-de-sevre", "CH Val de Sèvre"),
        ("clinique-les-tilleuls", "Clinique Les Tilleuls"),
    ]
    assert [(s.id, s.name) for s in inventory.suppliers] == [
        ("dedalus-france", "Dedalus France"),
        ("fujifilm-medical", "Fujifilm Medical"),
        ("orange-business", "Orange Business"),
        ("hpe-services", "HPE Services"),
    ]
    assert sorted(segment.id for segment in inventory.segments) == [
        "dc-core",
        "dc-imagerie",
        "dc-secours",
        "dmz",
        "lan-clinique",
        "lan-tilleuls",
    ]
    assert inventory.source == f"glpi:{URL}"


def test_collisions_nameless_items_and_lost_relations_are_reported(inventory: Inventory) -> None:
    assert [problem.located() for problem in inventory.problems] == [
        "glpi:Computer/13: its name 'srv dpi app' gives an id already taken; it was named 'srv-dpi-app-2' "
        "(rename it in GLPI).",
        "glpi:Computer/42: has no name; its id was made from its GLPI number.",
        "glpi:ImpactRelation/16: names Computer/15, which was not imported (deleted, skipped or out of reach).",
    ]
    assert inventory.problems[1].located("fr").startswith("glpi:Computer/42: n'a pas de nom")
    assert by_id(inventory)["computer-42"].site == "clinique-les-tilleuls"


def test_the_mapping_chooses_kinds_types_sites_and_skips() -> None:
    mapping = {
        "glpi": {
            "assets": ["Computer", "NetworkEquipment", "Appliance"],
            "applications": ["Software"],
            "application_types": ["Imprimante réseau"],
            "skip_types": ["Poste de travail"],
            "skip_states": ["rebut"],
            "types": {"Serveur": "server", "Switch": "switch"},
            "site_level": 2,
        }
    }
    replay = GlpiReplay()
    items = by_id(read(replay, mapping))
    assert not any(item.id.startswith("pc-") for item in items.values())
    assert "srv-ancien" not in items
    assert items["imp-accueil"].kind == "application"
    assert items["sauvegarde"].kind == "asset"
    assert (items["srv-ad-01"].type, items["sw-core-01"].type, items["fw-internet"].type) == (
        "server",
        "switch",
        "pare-feu",
    )
    assert (items["srv-ad-01"].site, items["srv-sauvegarde"].site, items["computer-42"].site) == (
        "site-nord",
        "site-sud",
        "",
    )
    assert "DatabaseInstance/?" not in replay.calls and not any(
        c.startswith("DatabaseInstance") for c in replay.calls
    )
    assert items["srv-dpi-db"].needs == ("baie-san-01",)


@pytest.mark.parametrize(
    ("mapping", "says"),
    [
        ({"glpi": {"asset": ["Computer"]}}, "Unknown setting glpi.asset"),
        ({"glpi": {"assets": "Computer"}}, "glpi.assets is a list of names"),
        ({"glpi": {"assets": ["Software"]}}, "both as assets and as applications"),
        ({"glpi": {"types": {"Serveur": 3}}}, "glpi.types maps a GLPI type"),
        ({"glpi": {"site_level": 0}}, "glpi.site_level is a whole number"),
        ({"glpi": ["Computer"]}, "glpi: is a table"),
    ],
)
def test_a_wrong_mapping_is_one_sentence(mapping: Mapping[str, Any], says: str) -> None:
    with pytest.raises(UserError, match=says) as raised:
        read(GlpiReplay(), mapping)
    assert raised.value.in_lang("fr") != raised.value.message


def test_pages_are_read_range_after_range_until_content_range_total(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glpi_session, "PAGE", 10)
    replay = GlpiReplay()
    paged = read(replay)
    assert [c for c in replay.calls if c.startswith("Computer")] == [
        "Computer?0-9",
        "Computer?10-19",
        "Computer?20-29",
        "Computer?30-39",
        "Computer?40-49",
    ]
    assert [c for c in replay.calls if c.startswith("Software")] == [
        "Software?0-9"
    ]  # 10 of 10: no second page
    assert paged == read(GlpiReplay())
    assert replay.calls[0] == "initSession" and replay.calls[-1] == "killSession" and replay.killed


def test_a_server_that_sends_fewer_rows_than_asked_is_read_to_the_end() -> None:
    def capped(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params["range"].split("-")[0])
        smaller = httpx.Request("GET", request.url.copy_set_param("range", f"{start}-{start + 14}"))
        return GlpiReplay.page(recorded("Computer"), smaller)  # GLPI caps a page at its api max

    replay = GlpiReplay()
    replay.answers["Computer"] = capped
    assert (
        len([i for i in read(replay).items if i.origin.object and i.origin.object.startswith("Computer/")])
        == 40
    )
    assert [c for c in replay.calls if c.startswith("Computer")] == [
        "Computer?0-49",
        "Computer?15-64",
        "Computer?30-79",
    ]


def test_an_itemtype_this_glpi_does_not_serve_is_reported_and_the_rest_read() -> None:
    replay = GlpiReplay()
    replay.answers["DatabaseInstance"] = lambda request: httpx.Response(
        400, json=["ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM", "resource not found"]
    )
    inventory = read(replay)
    assert "dpi-prod" not in by_id(inventory)
    assert (
        "glpi:DatabaseInstance: this GLPI does not serve DatabaseInstance (older than 10.0, or a plugin not "
        "installed); none were read."
    ) in [problem.located() for problem in inventory.problems]
    assert "glpi:Appliance_Item/3: names DatabaseInstance/1, which was not imported" in "\n".join(
        p.located() for p in inventory.problems
    )


def test_a_relation_without_its_items_is_reported_and_left_out() -> None:
    replay = GlpiReplay()
    broken_impacts = [
        {
            "id": 1,
            "itemtype_source": "Computer",
            "items_id_source": "abc",
            "itemtype_impacted": "Software",
            "items_id_impacted": 1,
        },
        {
            "id": 2,
            "itemtype_source": "",
            "items_id_source": 3,
            "itemtype_impacted": "Software",
            "items_id_impacted": 1,
        },
        {
            "id": 3,
            "itemtype_source": "Computer",
            "items_id_source": 3,
            "itemtype_impacted": "Software",
            "items_id_impacted": 1,
        },
    ]
    replay.answers["ImpactRelation"] = lambda request: GlpiReplay.page(broken_impacts, request)
    replay.answers["Appliance_Item"] = lambda request: GlpiReplay.page(
        [{"id": 9, "itemtype": "Software", "items_id": 1}], request
    )
    inventory = read(replay)
    assert by_id(inventory)["dxcare"].needs == ("srv-dpi-app",)
    assert by_id(inventory)["dossier-patient-informatise"].needs == ()
    assert [p.located() for p in inventory.problems if "lacks" in p.message] == [
        "glpi:Appliance_Item/9: lacks the itemtype or number of one of its items; it was left out.",
        "glpi:ImpactRelation/1: lacks the itemtype or number of one of its items; it was left out.",
        "glpi:ImpactRelation/2: lacks the itemtype or number of one of its items; it was left out.",
    ]


def _refused(replay: GlpiReplay, **tokens: str) -> UserError:
    with pytest.raises(UserError) as raised:
        read(replay, **tokens)
    error = raised.value
    for text in (error.message, error.in_lang("fr")):
        assert (
            USER_TOKEN not in text and APP_TOKEN not in text and SESSION not in text and "wrong" not in text
        )
        assert text.endswith(".") and "\n" not in text
    assert error.in_lang("fr") != error.message
    return error


def _answer(status: int, body: Any = None, text: str | None = None, **headers: str) -> Any:
    if text is not None:
        return lambda request: httpx.Response(status, text=text, headers=headers)
    return lambda request: httpx.Response(status, json=body, headers=headers)


def test_a_wrong_user_token_is_said() -> None:
    error = _refused(GlpiReplay(), user="wrong-user-token")
    assert "refused the user token" in error.message and "BASCULE_GLPI_USER_TOKEN" in error.message


def test_a_missing_user_token_is_said() -> None:
    assert "received no user token" in _refused(GlpiReplay(), user="").message


def test_a_missing_app_token_is_said() -> None:
    assert "requires an app token" in _refused(GlpiReplay(), app="").message


def test_a_wrong_app_token_is_said() -> None:
    assert "refused the app token" in _refused(GlpiReplay(), app="wrong-app-token").message


def test_a_session_ended_during_the_import_is_said_and_not_left_open() -> None:
    replay = GlpiReplay(expire_after=3)
    assert "ended the session during the import" in _refused(replay).message
    assert replay.calls[-1] == "killSession"


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (_answer(401, ["ERROR_RIGHT_MISSING", "You don't have permission"]), "lacks the right to read"),
        (_answer(400, ["ERROR_NOT_ALLOWED_IP", "no client for your IP"]), "does not accept API calls from"),
        (_answer(400, ["ERROR_API_DISABLED", "API disabled"]), "REST API is disabled"),
        (_answer(401, {"message": "Unauthorized"}), "refused the tokens (401)"),
        (_answer(500, text="<b>Fatal error</b>"), "server error (500)"),
        (_answer(503, text="Service Unavailable"), "server error (503)"),
        (
            _answer(400, ["ERROR_RANGE_EXCEED_TOTAL", "range"]),
            "refused the request (ERROR_RANGE_EXCEED_TOTAL)",
        ),
        (_answer(200, text="<html>Bienvenue</html>"), "did not answer as GLPI's REST API does"),
        (_answer(200, {"data": []}), "did not answer as GLPI's REST API does"),
        (_answer(200, [{"name": "no id"}]), "did not answer as GLPI's REST API does"),
        (
            _answer(206, [{"id": 1}], **{"Content-Range": "bytes 0-49"}),
            "did not answer as GLPI's REST API does",
        ),
        (_answer(302, text="", Location="/front/login.php"), "did not answer as GLPI's REST API does"),
    ],
)
def test_a_failing_or_foreign_answer_is_one_sentence(answer: Any, says: str) -> None:
    replay = GlpiReplay()
    replay.answers["Computer"] = answer
    assert says in _refused(replay).message
    assert replay.killed


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (_answer(200, text="<html>login</html>"), "did not answer as GLPI's REST API does"),
        (_answer(200, {"token": "x"}), "did not answer as GLPI's REST API does"),
        (_answer(502, text="Bad Gateway"), "server error (502)"),
    ],
)
def test_a_foreign_init_session_answer_is_one_sentence(answer: Any, says: str) -> None:
    replay = GlpiReplay()
    replay.answers["initSession"] = answer
    assert says in _refused(replay).message
    assert not replay.killed


def test_a_wrong_address_is_a_404_sentence() -> None:
    error = _refused(GlpiReplay(), url="https://glpi.chvs.test/glpi/apirest.php?app_token=" + APP_TOKEN)
    assert error.message.startswith("No GLPI API at https://glpi.chvs.test/glpi/apirest.php (404)")


def test_glpi_s_own_address_is_completed_with_apirest_php() -> None:
    assert read(GlpiReplay(), url="https://glpi.chvs.test/").source == f"glpi:{URL}"


def test_an_address_that_is_not_http_is_said() -> None:
    assert "is not an http(s) URL" in _refused(GlpiReplay(), url="glpi.chvs.test").message


def _raising(error: Exception) -> GlpiReplay:
    class Raising(GlpiReplay):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            raise error

    return Raising()


def test_a_refused_connection_is_one_sentence() -> None:
    error = _refused(_raising(httpx.ConnectError("[Errno 111] Connection refused")))
    assert error.message == (
        f"Cannot reach GLPI at {URL} (connection refused or no such host); check the address."
    )


def test_a_silent_server_is_one_sentence() -> None:
    assert "did not answer in time" in _refused(_raising(httpx.ReadTimeout("timed out"))).message


def test_the_import_runs_against_a_real_replay_server() -> None:
    replay = GlpiReplay()
    with served(replay) as url:
        inventory = read_glpi_api(url, USER_TOKEN, APP_TOKEN, None)
    assert len(inventory.items) == 64
    assert by_id(inventory)["dxcare"].needs == ("srv-dpi-app", "dpi-prod", "active-directory")
    assert replay.killed


def test_a_closed_port_is_one_sentence() -> None:
    with served(GlpiReplay()) as url:
        pass  # the server is gone: its port refuses
    with pytest.raises(UserError, match=re.escape("Cannot reach GLPI at http://127.0.0.1:")) as raised:
        read_glpi_api(url, USER_TOKEN, APP_TOKEN, None)
    assert USER_TOKEN not in raised.value.message
