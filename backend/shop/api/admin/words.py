"""The admin's words: every page title, column header, button, form label, placeholder, dialog, empty state and
toast the staff read, from domain.staff_words.STAFF_WORDS. Public (the sign-in page needs its words before anyone
signs in) and cacheable, as GET /api/mp/words: the ETag is the words' version, If-None-Match with it answers 304."""
from marshmallow import Schema, fields

from ...services.meta import staff_words
from ..blueprint import Blueprint
from ..word_responses import words_response

blp = Blueprint("admin_words", __name__, url_prefix="/api/admin", description="后台：界面文字（页面标题、表头、按钮、表单、提示）")


class StaffWordsSchema(Schema):
    version = fields.String(metadata={"description": "changes whenever a word does; also the ETag",
                                      "example": "3f2a9c0d1e4b5a6f"})
    words = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.String()),
                        metadata={"description": "page -> key -> words; `common` for words of many pages; "
                                                 "{name} marks a value the page fills in"})


@blp.get("/words")
@blp.response(200, StaffWordsSchema)
@blp.alt_response(304, description="unchanged since the version sent in If-None-Match")
def words():
    """后台界面文字（公开，带 ETag；If-None-Match 相同则 304）"""
    return words_response(StaffWordsSchema(), staff_words())
