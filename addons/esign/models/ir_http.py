from werkzeug.exceptions import HTTPException, abort

from odoo import models
from odoo.http import request

ESIGN_PUBLIC_PREFIX = "/esign/"


class IrHttp(models.AbstractModel):
    """Public JSON routes of esign answer bad input with a short JSON error, never with the
    traceback Odoo puts in JSON-RPC errors."""

    _inherit = "ir.http"

    @classmethod
    def _is_esign_json_request(cls):
        dispatcher = getattr(request, "dispatcher", None)
        return (
            request.httprequest.path.startswith(ESIGN_PUBLIC_PREFIX)
            and getattr(dispatcher, "routing_type", None) == "json"
        )

    @classmethod
    def _esign_json_error(cls, status, message):
        """JSON-RPC error response with ``status`` and a message, without debugging data."""
        body = {
            "jsonrpc": "2.0",
            "id": None,
            "error": {
                "code": status,
                "message": message,
                "data": {"name": f"esign.{status}", "message": message},
            },
        }
        return request.make_json_response(body, status=status)

    @classmethod
    def _pre_dispatch(cls, rule, args):
        super()._pre_dispatch(rule, args)
        if not cls._is_esign_json_request():
            return
        try:
            data = request.get_json_data()
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("params", {}), dict):
            abort(cls._esign_json_error(400, request.env._("Invalid request.")))

    @classmethod
    def _handle_error(cls, exception):
        if not cls._is_esign_json_request():
            return super()._handle_error(exception)
        if isinstance(exception, HTTPException) and exception.code:
            status = exception.code
            message = exception.name
        else:
            status = 500
            message = request.env._("The server could not handle the request. Try again later.")
        return cls._esign_json_error(status, message)
