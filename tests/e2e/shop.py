"""What a storefront, a shopper's browser and a merchandiser's browser do, over HTTP only.

Shared by the end-to-end test, the behave steps and the load generator. ``Shop`` speaks the JSON
contract of /work/shared/API.md; ``Browser`` drives HTML pages (the sandbox payment page, the Django
admin) with a session cookie and the CSRF token, like a person with a web browser would; ``Mailbox``
reads the mail the services wrote with Django's file e-mail backend.
"""

from __future__ import annotations

import email
import email.policy
import html as html_lib
import re
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urljoin, urlparse, urlunparse

import httpx

from common.testing.openapi import OpenApiDocument

APPROVE_CARD = "4242 4242 4242 4242"
DECLINE_CARD = "4000 0000 0000 0002"
ADDRESS = {
    "full_name": "Ana Souza",
    "line1": "Rua Augusta",
    "number": "100",
    "line2": "ap 12",
    "neighborhood": "Consolação",
    "city": "São Paulo",
    "state": "SP",
    "postal_code": "01304-000",
    "country": "BR",
    "phone": "+5511999990000",
}
SHOPPER_PASSWORD = "Batom-Vermelho-2026!"


def unique_email(prefix: str = "shopper") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@e2e.cosmeticos.co"


class UnexpectedResponse(AssertionError):
    """An answer the contract does not allow at this point; the message carries method, URL and body."""


def expect(response: httpx.Response, *statuses: int) -> httpx.Response:
    if response.status_code not in statuses:
        raise UnexpectedResponse(
            f"{response.request.method} {response.request.url} -> {response.status_code}, expected "
            f"{' or '.join(map(str, statuses))}: {response.text[:600]}"
        )
    return response


LONG_POLL_SECONDS = 10.0  # under the client's 30 s timeout


def poll(what: str, probe, *, timeout: float = 60.0, interval: float = 0.25):
    """Call ``probe`` until it returns something truthy; return it, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


@dataclass
class Shopper:
    """One person in front of the storefront: credentials, tokens and the guest cart token."""

    email: str
    password: str = SHOPPER_PASSWORD
    full_name: str = "Ana Souza"
    access: str | None = None
    refresh: str | None = None
    cart_token: str | None = None
    last_order: dict | None = None
    # A guest's access token per order number (from the checkout answer): the guest's only key to the order.
    order_tokens: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)


class AnswerOffSchema(AssertionError):
    """A JSON answer that does not fit the service's own OpenAPI document."""


