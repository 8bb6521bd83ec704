"""A read-only session on GLPI's legacy REST API (apirest.php, as in GLPI 10.0): initSession with the
user and app tokens, every row of an itemtype read page by page (`range=0-49`, Content-Range),
killSession at the end, and each failure said as one sentence that names no token.

GLPI answers an error with a JSON list `["ERROR_CODE", "message"]` and an HTTP status (400, 401, ...);
the code says what the user can fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from bascule.errors import UserError

PAGE = 50
_CONTENT_RANGE = re.compile(r"^\s*(\d+)-(-?\d+)/(\d+)\s*$")


class UnknownItemtype(Exception):
    """GLPI does not serve this itemtype (an older GLPI, or a plugin's type not installed)."""


def shown_url(url: str) -> str:
    """The address as a message may show it: no query (where a token may sit), no user info."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def api_root(url: str) -> str:
    """The apirest.php address: `url` itself, or `url` + "/apirest.php" for GLPI's own address."""
    base = url.split("?", 1)[0].rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise UserError(
            f"The GLPI address {shown_url(base)!r} is not an http(s) URL; give glpi:https://HOST/apirest.php.",
            fr=f"L'adresse GLPI {shown_url(base)!r} n'est pas une URL http(s) ; donnez glpi:https://HOTE/apirest.php.",
        )
    return base if base.endswith("apirest.php") else base + "/apirest.php"


_REFUSALS: Mapping[str, tuple[str, str]] = {
    "ERROR_GLPI_LOGIN_USER_TOKEN": (
        "GLPI refused the user token; copy the user's API token (My settings > Remote access keys) "
        "into BASCULE_GLPI_USER_TOKEN.",
        "GLPI a refusé le jeton utilisateur ; copiez le jeton d'API de l'utilisateur (Mes préférences > "
        "Clés d'accès distant) dans BASCULE_GLPI_USER_TOKEN.",
    ),
    "ERROR_LOGIN_PARAMETERS_MISSING": (
        "GLPI received no user token; set BASCULE_GLPI_USER_TOKEN.",
        "GLPI n'a reçu aucun jeton utilisateur ; renseignez BASCULE_GLPI_USER_TOKEN.",
    ),
    "ERROR_APP_TOKEN_PARAMETERS_MISSING": (
        "This GLPI requires an app token; copy its API client's token (Setup > General > API) into "
        "BASCULE_GLPI_APP_TOKEN.",
        "Ce GLPI exige un jeton d'application ; copiez le jeton de son client d'API (Configuration > "
        "Générale > API) dans BASCULE_GLPI_APP_TOKEN.",
    ),
    "ERROR_WRONG_APP_TOKEN_PARAMETER": (
        "GLPI refused the app token; check BASCULE_GLPI_APP_TOKEN against the API client (Setup > General > API).",
        "GLPI a refusé le jeton d'application ; vérifiez BASCULE_GLPI_APP_TOKEN auprès du client d'API "
        "(Configuration > Générale > API).",
    ),
    "ERROR_NOT_ALLOWED_IP": (
        "GLPI does not accept API calls from this machine's address; add it to the API client's IP range.",
        "GLPI n'accepte pas d'appel d'API depuis l'adresse de cette machine ; ajoutez-la à la plage IP du "
        "client d'API.",
    ),
    "ERROR_SESSION_TOKEN_INVALID": (
        "GLPI ended the session during the import (expired or killed); run the import again.",
        "GLPI a mis fin à la session pendant l'import (expirée ou fermée) ; relancez l'import.",
    ),
    "ERROR_SESSION_TOKEN_MISSING": (
        "GLPI did not receive the session token (a proxy may drop the Session-Token header); "
        "check the proxy in front of GLPI.",
        "GLPI n'a pas reçu le jeton de session (un proxy supprime peut-être l'en-tête Session-Token) ; "
        "vérifiez le proxy devant GLPI.",
    ),
    "ERROR_RIGHT_MISSING": (
        "The GLPI user lacks the right to read the inventory; give its profile read rights on assets.",
        "L'utilisateur GLPI n'a pas le droit de lire l'inventaire ; donnez à son profil la lecture des parcs.",
    ),
    "ERROR_API_DISABLED": (
        "GLPI's REST API is disabled; enable it in Setup > General > API.",
        "L'API REST de GLPI est désactivée ; activez-la dans Configuration > Générale > API.",
    ),
}
_UNKNOWN_ITEMTYPE = ("ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM", "ERROR_ITEMTYPE_NOT_FOUND_NOR_COMMONDBTM")


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, list) and body and isinstance(body[0], str) and body[0].startswith("ERROR"):
        return body[0]
    return ""


