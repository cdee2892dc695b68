from ninja import Schema


class TokenObtainIn(Schema):
    email: str
    password: str


class RefreshIn(Schema):
    refresh: str


class TokenPairOut(Schema):
    access: str
    refresh: str