class Shop:
    """The shopper-facing JSON API of all four services. Every JSON answer is checked against the
    answering service's own OpenAPI document (``/api/<service>/openapi.json``), so the journeys fail
    when an answer drifts from what the docs promise."""

    def __init__(self, urls: dict[str, str], *, timeout: float = 30.0) -> None:
        self.urls = urls
        self.http = httpx.Client(timeout=timeout)
        self.documents: dict[str, OpenApiDocument] = {}
        self.answers_checked = 0

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ plumbing
    def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        shopper: Shopper | None = None,
        guest: bool = False,
        json: object = None,
        params: object = None,
        headers: dict | None = None,
    ) -> httpx.Response:
        """One request to ``/api/<service>/<path>``; the shopper's token and cart token ride along."""
        sent = dict(headers or {})
        if shopper is not None:
            if shopper.access and not guest:
                sent["Authorization"] = f"Bearer {shopper.access}"
            if shopper.cart_token and service == "orders":
                sent["X-Cart-Token"] = shopper.cart_token
        url = f"{self.urls[service]}/api/{service}/{path}"
        try:
            response = self.http.request(method, url, json=json, params=params, headers=sent)
        except httpx.RemoteProtocolError:
            # gunicorn closed an idle keep-alive connection as it was reused: a browser retries a GET too
            if method != "GET":
                raise
            response = self.http.request(method, url, json=json, params=params, headers=sent)
        self.check_against_openapi(service, method, response)
        return response

    def check_against_openapi(self, service: str, method: str, response: httpx.Response) -> None:
        if not response.headers.get("content-type", "").startswith("application/json"):
            return
        if service not in self.documents:
            document = self.http.get(f"{self.urls[service]}/api/{service}/openapi.json")
            self.documents[service] = OpenApiDocument(expect(document, 200).json())
        body = response.json() if response.content else None  # a 202/204 may carry no body at all
        mismatches = self.documents[service].mismatches(
            method=method, path=response.request.url.path, status=response.status_code, body=body
        )
        if mismatches:
            raise AnswerOffSchema("\n".join(mismatches))
        self.answers_checked += 1

    # ------------------------------------------------------------------ accounts
    def register(self, shopper: Shopper) -> dict:
        body = {"email": shopper.email, "password": shopper.password, "full_name": shopper.full_name}
        return expect(self.call("accounts", "POST", "register", json=body), 201).json()

    def sign_in(self, shopper: Shopper, password: str | None = None) -> dict:
        body = {"email": shopper.email, "password": password or shopper.password}
        tokens = expect(self.call("accounts", "POST", "token", json=body), 200).json()
        shopper.access, shopper.refresh = tokens["access"], tokens["refresh"]
        return tokens

    def staff_token(self, email_address: str, password: str) -> str:
        body = {"email": email_address, "password": password}
        return expect(self.call("accounts", "POST", "token", json=body), 200).json()["access"]

    # ------------------------------------------------------------------ catalog
    def products(self, shopper: Shopper | None = None, **params) -> dict:
        return expect(self.call("catalog", "GET", "products", params=params, shopper=shopper), 200).json()

    def product(self, slug: str, shopper: Shopper | None = None) -> dict:
        return expect(self.call("catalog", "GET", f"products/{slug}", shopper=shopper), 200).json()

    def brands(self) -> list[dict]:
        return expect(self.call("catalog", "GET", "brands"), 200).json()

    def stock(self, *skus: str) -> dict[str, int]:
        rows = expect(self.call("catalog", "GET", "stock", params=[("sku", s) for s in skus]), 200).json()
        return {row["sku"]: row["available"] for row in rows}

    def recently_viewed(self, shopper: Shopper) -> list[dict]:
        body = expect(self.call("catalog", "GET", "me/recently-viewed", shopper=shopper), 200).json()
        return body["items"] if isinstance(body, dict) and "items" in body else body

    def product_with_stock(self, minimum: int = 3, *, variants: int = 1, exclude: tuple[str, ...] = ()) -> dict:
        """A published product with at least ``variants`` SKUs each having ``minimum`` units available."""
        for page in range(1, 6):
            listing = self.products(in_stock="true", page_size=50, page=page)
            for item in listing["items"]:
                if item["slug"] in exclude:
                    continue
                detail = self.product(item["slug"])
                ready = [v for v in detail["variants"] if v["available"] >= minimum]
                if len(ready) >= variants:
                    return {**detail, "variants": ready}
            if page >= listing["pages"]:
                break
        raise AssertionError(f"no seeded product has {variants} variant(s) with {minimum}+ units available")

    # ------------------------------------------------------------------ orders
    def new_cart(self, shopper: Shopper) -> dict:
        cart = expect(self.call("orders", "POST", "cart"), 201).json()
        shopper.cart_token = cart["token"]
        return cart

    def cart(self, shopper: Shopper) -> dict:
        return expect(self.call("orders", "GET", "cart", shopper=shopper), 200).json()

    def add_line(self, shopper: Shopper, sku: str, quantity: int = 1, *, guest: bool = False) -> httpx.Response:
        return self.call(
            "orders", "POST", "cart/lines", json={"sku": sku, "quantity": quantity}, shopper=shopper, guest=guest
        )

    def checkout(
        self, shopper: Shopper, *, key: str | None = None, address: dict | None = None, headers: dict | None = None
    ) -> httpx.Response:
        body = {"email": shopper.email, "shipping_address": address or ADDRESS}
        sent = {"Idempotency-Key": key or str(uuid.uuid4()), **(headers or {})}
        response = self.call("orders", "POST", "checkout", json=body, shopper=shopper, headers=sent)
        if response.status_code == 201 and response.json().get("access_token"):
            shopper.order_tokens[response.json()["number"]] = response.json()["access_token"]
        return response

    def _order_token(self, shopper: Shopper, number: str) -> dict | None:
        """A guest shows the order's access token (``X-Order-Token``); a signed-in shopper needs none."""
        if shopper.access or number not in shopper.order_tokens:
            return None
        return {"X-Order-Token": shopper.order_tokens[number]}

    def order(self, shopper: Shopper, number: str, *, wait: float = 0.0, known: str | None = None) -> dict:
        """The order; with ``wait`` and ``known``, orders' long-poll: answered once the status is no longer
        ``known`` (or after ``wait`` seconds)."""
        headers = self._order_token(shopper, number)
        params = {"wait": f"{wait:.1f}", "status": known} if wait and known else None
        answer = self.call("orders", "GET", f"orders/{number}", shopper=shopper, headers=headers, params=params)
        return expect(answer, 200).json()

    def wait_for_status(self, shopper: Shopper, number: str, *statuses: str, timeout: float = 60.0) -> dict:
        """Follow the order until its status is one of ``statuses``; a final other status fails at once.

        After the first read each request is a long-poll from the last status seen (``?wait=&status=``),
        so a shopper makes one request per change instead of polling. An ``awaiting_payment`` order counts
        once its payment session is open at the provider: the Pix charge or the boleto is made after the
        reservation commits (payment ``creating`` until then, which changes no status: polled, not waited)."""
        final = {"paid", "rejected", "cancelled", "expired", "refunded", "fulfilled", "delivered"}
        seen: list[str] = []
        deadline = time.monotonic() + timeout

        creating_seen = False

        def probe():
            nonlocal creating_seen
            long_poll = seen and not creating_seen
            wait = min(LONG_POLL_SECONDS, max(0.0, deadline - time.monotonic() - 1)) if long_poll else 0.0
            order = self.order(shopper, number, wait=wait, known=seen[-1] if seen else None)
            if not seen or seen[-1] != order["status"]:
                seen.append(order["status"])
            creating = (order.get("payment") or {}).get("status") == "creating"
            creating_seen = creating
            if order["status"] in statuses and not (order["status"] == "awaiting_payment" and creating):
                return order
            allowed = {"cancelled"} if "refunded" in statuses else set()
            if order["status"] in final - set(statuses) - allowed:
                raise AssertionError(f"order {number} ended {order['status']} (seen {seen}), expected {statuses}")
            return None

        try:
            return poll(f"order {number} to be {'/'.join(statuses)}", probe, timeout=timeout)
        except TimeoutError as error:
            raise TimeoutError(f"{error}; statuses seen: {seen}") from None

    def cancel(self, shopper: Shopper, number: str) -> httpx.Response:
        headers = self._order_token(shopper, number)
        return self.call("orders", "POST", f"orders/{number}/cancel", shopper=shopper, headers=headers)

    def pay(self, checkout_url: str, card: str) -> httpx.Response:
        """Fill the sandbox provider's hosted payment page with ``card`` and submit it, like a browser."""
        browser = Browser(checkout_url)
        page = browser.get(checkout_url)
        form = pick_form(page.text, lambda f: any(_is_card_field(n) for n in f.fields))
        values = dict(form.fields)
        for name in form.fields:
            lowered = name.lower()
            if _is_card_field(name):
                values[name] = card
            elif "month" in lowered:
                values[name] = "12"
            elif "year" in lowered:
                values[name] = "2034"
            elif "exp" in lowered:
                values[name] = "12/34"
            elif any(word in lowered for word in ("cvc", "cvv", "security", "code")):
                values[name] = "123"
            elif ("name" in lowered or "holder" in lowered) and not values[name]:
                values[name] = "Ana Souza"
        return browser.post(urljoin(str(page.url), form.action or str(page.url)), data=values)

    # ------------------------------------------------------------------ tasks
    def reports(self, staff_access: str) -> list[dict]:
        headers = {"Authorization": f"Bearer {staff_access}"}
        body = expect(self.call("tasks", "GET", "reports", headers=headers), 200).json()
        return body["items"] if isinstance(body, dict) and "items" in body else body

    def report_csv(self, staff_access: str, report: dict) -> str:
        url = report.get("download_url") or f"reports/{report['id']}/download"
        headers = {"Authorization": f"Bearer {staff_access}"}
        if url.startswith("http"):
            response = self.http.get(url, headers=headers)
        elif url.startswith("/"):
            response = self.http.get(self.urls["tasks"] + url, headers=headers)
        else:
            response = self.call("tasks", "GET", url, headers=headers)
        return expect(response, 200).text