class GlpiSession:
    """`with GlpiSession(url, user_token, app_token) as glpi: glpi.rows("Computer")`."""

    def __init__(
        self,
        url: str,
        user_token: str,
        app_token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.root = api_root(url)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if app_token:
            headers["App-Token"] = app_token
        self._user_token = user_token
        self._client = httpx.Client(base_url=self.root, headers=headers, transport=transport, timeout=timeout)

    def __enter__(self) -> GlpiSession:
        try:
            login = {"Authorization": f"user_token {self._user_token}"} if self._user_token else {}
            answer = self._call("/initSession", headers=login)
            body = self._json(answer)
            token = body.get("session_token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise self._not_glpi()
            self._client.headers["Session-Token"] = token
        except BaseException:
            self._client.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if "Session-Token" in self._client.headers:
                self._client.get("/killSession")  # a session GLPI already dropped is no concern of ours
        except httpx.HTTPError:
            pass
        finally:
            self._client.close()

    def rows(self, itemtype: str, *, expand_dropdowns: bool = False) -> Iterator[dict[str, Any]]:
        """Every row of `itemtype`, asking `range=0-49`, `50-99`, ... until Content-Range's total."""
        start = 0
        while True:
            params = {
                "range": f"{start}-{start + PAGE - 1}",
                "expand_dropdowns": "true" if expand_dropdowns else "false",
                "get_hateoas": "false",
            }
            answer = self._call(f"/{itemtype}/", params=params, itemtype=itemtype)
            page = self._json(answer)
            if not isinstance(page, list) or not all(
                isinstance(row, dict) and isinstance(row.get("id"), int) for row in page
            ):
                raise self._not_glpi()
            yield from page
            total = self._total(answer)
            if total is None or not page or start + len(page) >= total:
                return
            start += len(page)

    def _total(self, answer: httpx.Response) -> int | None:
        header = answer.headers.get("Content-Range")
        if header is None:
            return None
        found = _CONTENT_RANGE.match(header)
        if found is None:
            raise self._not_glpi()
        return int(found.group(3))

    def _json(self, answer: httpx.Response) -> Any:
        try:
            return answer.json()
        except ValueError:
            raise self._not_glpi() from None

    def _call(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        itemtype: str = "",
    ) -> httpx.Response:
        where = shown_url(self.root)
        try:
            answer = self._client.get(path, params=params, headers=headers)
        except httpx.TimeoutException:
            raise UserError(
                f"GLPI at {where} did not answer in time; check that the server is up and try again.",
                fr=f"GLPI à {where} n'a pas répondu à temps ; vérifiez que le serveur fonctionne et réessayez.",
            ) from None
        except httpx.HTTPError:
            raise UserError(
                f"Cannot reach GLPI at {where} (connection refused or no such host); check the address.",
                fr=f"Impossible de joindre GLPI à {where} (connexion refusée ou hôte inconnu) ; vérifiez l'adresse.",
            ) from None
        if answer.status_code < 300:
            return answer
        code = _error_code(answer)
        if code in _REFUSALS:
            english, french = _REFUSALS[code]
            raise UserError(english, fr=french)
        if itemtype and code in _UNKNOWN_ITEMTYPE:
            raise UnknownItemtype(itemtype)
        if answer.status_code == 401:
            raise UserError(
                f"GLPI at {where} refused the tokens (401); check BASCULE_GLPI_USER_TOKEN and BASCULE_GLPI_APP_TOKEN.",
                fr=f"GLPI à {where} a refusé les jetons (401) ; vérifiez BASCULE_GLPI_USER_TOKEN et "
                "BASCULE_GLPI_APP_TOKEN.",
            )
        if answer.status_code == 404:
            raise UserError(
                f"No GLPI API at {where} (404); give the address ending in apirest.php and check the API is enabled.",
                fr=f"Pas d'API GLPI à {where} (404) ; donnez l'adresse finissant par apirest.php et vérifiez que "
                "l'API est activée.",
            )
        if answer.status_code >= 500:
            raise UserError(
                f"GLPI at {where} failed with a server error ({answer.status_code}); see GLPI's logs and try again.",
                fr=f"GLPI à {where} a échoué sur une erreur serveur ({answer.status_code}) ; voyez les journaux "
                "de GLPI et réessayez.",
            )
        if code:
            raise UserError(
                f"GLPI at {where} refused the request ({code}); see GLPI's API documentation for this code.",
                fr=f"GLPI à {where} a refusé la requête ({code}) ; voyez ce code dans la documentation de l'API GLPI.",
            )
        raise self._not_glpi()

    def _not_glpi(self) -> UserError:
        where = shown_url(self.root)
        return UserError(
            f"The server at {where} did not answer as GLPI's REST API does; check the address (…/apirest.php).",
            fr=f"Le serveur à {where} n'a pas répondu comme l'API REST de GLPI ; vérifiez l'adresse (…/apirest.php).",
        )
