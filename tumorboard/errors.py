"""Domain errors raised by services. The API turns them into the one error shape (tumorboard.api.errors).

Services also raise Django's ``ValidationError`` (400, with field names) and ``PermissionDenied`` (403).
"""


class Conflict(Exception):
    """The action is not allowed from the object's current state (HTTP 409)."""

    def __init__(self, message: str, *, code: str = "invalid_transition"):
        super().__init__(message)
        self.message = message
        self.code = code