def _is_card_field(name: str) -> bool:
    lowered = name.lower()
    return ("card" in lowered and "name" not in lowered and "holder" not in lowered) or lowered in ("number", "pan")


# ---------------------------------------------------------------------- HTML pages


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]
    selects: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get").lower(), fields={}))
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields[a["name"]] = a.get("value", "on")
                else:
                    form.fields.setdefault(a["name"], "") if kind == "radio" else None
            elif kind not in ("submit", "button", "image", "file"):
                form.fields[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            form.fields.setdefault(a["name"], "")
            form.selects[a["name"]] = []
        elif tag == "option" and self._select:
            form.selects[self._select].append(a.get("value", ""))
            if "selected" in a:
                form.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            form.fields[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def pick_form(html: str, predicate=lambda form: True) -> Form:
    for form in forms_of(html):
        if predicate(form):
            return form
    raise AssertionError(f"no matching <form> on the page: {html[:1500]}")


class Browser:
    """A cookie-keeping client for server-rendered pages behind the HTTPS-terminating edge.

    With ``DEBUG=false`` the session and CSRF cookies are ``Secure`` and CSRF checks the Origin, so
    it announces ``X-Forwarded-Proto: https`` (as the ingress does) and keeps its cookies itself.
    """

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        parsed = urlparse(base_url)
        self.base = f"{parsed.scheme}://{parsed.netloc}"
        self.cookies: dict[str, str] = {}
        self.cookie_origins: dict[str, str] = {}  # which service (scheme://host:port) set each cookie
        self.http = httpx.Client(timeout=timeout, follow_redirects=False)
        self.last_url = base_url

    def _headers(self, extra: dict | None = None) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "cosmeticos-e2e-browser"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _remember(self, response: httpx.Response) -> None:
        origin = _origin(str(response.url))
        for raw in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
                    self.cookie_origins[name] = origin

    def csrf_token(self, url: str | None = None) -> str:
        """The CSRF cookie of the service at ``url`` (the admins share one host: each names its own cookie)."""
        origin = _origin(self._absolute(url or self.base))
        names = [name for name in self.cookies if name.endswith("csrftoken")]
        own = [name for name in names if self.cookie_origins.get(name) == origin]
        chosen = own or names
        return self.cookies[chosen[0]] if chosen else ""

    def _absolute(self, url: str) -> str:
        absolute = urljoin(self.last_url, url)
        parsed = urlparse(absolute)
        if parsed.scheme == "https" and parsed.hostname in ("127.0.0.1", "localhost"):
            absolute = urlunparse(parsed._replace(scheme="http"))
        return absolute

    def _follow(self, response: httpx.Response, hops: int = 10) -> httpx.Response:
        while response.is_redirect and hops:
            hops -= 1
            url = self._absolute(response.headers["location"])
            response = self.http.get(url, headers=self._headers({"Referer": _https(self.last_url)}))
            self._remember(response)
            self.last_url = url
        return response

    def get(self, url: str) -> httpx.Response:
        url = self._absolute(url)
        response = self.http.get(url, headers=self._headers({"Referer": _https(self.last_url)}))
        self._remember(response)
        self.last_url = url
        return self._follow(response)

    def post(self, url: str, *, data: dict | None = None, files: dict | None = None) -> httpx.Response:
        url = self._absolute(url)
        target = urlparse(url)
        extra = {"Referer": _https(self.last_url), "Origin": _https(f"{target.scheme}://{target.netloc}")}
        token = self.csrf_token(url)
        if token:
            extra["X-CSRFToken"] = token
        response = self.http.post(url, data=data or {}, files=files, headers=self._headers(extra))
        self._remember(response)
        self.last_url = url
        return self._follow(response)

    def submit(self, page: httpx.Response, form: Form, values: dict[str, str], files: dict | None = None):
        data = {**form.fields, **values}
        return self.post(urljoin(str(page.url), form.action or str(page.url)), data=data, files=files)


def _origin(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}"


def _https(url: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(scheme="https")) if parsed.scheme == "http" else url


class Admin(Browser):
    """A signed-in session on one service's Django admin."""

    def __init__(self, base_url: str, email_address: str, password: str) -> None:
        super().__init__(base_url)
        page = self.get(f"{self.base}/admin/login/?next=/admin/")
        form = pick_form(page.text, lambda f: "password" in f.fields)
        login = self.submit(page, form, {"username": email_address, "password": password})
        expect(login, 200)
        if "/admin/login/" in str(login.url) and "password" in login.text and 'name="password"' in login.text:
            raise AssertionError(f"admin sign-in refused for {email_address} at {self.base}: {login.text[:800]}")

    def add_page(self, model_path: str) -> tuple[httpx.Response, Form]:
        """The ``/admin/<app>/<model>/add/`` page and its form (defaults filled in)."""
        page = expect(self.get(f"{self.base}/admin/{model_path}/add/"), 200)
        return page, max(forms_of(page.text), key=lambda f: len(f.fields))  # not the header's log-out form

    def autocomplete(self, app_label: str, model_name: str, field_name: str, term: str = "") -> list[dict]:
        """The admin's own autocomplete endpoint: ``[{id, text}]`` for a foreign key of a model's form."""
        params = f"app_label={app_label}&model_name={model_name}&field_name={field_name}&term={term}"
        return expect(self.get(f"{self.base}/admin/autocomplete/?{params}"), 200).json()["results"]

    def object_ids(self, model_path: str, query: str) -> list[str]:
        """Ids on the change list searched for ``query`` (the admin's search box)."""
        listing = expect(self.get(f"{self.base}/admin/{model_path}/?q={query}"), 200)
        return list(dict.fromkeys(re.findall(rf'href="/admin/{model_path}/(\d+)/change/', listing.text)))

    def run_action(self, model_path: str, action: str, ids: list[str]) -> httpx.Response:
        """Tick ``ids`` on the change list and run the admin action ``action``."""
        listing = expect(self.get(f"{self.base}/admin/{model_path}/"), 200)
        form = pick_form(listing.text, lambda f: "action" in f.fields)
        data = {**form.fields, "action": action, "index": "0", "_selected_action": ids}
        return expect(self.post(f"{self.base}/admin/{model_path}/", data=data), 200)


def inline_rows(form: Form, prefix: str, rows: list[dict[str, str]]) -> dict[str, str]:
    """Form data adding ``rows`` to the admin inline ``prefix`` (from its empty template row)."""
    template = {
        name.replace(f"{prefix}-__prefix__-", ""): value
        for name, value in form.fields.items()
        if name.startswith(f"{prefix}-__prefix__-")
    }
    initial = int(form.fields.get(f"{prefix}-INITIAL_FORMS", "0") or 0)
    data = {f"{prefix}-TOTAL_FORMS": str(initial + len(rows))}
    for offset, row in enumerate(rows):
        for name, value in {**template, **row}.items():
            data[f"{prefix}-{initial + offset}-{name}"] = value
    return data


def admin_errors(page: httpx.Response) -> str:
    """The admin's error messages on a page, empty when there are none."""
    found = re.findall(
        r'<(?:p|ul) class="errornote">(.*?)</(?:p|ul)>|<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page.text, re.S
    )
    return " | ".join(re.sub(r"<[^>]+>", " ", "".join(parts)).strip() for parts in found)


# ---------------------------------------------------------------------- mail


@dataclass
class Mail:
    path: Path
    to: list[str]
    subject: str
    body: str
    html: str = ""

    def links(self) -> list[str]:
        """The links a reader can click: the HTML part's hrefs (entities decoded), else URLs in the text."""
        if self.html:
            return [html_lib.unescape(href) for href in re.findall(r'href="([^"]+)"', self.html)]
        return re.findall(r"https?://[^\s\"'<>]+", self.body)


class Mailbox:
    """The messages Django's file backend wrote under ``<VAR_DIR>/mail``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def messages(self) -> list[Mail]:
        found: list[Mail] = []
        if not self.directory.exists():
            return found
        for path in sorted(self.directory.glob("*")):
            # Bytes, not text: an 8bit UTF-8 body ("boleto bancário") decodes correctly only from bytes.
            for chunk in re.split(rb"\n-{79}\n", path.read_bytes()):
                if chunk.strip():
                    found.append(_parse_mail(path, chunk))
        return found

    def find(self, *, to: str, contains: str = "") -> list[Mail]:
        return [
            m
            for m in self.messages()
            if to.lower() in (a.lower() for a in m.to) and contains.lower() in (m.subject + "\n" + m.body).lower()
        ]

    def wait_for(self, *, to: str, contains: str = "", timeout: float = 60.0) -> Mail:
        return poll(
            f"an email to {to} mentioning {contains!r} in {self.directory}",
            lambda: self.find(to=to, contains=contains),
            timeout=timeout,
        )[-1]


def _parse_mail(path: Path, raw: bytes) -> Mail:
    message = email.message_from_bytes(raw.lstrip(b"\n"), policy=email.policy.default)
    recipients = []
    for header in ("To", "Cc", "Bcc"):
        for value in message.get_all(header, []):
            recipients += [a.strip() for a in re.findall(r"[\w.+-]+@[\w.-]+", str(value))]
    bodies, html = [], ""
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                content = part.get_content()
            except (LookupError, UnicodeDecodeError):
                content = str(part.get_payload())
            bodies.append(content)
            if part.get_content_subtype() == "html":
                html += content
    subject = str(message.get("Subject", ""))
    return Mail(path=path, to=recipients, subject=subject, body="\n".join(bodies), html=html)
