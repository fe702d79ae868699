"""Mini-program words (issue 12): every page title, heading, label, placeholder, empty state and toast the
shopper reads, from domain.labels.SHOPPER_WORDS. Public (the mini-program asks before logging in) and
cacheable: the ETag is the words' version, If-None-Match with it answers 304."""
from marshmallow import Schema, fields

from ...services.meta import shopper_words
from ..blueprint import Blueprint
from ..word_responses import words_response

blp = Blueprint("mp_words", __name__, url_prefix="/api/mp", description="小程序：界面文字（页面标题、标题、表单、提示）")


class WordsSchema(Schema):
    version = fields.String(metadata={"description": "changes whenever a word does; also the ETag",
                                      "example": "3f2a9c0d1e4b5a6f"})
    words = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.String()),
                        metadata={"description": "page -> key -> words; `common` under every page, `toast` for "
                                                 "toasts; {name} marks a value the mini-program fills in"})


@blp.get("/words")
@blp.response(200, WordsSchema)
@blp.alt_response(304, description="unchanged since the version sent in If-None-Match")
def words():
    """顾客界面文字（公开，带 ETag；If-None-Match 相同则 304）"""
    return words_response(WordsSchema(), shopper_words())
