"""A local HTTP server that answers like Mercado Pago's REST API (shapes from ``fixtures/mercadopago``).

It keeps payments and refunds, de-duplicates by ``X-Idempotency-Key`` as the real API does, checks the
bearer token, and can be told to fail or to stall (``stall_refund_seconds`` / ``stall_payment_seconds``: the
refund or payment is made, then the answer comes too late, as after a timeout). ``on_request``, when set,
is called on the server's thread as each request arrives (to look at what the caller has committed).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson

from common.brazil.boleto import boleto_build
from common.brazil.pix import PixCharge, brcode_build

FIXTURES = Path(__file__).parent / "fixtures" / "mercadopago"
TOKEN = "TEST-0000000000000000-120100-abcdefabcdefabcdefabcdefabcdefab-123456789"
WEBHOOK_SECRET = "mp-webhook-secret-for-tests-only-0123456789"


def fixture(name: str) -> dict:
    return orjson.loads((FIXTURES / f"{name}.json").read_bytes())


def sign_notification(*, data_id: str, request_id: str, ts: int | None = None, secret: str = WEBHOOK_SECRET) -> str:
    """The ``x-signature`` header Mercado Pago sends (the documented manifest)."""
    ts = int(time.time()) if ts is None else ts
    manifest = f"id:{data_id};request-id:{request_id};ts:{ts};"
    return f"ts={ts},v1={hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest()}"


class MercadoPagoFake:
    def __init__(self) -> None:
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, list[dict]] = {}
        self.by_key: dict[str, tuple[int, dict]] = {}
        self.requests: list[dict] = []
        self.stall_refund_seconds = 0.0
        self.stall_payment_seconds = 0.0
        self.on_request = None
        self.fail_next: tuple[int, dict] | None = None
        self.ids = itertools.count(1_325_000_001)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> MercadoPagoFake:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set_status(self, payment_id: str, status: str, detail: str = "accredited") -> None:
        self.payments[payment_id].update(status=status, status_detail=detail)

    # -- the API ------------------------------------------------------------------------------------------
    def answer(self, method: str, path: str, headers: dict, body: dict) -> tuple[int, dict]:
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"message": "invalid access token", "error": "unauthorized", "status": 401, "cause": []}
        if self.fail_next is not None:
            failure, self.fail_next = self.fail_next, None
            return failure
        key = headers.get("x-idempotency-key")
        with self.lock:
            if method == "POST" and key and key in self.by_key:
                return self.by_key[key]
            status, answer = self._route(method, path, body)
            if method == "POST" and key and status < 300:
                self.by_key[key] = (status, answer)
        return status, answer

    def _route(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "payments"]:
            return 201, self._create(body)
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "payments"] and parts[2] in self.payments:
            return 200, self.payments[parts[2]]
        if method == "POST" and len(parts) == 4 and parts[3] == "refunds" and parts[2] in self.payments:
            payment = self.payments[parts[2]]
            amount = Decimal(str(body.get("amount", payment["transaction_amount"])))
            given = sum((Decimal(str(r["amount"])) for r in self.refunds.get(parts[2], [])), Decimal(0))
            if given + amount > Decimal(str(payment["transaction_amount"])):
                return 400, {"message": "Invalid refund amount", "error": "bad_request", "status": 400, "cause": []}
            refund = fixture("refund_created")
            refund.update(id=next(self.ids), payment_id=int(parts[2]), amount=float(amount))
            refund["amount_refunded_to_payer"] = float(amount)
            self.refunds.setdefault(parts[2], []).append(refund)
            return 201, refund
        return 404, {"message": "resource not found", "error": "not_found", "status": 404, "cause": []}

    def _create(self, body: dict) -> dict:
        payment_id = next(self.ids)
        method = body.get("payment_method_id")
        amount = Decimal(str(body["transaction_amount"])).quantize(Decimal("0.01"))
        if method == "pix":
            payment = fixture("payment_pix_pending")
            payment["point_of_interaction"]["transaction_data"]["qr_code"] = brcode_build(
                PixCharge(
                    merchant_name="Cosmeticos Co",
                    merchant_city="SAO PAULO",
                    amount=amount,
                    location=f"pix.example-psp.com/qr/v2/{payment_id}",
                    txid="***",
                )
            )
        elif method == "bolbradesco":
            payment = fixture("payment_boleto_pending")
            due = date.today() + timedelta(days=3)
            payment["barcode"]["content"] = boleto_build(
                bank_code="237", due=due, amount=amount, free_field=f"{payment_id:025d}"
            ).barcode
        else:
            payment = copy.deepcopy(fixture("payment_pix_pending"))
            payment.pop("point_of_interaction")
            payment.update(payment_method_id=method, payment_type_id="credit_card", status="approved")
            payment["installments"] = body.get("installments", 1)
        payment.update(
            id=payment_id,
            transaction_amount=float(amount),
            external_reference=body.get("external_reference", ""),
            description=body.get("description", ""),
            date_of_expiration=body.get("date_of_expiration") or payment["date_of_expiration"],
        )
        self.payments[str(payment_id)] = payment
        return payment

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = orjson.loads(raw) if raw else {}
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = {"method": method, "path": self.path, "headers": headers, "body": body}
                if fake.on_request is not None:
                    fake.on_request(request)
                fake.requests.append(request)
                status, answer = fake.answer(method, self.path, headers, body)
                if method == "POST" and self.path == "/v1/payments" and fake.stall_payment_seconds:
                    stall, fake.stall_payment_seconds = fake.stall_payment_seconds, 0.0
                    time.sleep(stall)  # the payment is made; the answer comes too late
                if method == "POST" and self.path.endswith("/refunds") and fake.stall_refund_seconds:
                    time.sleep(fake.stall_refund_seconds)  # the refund is made; the answer comes too late
                    fake.stall_refund_seconds = 0.0
                payload = orjson.dumps(answer)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout) before the answer

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        return Handler
