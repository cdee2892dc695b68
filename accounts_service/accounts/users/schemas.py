from ninja import Field, Schema


class RegisterIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    full_name: str = Field(max_length=150)


class RegisteredOut(Schema):
    id: int
    email: str
    full_name: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    is_staff: bool


class MePatchIn(Schema):
    full_name: str = Field(max_length=150)


class LoggedOutOut(Schema):
    revoked_refresh_tokens: int
