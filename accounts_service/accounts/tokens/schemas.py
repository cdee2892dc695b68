from ninja import Field, Schema


class TokenObtainIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


class RefreshIn(Schema):
    refresh: str = Field(max_length=4096)


class TokenPairOut(Schema):
    access: str
    refresh: str
